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
)

func startSSE(t *testing.T, o SSEOptions, p AccessPolicy) (*httptest.Server, *SSE) {
	t.Helper()
	s := NewSSE(newEchoServer(), "/acme", o)
	p.Transport = TransportSSE
	mux := http.NewServeMux()
	g := Guard(p, s)
	mux.Handle("/acme/sse", g)
	mux.Handle("/acme/message", g)
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		_ = s.Close(context.Background())
		ts.Close()
	})
	return ts, s
}

func TestSSEEndToEnd(t *testing.T) {
	ctx := testCtx(t)
	obs := newCountObserver()
	ts, s := startSSE(t, SSEOptions{Observer: obs}, AccessPolicy{TokenHashes: []string{TokenHash(testToken)}})

	c, err := client.NewSSEMCPClient(ts.URL+"/acme/sse",
		transport.WithHeaders(map[string]string{"X-API-Key": testToken}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	initClient(t, ctx, c)
	if got := s.ActiveSessions(); got != 1 {
		t.Errorf("ActiveSessions() = %d, want 1", got)
	}
	want := "hi|sse|" + TokenHash(testToken)[7:15] + "|127.0.0.1"
	if got := callText(t, ctx, c, "echo", map[string]any{"text": "hi"}); got != want {
		t.Errorf("echo = %q, want %q", got, want)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	obs.waitEvent(t, "close:sse")
	if got, gauge := s.ActiveSessions(), obs.active(TransportSSE); got != 0 || gauge != 0 {
		t.Errorf("after client left: ActiveSessions() = %d, observer gauge %d, want 0", got, gauge)
	}
}

// openStream opens a raw event stream and returns the message endpoint the
// first event names.
func openStream(t *testing.T, ctx context.Context, url string) (*http.Response, *bufio.Reader, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
	}
	if v := resp.Header.Get("Access-Control-Allow-Origin"); v != "" {
		t.Errorf("event stream without Origin has Access-Control-Allow-Origin %q", v)
	}
	br := bufio.NewReader(resp.Body)
	var endpoint string
	for endpoint == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading endpoint event: %v", err)
		}
		if d, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "data: "); ok {
			endpoint = d
		}
	}
	return resp, br, endpoint
}

func TestSSEEndpointAndClose(t *testing.T) {
	ctx := testCtx(t)
	ts, s := startSSE(t, SSEOptions{}, AccessPolicy{})
	resp, br, endpoint := openStream(t, ctx, ts.URL+"/acme/sse")
	defer resp.Body.Close()
	// A path, not a full URL: it stays right behind a proxy.
	if !strings.HasPrefix(endpoint, "/acme/message?sessionId=mcp-session-") {
		t.Errorf("endpoint event = %q, want /acme/message?sessionId=...", endpoint)
	}

	// A message to the advertised endpoint is accepted.
	post := func(path string) *http.Response { return do(t, postInit(ts.URL+path)) }
	r := post(endpoint)
	r.Body.Close()
	if r.StatusCode != http.StatusAccepted {
		t.Errorf("POST %s: status %d, want 202", endpoint, r.StatusCode)
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
		}
	}()
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("event stream still open after Close")
	}
	r = post(endpoint)
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("POST after Close: status %d, want 503", r.StatusCode)
	}
	errorBody(t, r)
}
