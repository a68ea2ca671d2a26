package daemon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBadInput sends what a broken or hostile client sends. Each gets its
// status and a short JSON error, never a trace and never another tenant's
// name, and the daemon keeps serving.
func TestBadInput(t *testing.T) {
	e := startTwoTenants(t)
	h := e.h
	good := testSecrets[0]
	ping := `{"jsonrpc":"2.0","id":1,"method":"ping"}`
	for _, tc := range []struct {
		name, method, url, ctype, body string
		hdr                            map[string]string
		want                           int
		wantErr                        string // in the JSON error or JSON-RPC error message
	}{
		{"malformed JSON-RPC", "POST", h.url("/acme/mcp"), "application/json", `{"jsonrpc":"2.0","id":1,"method":`, bearer(good), 400, "json"},
		{"oversize body", "POST", h.url("/acme/mcp"), "application/json", `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"` + strings.Repeat("a", 100<<10) + `"}}`, bearer(good), 413, "too large"},
		{"wrong content type", "POST", h.url("/acme/mcp"), "text/plain", ping, bearer(good), 415, "content type"},
		{"unknown tenant", "POST", h.url("/nope/mcp"), "application/json", ping, bearer(good), 404, "unknown tenant"},
		{"unknown tenant on SSE", "GET", h.surl("/nope/sse"), "", "", bearer(good), 404, "unknown tenant"},
		{"wrong token", "POST", h.url("/acme/mcp"), "application/json", ping, bearer("not-the-token"), 401, ""},
		{"unknown session id", "POST", h.url("/acme/mcp"), "application/json", `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
			map[string]string{"Authorization": "Bearer " + good, "Mcp-Session-Id": "mcp-session-4d1c5a3e-0000-4000-8000-000000000000", "Mcp-Protocol-Version": sessionVersion}, 404, "session"},
		{"GET where POST is expected", "GET", h.surl("/acme/message?sessionId=x"), "", "", bearer(good), 405, "method"},
		{"PUT on the MCP endpoint", "PUT", h.url("/acme/mcp"), "application/json", ping, bearer(good), 405, "method"},
		{"no such path", "GET", h.url("/acme/mcp/../../etc/passwd"), "", "", nil, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, tc.method, tc.url, strings.NewReader(tc.body))
			if tc.ctype != "" {
				req.Header.Set("Content-Type", tc.ctype)
			}
			req.Header.Set("Accept", "application/json, text/event-stream")
			for k, v := range tc.hdr {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			recordOutput(t, string(body))
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d %s, want %d", resp.StatusCode, body, tc.want)
			}
			var m struct {
				Error json.RawMessage `json:"error"`
			}
			if err := json.Unmarshal(body, &m); err != nil || len(m.Error) == 0 {
				t.Fatalf("body %q is not a JSON error", body)
			}
			msg := strings.ToLower(string(m.Error))
			if len(body) > 300 || strings.Contains(msg, "goroutine") || strings.Contains(msg, ".go:") || strings.Contains(msg, "beta") {
				t.Errorf("error %s is long, leaks internals or names another tenant", body)
			}
			if !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error %s does not mention %q", body, tc.wantErr)
			}
		})
	}
	// Still serving.
	c := connect(t, "http", h.url("/acme/mcp"), bearer(good))
	if _, err := call(context.Background(), c, "count_records", map[string]any{"model": "res.partner"}); err != nil {
		t.Fatalf("after bad input: %v", err)
	}
}
