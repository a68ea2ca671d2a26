package transports

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

const testToken = "tok-acme-0123456789"

func startStreamable(t *testing.T, o StreamableOptions, p AccessPolicy) (*httptest.Server, *Streamable) {
	t.Helper()
	st := NewStreamableHTTP(newEchoServer(), o)
	mux := http.NewServeMux()
	mux.Handle("/acme/mcp", Guard(p, st))
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		_ = st.Close(context.Background())
		ts.Close()
	})
	return ts, st
}

func newHTTPClient(t *testing.T, url string, headers map[string]string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPHeaders(headers))
	if err != nil {
		t.Fatalf("NewStreamableHTTP: %v", err)
	}
	opts = append([]client.ClientOption{client.WithProtocolVersion(pinnedVersion)}, opts...)
	c := client.NewClient(tr, opts...)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestStreamableSessionLifecycle(t *testing.T) {
	ctx := testCtx(t)
	obs := newCountObserver()
	ts, st := startStreamable(t, StreamableOptions{Observer: obs},
		AccessPolicy{TokenHashes: []string{TokenHash("other"), TokenHash(testToken)}, Observer: obs})

	c := newHTTPClient(t, ts.URL+"/acme/mcp", map[string]string{"Authorization": "Bearer " + testToken},
		client.WithElicitationHandler(nameElicitor{"Ada"}))
	res := initClient(t, ctx, c)
	if res.ProtocolVersion != pinnedVersion {
		t.Errorf("negotiated %q, want %q", res.ProtocolVersion, pinnedVersion)
	}
	if c.GetSessionId() == "" {
		t.Fatal("no session id issued")
	}
	if got := st.ActiveSessions(); got != 1 {
		t.Errorf("ActiveSessions() = %d, want 1", got)
	}
	tools, err := c.ListTools(ctx, mcpListTools())
	if err != nil || len(tools.Tools) != 3 {
		t.Fatalf("ListTools = %v, %v", tools, err)
	}
	want := "hi|http|" + TokenHash(testToken)[7:15] + "|127.0.0.1"
	if got := callText(t, ctx, c, "echo", map[string]any{"text": "hi"}); got != want {
		t.Errorf("echo = %q, want %q", got, want)
	}
	if got := callText(t, ctx, c, "ask", nil); got != "accept:Ada" {
		t.Errorf("ask (elicitation) = %q, want accept:Ada", got)
	}

	// DELETE ends the session. (mcp-go's client sends its DELETE without
	// the configured headers, so the guard would refuse it: send our own.)
	id := c.GetSessionId()
	del, _ := http.NewRequest(http.MethodDelete, ts.URL+"/acme/mcp", nil)
	del.Header.Set("Authorization", "Bearer "+testToken)
	del.Header.Set("Mcp-Session-Id", id)
	delResp, err := http.DefaultClient.Do(del)
	if err != nil {
		t.Fatal(err)
	}
	delResp.Body.Close()
	if delResp.StatusCode != http.StatusOK {
		t.Fatalf("DELETE: status %d, want 200", delResp.StatusCode)
	}
	obs.waitEvent(t, "close:http")
	if got := st.ActiveSessions(); got != 0 {
		t.Errorf("after DELETE ActiveSessions() = %d, want 0", got)
	}
	// The ended id is unknown now: 404, as the MCP spec prescribes.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/acme/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Mcp-Session-Id", id)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST with ended session: status %d, want 404", resp.StatusCode)
	}
	errorBody(t, resp)
	if obs.count(http.StatusOK) == 0 {
		t.Error("observer saw no 200 requests")
	}
}

func TestStreamableStatelessAnyReplica(t *testing.T) {
	ctx := testCtx(t)
	tsA, _ := startStreamable(t, StreamableOptions{Stateless: true}, AccessPolicy{})
	tsB, _ := startStreamable(t, StreamableOptions{Stateless: true}, AccessPolicy{})

	a := newHTTPClient(t, tsA.URL+"/acme/mcp", nil)
	initClient(t, ctx, a)
	id := a.GetSessionId()
	if id == "" {
		t.Fatal("stateless mode issued no session id")
	}
	// Replica B never saw this session; it must answer anyway.
	tr, err := transport.NewStreamableHTTP(tsB.URL+"/acme/mcp", transport.WithSession(id))
	if err != nil {
		t.Fatal(err)
	}
	b := client.NewClient(tr, client.WithProtocolVersion(pinnedVersion), client.WithSession())
	t.Cleanup(func() { _ = b.Close() })
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if got := callText(t, ctx, b, "echo", map[string]any{"text": "b"}); !strings.HasPrefix(got, "b|http||") {
		t.Errorf("echo on replica B = %q", got)
	}

	// Server-to-client streams would live on one replica only: refused.
	req, _ := http.NewRequest(http.MethodGet, tsB.URL+"/acme/mcp", nil)
	req.Header.Set("Mcp-Session-Id", id)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("stateless GET: status %d, want 405", resp.StatusCode)
	}
	errorBody(t, resp)
}

func TestStreamableIdleExpiry(t *testing.T) {
	ctx := testCtx(t)
	obs := newCountObserver()
	ts, st := startStreamable(t, StreamableOptions{SessionIdleTTL: 1, Observer: obs}, AccessPolicy{})
	c := newHTTPClient(t, ts.URL+"/acme/mcp", nil)
	initClient(t, ctx, c)
	obs.waitEvent(t, "close:http") // the sweeper ends the idle session
	if n := st.ActiveSessions(); n != 0 {
		t.Errorf("ActiveSessions() after expiry = %d, want 0", n)
	}
	req := mcpListTools()
	if _, err := c.ListTools(ctx, req); err == nil {
		t.Error("ListTools on an expired session succeeded, want an error")
	}
}

func TestStreamableCloseEndsStreams(t *testing.T) {
	ctx := testCtx(t)
	ts, st := startStreamable(t, StreamableOptions{}, AccessPolicy{})
	c := newHTTPClient(t, ts.URL+"/acme/mcp", nil)
	initClient(t, ctx, c)

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/acme/mcp", nil)
	req.Header.Set("Mcp-Session-Id", c.GetSessionId())
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET stream: status %d", resp.StatusCode)
	}
	done := make(chan error, 1)
	go func() {
		_, err := bufio.NewReader(resp.Body).ReadString(0)
		done <- err
	}()
	if err := st.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("GET stream still open after Close")
	}
	if n := st.ActiveSessions(); n != 0 {
		t.Errorf("ActiveSessions() after Close = %d", n)
	}
	resp2 := do(t, postInit(ts.URL+"/acme/mcp"))
	if resp2.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST after Close: status %d, want 503", resp2.StatusCode)
	}
	errorBody(t, resp2)
}

func TestHostCheck(t *testing.T) {
	st := NewStreamableHTTP(newEchoServer(), StreamableOptions{AllowedHosts: []string{"mcp.example.com"}})
	ts := httptest.NewServer(st)
	t.Cleanup(func() { _ = st.Close(context.Background()); ts.Close() })
	for _, tc := range []struct {
		host string
		want int
	}{
		{"evil.example", http.StatusForbidden},
		{"127.0.0.1.evil.example", http.StatusForbidden},
		{"mcp.example.com", http.StatusOK},
		{"MCP.example.com:443", http.StatusOK},
		{"localhost:8008", http.StatusOK},
		{"[::1]:8008", http.StatusOK},
		{"127.0.0.2", http.StatusOK},
	} {
		req := postInit(ts.URL)
		req.Host = tc.host
		resp := do(t, req)
		if resp.StatusCode != tc.want {
			t.Errorf("Host %q: status %d, want %d", tc.host, resp.StatusCode, tc.want)
		}
		if tc.want != http.StatusOK {
			errorBody(t, resp)
		} else {
			resp.Body.Close()
		}
	}
	// DNS rebinding as a browser does it: Host and Origin both name the
	// attacker, so the guard sees a same-origin request; the Host check
	// behind it refuses.
	gts := httptest.NewServer(Guard(AccessPolicy{}, st))
	defer gts.Close()
	req := postInit(gts.URL)
	req.Host = "evil.example:8008"
	req.Header.Set("Origin", "http://evil.example:8008")
	resp := do(t, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("rebinding through the guard: status %d, want 403", resp.StatusCode)
	}
	if msg := errorBody(t, resp); msg != "host not allowed" {
		t.Errorf("rebinding through the guard: error %q", msg)
	}

	// The same check, standalone, for the daemon's other endpoints.
	h := HostGuard(nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	ts2 := httptest.NewServer(h)
	defer ts2.Close()
	req, _ = http.NewRequest(http.MethodGet, ts2.URL, nil)
	req.Host = "evil.example"
	resp = do(t, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("HostGuard: status %d, want 403", resp.StatusCode)
	}
	errorBody(t, resp)
}

// TestStreamableSessionlessProtocol: mcp-go's client left at its default
// speaks the sessionless 2026-07-28 draft; the session checks added here
// must not get in its way.
func TestStreamableSessionlessProtocol(t *testing.T) {
	ctx := testCtx(t)
	ts, _ := startStreamable(t, StreamableOptions{}, AccessPolicy{TokenHashes: []string{TokenHash(testToken)}})
	tr, err := transport.NewStreamableHTTP(ts.URL+"/acme/mcp",
		transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + testToken}))
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr)
	t.Cleanup(func() { _ = c.Close() })
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Initialize(ctx, mcp.InitializeRequest{}); err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	if id := c.GetSessionId(); id != "" {
		t.Errorf("default client got session %q: it did not use the sessionless protocol", id)
	}
	if got := callText(t, ctx, c, "echo", map[string]any{"text": "m"}); !strings.HasPrefix(got, "m|http|") {
		t.Errorf("echo = %q", got)
	}
}
