package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// echoRuntime is a minimal tenant: an mcp-go server with one tool that
// answers with the tenant's name and the generation of its settings, so
// tests see which configuration served a call.
type echoRuntime struct {
	srv      *server.MCPServer
	cfg      atomic.Pointer[tenant.Config]
	updates  atomic.Int64
	calls    atomic.Uint64
	sessions atomic.Int64
	closed   atomic.Bool
	failNext atomic.Bool // next Update fails
	// block makes the "block" tool wait; entered is told when it starts.
	block   chan struct{}
	entered chan struct{}
}

func newEchoRuntime(cfg tenant.Config, _ RuntimeOptions) (Runtime, error) {
	if cfg.URL == "fail://" {
		return nil, errors.New("cannot build: bad url")
	}
	rt := &echoRuntime{block: make(chan struct{}), entered: make(chan struct{}, 16)}
	rt.cfg.Store(&cfg)
	hooks := &server.Hooks{}
	hooks.AddOnRegisterSession(func(ctx context.Context, s server.ClientSession) { rt.sessions.Add(1) })
	hooks.AddOnUnregisterSession(func(ctx context.Context, s server.ClientSession) { rt.sessions.Add(-1) })
	rt.srv = server.NewMCPServer("echo-"+cfg.Name, "1.0", server.WithToolCapabilities(true), server.WithHooks(hooks))
	rt.srv.AddTool(mcp.NewTool("whoami", mcp.WithDescription("Names the tenant and its settings' database.")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			rt.calls.Add(1)
			c := rt.cfg.Load()
			return mcp.NewToolResultText(c.Name + ":" + c.DB), nil
		})
	rt.srv.AddTool(mcp.NewTool("block", mcp.WithDescription("Waits until the test releases it.")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			rt.entered <- struct{}{}
			select {
			case <-rt.block:
				return mcp.NewToolResultText("released"), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
	return rt, nil
}

func (r *echoRuntime) Config() tenant.Config        { return *r.cfg.Load() }
func (r *echoRuntime) MCPServer() *server.MCPServer { return r.srv }
func (r *echoRuntime) Start(ctx context.Context)    {}
func (r *echoRuntime) Update(cfg tenant.Config) error {
	if r.failNext.Swap(false) {
		return errors.New("update refused")
	}
	r.updates.Add(1)
	r.cfg.Store(&cfg)
	return nil
}
func (r *echoRuntime) Check(ctx context.Context) (ctlapi.CheckResult, error) {
	return ctlapi.CheckResult{OK: true, UID: 2, Protocol: "xmlrpc"}, nil
}
func (r *echoRuntime) Status() ctlapi.TenantStatus {
	c := r.cfg.Load()
	return ctlapi.TenantStatus{Name: c.Name, State: "ready", URL: c.URL, DB: c.DB, Calls: r.calls.Load(), Sessions: int(r.sessions.Load())}
}
func (r *echoRuntime) Close() error {
	if r.closed.Swap(true) {
		return errors.New("closed twice")
	}
	return nil
}

// cfgSource is a configuration the test changes between reloads.
type cfgSource struct {
	mu  sync.Mutex
	cfg *config.File
	err error
}

func (s *cfgSource) set(c *config.File, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cfg, s.err = c, err
}

func (s *cfgSource) load() (*config.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	c := *s.cfg
	c.Tenants = append([]tenant.Config(nil), s.cfg.Tenants...)
	return &c, nil
}

func echoTenant(name, db string) tenant.Config {
	return tenant.Config{Name: name, URL: "http://127.0.0.1:1", DB: db, Username: "admin"}
}

func testSettings(t testing.TB) config.Daemon {
	return config.Daemon{
		HTTPListen:    "127.0.0.1:0",
		SSEListen:     "127.0.0.1:0",
		ControlSocket: filepath.Join(t.TempDir(), "control.sock"),
		DrainTimeout:  5 * time.Second,
	}
}

// logBuffer collects log output for the secrets check.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type harness struct {
	d      *Daemon
	src    *cfgSource
	logs   *logBuffer
	notes  chan string
	ctl    *http.Client
	closed bool
}

// startDaemon runs a daemon in-process with the given configuration.
func startDaemon(t testing.TB, cfg *config.File, factory Factory) *harness {
	t.Helper()
	h := &harness{src: &cfgSource{}, logs: &logBuffer{}, notes: make(chan string, 1024)}
	h.src.set(cfg, nil)
	if factory == nil {
		factory = newEchoRuntime
	}
	h.d = New(Options{
		Load:       h.src.load,
		ConfigPath: "test.toml",
		NewRuntime: factory,
		Logger:     newTestLogger(h.logs),
		Notify: func(s string) error {
			select {
			case h.notes <- s:
			default:
			}
			return nil
		},
		Listeners: map[string]net.Listener{},
	})
	if err := h.d.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if !h.closed {
			h.d.Close()
		}
		recordOutput(t, h.logs.String())
	})
	sock := h.d.ControlSocket()
	h.ctl = &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	return h
}

func (h *harness) close(t *testing.T) {
	t.Helper()
	h.closed = true
	if err := h.d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// api calls the control API and decodes the answer into out.
func (h *harness) api(t *testing.T, method, path string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, "http://odoo-mcpd"+path, nil)
	resp, err := h.ctl.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	recordOutput(t, string(body))
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, body, err)
		}
	}
	return resp.StatusCode
}

func (h *harness) url(path string) string  { return "http://" + h.d.HTTPAddr() + path }
func (h *harness) surl(path string) string { return "http://" + h.d.SSEAddr() + path }

// outputs collects everything the suite's daemons said, for the secrets
// check that runs last.
var outputs struct {
	mu  sync.Mutex
	all []string
}

func recordOutput(t testing.TB, s string) {
	outputs.mu.Lock()
	defer outputs.mu.Unlock()
	outputs.all = append(outputs.all, s)
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

var _ = fmt.Sprintf

func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
