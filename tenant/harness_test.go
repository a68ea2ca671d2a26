package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// harness is a tenant under test with an MCP client connected in process.
type harness struct {
	t      testing.TB
	tn     *Tenant
	cl     *client.Client
	logs   *syncBuffer
	audits *syncBuffer
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the JSON log lines as maps.
func (s *syncBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

type harnessOpt func(*clientOpts)

type clientOpts struct {
	elicit client.ElicitationHandler
	clock  *clock
}

func withElicitation(h client.ElicitationHandler) harnessOpt {
	return func(o *clientOpts) { o.elicit = h }
}

// withClock gives the tenant a time source before any call runs.
func withClock(c clock) harnessOpt {
	return func(o *clientOpts) { o.clock = &c }
}

// newHarnessWith builds a tenant over the given factory and connects an
// in-process MCP client to it.
func newHarnessWith(t testing.TB, cfg Config, factory backendFactory, opts ...harnessOpt) *harness {
	t.Helper()
	var co clientOpts
	for _, o := range opts {
		o(&co)
	}
	h := &harness{t: t, logs: &syncBuffer{}, audits: &syncBuffer{}}
	tn, err := newTenant(cfg, Options{
		Logger: slog.New(slog.NewJSONHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("tenant", cfg.Name),
		Audit:  slog.New(slog.NewJSONHandler(h.audits, nil)),
	}, factory)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = tn.Close() })
	if co.clock != nil {
		tn.clock = *co.clock
	}
	h.tn = tn
	var copts []client.ClientOption
	if co.elicit != nil {
		copts = append(copts, client.WithElicitationHandler(co.elicit))
	}
	cl, err := client.NewInProcessClientWithOptions(tn.MCPServer(), copts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cl.Start(ctx); err != nil {
		t.Fatal(err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "tenant-test", Version: "1"}
	if co.elicit != nil {
		init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
	}
	if _, err := cl.Initialize(ctx, init); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { _ = cl.Close() })
	h.cl = cl
	return h
}

// call runs a tool and returns its text and whether it was a tool error.
// A protocol error fails the test.
func (h *harness) call(name string, args map[string]any) (string, bool) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := h.cl.CallTool(ctx, req)
	if err != nil {
		h.t.Fatalf("tools/call %s: protocol error %v", name, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res.IsError
}

// ok runs a tool that must succeed and decodes its JSON answer.
func (h *harness) ok(name string, args map[string]any) map[string]any {
	h.t.Helper()
	text, isErr := h.call(name, args)
	if isErr {
		h.t.Fatalf("%s(%v) = tool error %q", name, args, text)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		h.t.Fatalf("%s(%v): answer is not a JSON object: %v\n%s", name, args, err, text)
	}
	return m
}

// fails runs a tool that must fail with a tool error mentioning want.
func (h *harness) fails(name string, args map[string]any, want string) string {
	h.t.Helper()
	text, isErr := h.call(name, args)
	if !isErr {
		h.t.Fatalf("%s(%v) succeeded with %s, want a tool error mentioning %q", name, args, text, want)
	}
	if !strings.Contains(text, want) {
		h.t.Errorf("%s(%v) = %q, want it to mention %q", name, args, text, want)
	}
	return text
}

func (h *harness) toolNames() []string {
	h.t.Helper()
	res, err := h.cl.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	return names
}

func (h *harness) readResource(uri string) (string, error) {
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := h.cl.ReadResource(context.Background(), req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, c := range res.Contents {
		if tc, ok := c.(mcp.TextResourceContents); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), nil
}
