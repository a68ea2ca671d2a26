package daemon

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

func twoTenants(t *testing.T) *config.File {
	return &config.File{Path: "test.toml", Daemon: testSettings(t), Tenants: []tenant.Config{echoTenant("acme", "acme1"), echoTenant("beta", "beta1")}}
}

// sessionVersion is the protocol the tests speak: the newest one with an
// initialize handshake and server-held sessions.
const sessionVersion = "2025-11-25"

// sseVersion is what SSE clients speak: the transport belongs to it.
const sseVersion = "2024-11-05"

// dial opens an initialized MCP session on url over transport kind.
func dial(t testing.TB, kind, url string, headers map[string]string) (*client.Client, error) {
	t.Helper()
	var tr transport.Interface
	var err error
	switch kind {
	case "http":
		tr, err = transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(headers))
	case "sse":
		tr, err = transport.NewSSE(url, transport.WithHeaders(headers))
	}
	if err != nil {
		return nil, err
	}
	version := sessionVersion
	if kind == "sse" {
		version = sseVersion
	}
	c := client.NewClient(tr, client.WithProtocolVersion(version))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// The SSE stream lives as long as the context Start gets.
	if err := c.Start(context.Background()); err != nil {
		c.Close()
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = version
	init.Params.ClientInfo = mcp.Implementation{Name: "daemon-test", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

// connect is dial that fails the test on error.
func connect(t testing.TB, kind, url string, headers map[string]string) *client.Client {
	t.Helper()
	c, err := dial(t, kind, url, headers)
	if err != nil {
		t.Fatalf("connect %s %s: %v", kind, url, err)
	}
	return c
}

func callText(ctx context.Context, c *client.Client, tool string, args map[string]any) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return b.String(), errors.New("tool error: " + b.String())
	}
	return b.String(), nil
}

func TestRoutesBothTransports(t *testing.T) {
	h := startDaemon(t, twoTenants(t), nil)
	ctx := context.Background()
	for _, kind := range []string{"http", "sse"} {
		for _, name := range []string{"acme", "beta"} {
			url := h.url("/" + name + "/mcp")
			if kind == "sse" {
				url = h.surl("/" + name + "/sse")
			}
			c := connect(t, kind, url, nil)
			got, err := callText(ctx, c, "whoami", nil)
			if err != nil || got != name+":"+name+"1" {
				t.Errorf("%s %s whoami = %q, %v; want %q", kind, name, got, err, name+":"+name+"1")
			}
		}
	}
}

func TestReloadDiff(t *testing.T) {
	cfg := twoTenants(t)
	h := startDaemon(t, cfg, nil)
	before := h.d.routes.Load()
	acme, beta := before.tenants["acme"], before.tenants["beta"]

	c := connect(t, "http", h.url("/beta/mcp"), nil)
	next := *cfg
	next.Tenants = []tenant.Config{echoTenant("acme", "acme1"), echoTenant("beta", "beta2"), echoTenant("gamma", "g1")}
	h.src.set(&next, nil)
	var res ctlapi.ReloadResult
	if code := h.api(t, "POST", "/v1/reload", &res); code != 200 {
		t.Fatalf("reload status %d", code)
	}
	if strings.Join(res.Added, ",") != "gamma" || strings.Join(res.Changed, ",") != "beta" || strings.Join(res.Unchanged, ",") != "acme" || len(res.Removed) != 0 {
		t.Fatalf("reload = %+v, want added gamma, changed beta, unchanged acme", res)
	}
	after := h.d.routes.Load()
	if after.tenants["acme"] != acme {
		t.Error("unchanged tenant acme got a new entry")
	}
	if after.tenants["beta"].rt != beta.rt || beta.rt.(*echoRuntime).updates.Load() != 1 {
		t.Error("changed tenant beta was not updated in place")
	}
	// The session opened before the reload still works and sees the new settings.
	if got, err := callText(context.Background(), c, "whoami", nil); err != nil || got != "beta:beta2" {
		t.Errorf("whoami on old session = %q, %v; want beta:beta2", got, err)
	}

	// A broken file changes nothing and the caller hears why.
	h.src.set(nil, errors.New("tenants.toml:3: tenants.beta.url: must be an http(s) URL, got \"x\""))
	var e ctlapi.Error
	want := "reload failed, running configuration kept: tenants.toml:3: tenants.beta.url: must be an http(s) URL, got \"x\""
	if code := h.api(t, "POST", "/v1/reload", &e); code != http.StatusUnprocessableEntity || e.Error != want {
		t.Fatalf("broken reload = %d %q, want 422 and %q", code, e.Error, want)
	}
	if h.d.routes.Load() != after {
		t.Error("a failed reload replaced the routing table")
	}
	// A tenant that cannot be built also changes nothing, and tenants
	// already built in that attempt are closed again.
	bad := next
	bad.Tenants = []tenant.Config{echoTenant("acme", "acme1"), echoTenant("beta", "beta3"), echoTenant("delta", "d"), {Name: "zeta", URL: "fail://"}}
	h.src.set(&bad, nil)
	if _, err := h.d.Reload(context.Background()); err == nil || !strings.Contains(err.Error(), "zeta") {
		t.Fatalf("Reload with an unbuildable tenant = %v, want an error naming zeta", err)
	}
	if h.d.routes.Load() != after || beta.rt.Config().DB != "beta2" {
		t.Error("a failed reload changed the running set")
	}
	// An update that fails rolls back: nothing changes.
	h.src.set(&bad, nil)
	bad.Tenants = []tenant.Config{echoTenant("acme", "acme2"), echoTenant("beta", "beta3")}
	h.src.set(&bad, nil)
	beta.rt.(*echoRuntime).failNext.Store(true)
	if _, err := h.d.Reload(context.Background()); err == nil {
		t.Fatal("Reload with a failing update succeeded")
	}
	if acme.rt.Config().DB != "acme1" || h.d.routes.Load() != after {
		t.Errorf("failed update left acme at %q, want rolled back to acme1", acme.rt.Config().DB)
	}

	// Removing a tenant drains and closes it.
	gamma := after.tenants["gamma"].rt.(*echoRuntime)
	h.src.set(cfg, nil)
	res, err := h.d.Reload(context.Background())
	if err != nil || strings.Join(res.Removed, ",") != "gamma" {
		t.Fatalf("Reload = %+v, %v; want gamma removed", res, err)
	}
	waitFor(t, "gamma closed", gamma.closed.Load)
	resp, err := http.Post(h.url("/gamma/mcp"), "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("removed tenant answered %d, want 404", resp.StatusCode)
	}
	var st ctlapi.Status
	h.api(t, "GET", "/v1/status", &st)
	if st.LastReload == nil || !st.LastReload.OK || st.LastReload.Count != 5 || len(st.Tenants) != 2 {
		t.Errorf("status after reloads = %+v", st)
	}
}

func TestControlAPI(t *testing.T) {
	cfg := twoTenants(t)
	cfg.Daemon.ControlGroup = strconv.Itoa(os.Getgid())
	cfg.Daemon.ControlMode = 0o640
	h := startDaemon(t, cfg, nil)
	var ts []ctlapi.TenantStatus
	if code := h.api(t, "GET", "/v1/tenants", &ts); code != 200 || len(ts) != 2 || ts[0].Name != "acme" {
		t.Fatalf("tenants = %d %+v", code, ts)
	}
	var cr ctlapi.CheckResult
	if code := h.api(t, "POST", "/v1/check?tenant=beta", &cr); code != 200 || !cr.OK || cr.Tenant != "beta" {
		t.Errorf("check beta = %d %+v", code, cr)
	}
	var e ctlapi.Error
	if code := h.api(t, "POST", "/v1/check?tenant=nope", &e); code != 404 || len(e.Known) != 2 {
		t.Errorf("check unknown = %d %+v, want 404 listing known tenants", code, e)
	}
	if code := h.api(t, "GET", "/v1/reload", &e); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /v1/reload = %d, want 405", code)
	}
	if code := h.api(t, "GET", "/v2/status", &e); code != 404 {
		t.Errorf("GET /v2/status = %d, want 404", code)
	}
	if code := h.api(t, "GET", "/v1/stdio?tenant=acme", &e); code != http.StatusUpgradeRequired {
		t.Errorf("stdio without Upgrade = %d, want 426", code)
	}
	fi, err := os.Stat(h.d.ControlSocket())
	if err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("control socket mode = %v, %v; want 0640 as configured", fi.Mode().Perm(), err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Gid) != os.Getgid() {
		t.Errorf("control socket group = %v, want %d", fi.Sys(), os.Getgid())
	}
}

func TestControlSocketStaleAndLive(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "control.sock")
	// A live socket: something answers, so the daemon refuses to start.
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	cfg := twoTenants(t)
	cfg.Daemon.ControlSocket = path
	d := New(Options{Load: func() (*config.File, error) { return cfg, nil }, NewRuntime: newEchoRuntime, Listeners: map[string]net.Listener{}, Notify: func(string) error { return nil }})
	if err := d.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("Start over a live socket = %v, want refusal", err)
	}
	d.Close()
	// A stale one: the file stays behind after its listener is gone.
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket missing: %v", err)
	}
	h := startDaemon(t, cfg, nil)
	var st ctlapi.Status
	if code := h.api(t, "GET", "/v1/status", &st); code != 200 || st.Version != Version {
		t.Errorf("status over replaced socket = %d %+v", code, st)
	}
	h.close(t)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("control socket left behind after Close: %v", err)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	h := startDaemon(t, twoTenants(t), nil)
	c := connect(t, "http", h.url("/acme/mcp"), nil)
	callText(context.Background(), c, "whoami", nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(h.url(p))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s = %v, %v", p, resp, err)
		}
		resp.Body.Close()
	}
	resp, err := http.Get(h.url("/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`odoo_mcpd_tenants 2`,
		`odoo_mcpd_http_requests_total{tenant="acme",transport="http",code="200"}`,
		`odoo_mcpd_http_request_duration_seconds_bucket{tenant="acme",transport="http",le="+Inf"}`,
		`odoo_mcpd_active_sessions{tenant="acme"}`,
		`odoo_mcpd_tool_calls_total{tenant="acme"} 1`,
		`odoo_mcpd_reloads_total{result="ok"} 0`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s\n%s", want, body)
		}
	}
}

func TestTenantFor(t *testing.T) {
	withSeed := &table{tenants: map[string]*entry{"default": {}, "acme": {}}}
	without := &table{tenants: map[string]*entry{"acme": {}}}
	for _, tc := range []struct {
		tbl          *table
		path, suffix string
		want         string
		ok           bool
	}{
		{without, "/acme/mcp", "/mcp", "acme", true},
		{without, "/nope/mcp", "/mcp", "nope", true}, // unknown names are judged by the caller
		{without, "/mcp", "/mcp", "", false},
		{withSeed, "/mcp", "/mcp", "default", true},
		{withSeed, "/odoo", "/odoo", "default", true},
		{without, "/acme/odoo", "/odoo", "acme", true},
		{without, "/a/b/mcp", "/mcp", "", false},
		{without, "//mcp", "/mcp", "", false},
		{without, "/acme/mcpx", "/mcp", "", false},
		{without, "/acme/sse", "/mcp", "", false},
	} {
		got, ok := tenantFor(tc.tbl, tc.path, tc.suffix)
		if got != tc.want || ok != tc.ok {
			t.Errorf("tenantFor(%q, %q) = %q, %v; want %q, %v", tc.path, tc.suffix, got, ok, tc.want, tc.ok)
		}
	}
}

func TestReloadLogLevel(t *testing.T) {
	cfg := twoTenants(t)
	cfg.Daemon.LogLevel = "info"
	h := startDaemon(t, cfg, nil)
	lv := new(slog.LevelVar)
	h.d.opts.LogLevel = lv
	next := *cfg
	next.Daemon.LogLevel = "debug"
	h.src.set(&next, nil)
	if _, err := h.d.Reload(context.Background()); err != nil {
		t.Fatal(err)
	}
	if lv.Level() != slog.LevelDebug {
		t.Errorf("level after reload = %v, want debug", lv.Level())
	}
	if strings.Contains(h.logs.String(), "take effect after a restart") {
		t.Error("a log level change was reported as needing a restart")
	}
}
