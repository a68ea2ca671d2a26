package transports

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestGuardBadInput sends each kind of bad request to a guarded tenant
// (Streamable HTTP and SSE on one server) and checks the status and the
// short JSON error, then that a good request still works.
func TestGuardBadInput(t *testing.T) {
	ctx := testCtx(t)
	var logBuf syncBuffer
	pol := AccessPolicy{
		TokenHashes:  []string{TokenHash(testToken)},
		AllowOrigins: []string{"https://app.example.com"},
		MaxBodyBytes: 4096,
		Logger:       slog.New(slog.NewTextHandler(&logBuf, nil)),
	}
	st := NewStreamableHTTP(newEchoServer(), StreamableOptions{})
	sse := NewSSE(newEchoServer(), "/acme", SSEOptions{})
	ssePol := pol
	ssePol.Transport = TransportSSE
	mux := http.NewServeMux()
	mux.Handle("/acme/mcp", Guard(pol, st))
	mux.Handle("/acme/sse", Guard(ssePol, sse))
	mux.Handle("/acme/message", Guard(ssePol, sse))
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, http.StatusNotFound, "not found")
	}))
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		_ = st.Close(context.Background())
		_ = sse.Close(context.Background())
		ts.Close()
	})

	auth := map[string]string{"Authorization": "Bearer " + testToken}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{"Authorization": "Bearer " + testToken, "Content-Type": "application/json"}
		for k, v := range extra {
			if v == "" {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		return m
	}
	big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 5000) + `"}}`

	for _, tc := range []struct {
		name    string
		method  string
		path    string
		headers map[string]string
		body    string
		chunked bool
		want    int
		jsonErr bool // body must be {"error": ...}
	}{
		{"no token", "POST", "/acme/mcp", with(map[string]string{"Authorization": ""}), initBody, false, 401, true},
		{"wrong token", "POST", "/acme/mcp", with(map[string]string{"Authorization": "Bearer nope"}), initBody, false, 401, true},
		{"token of another tenant", "POST", "/acme/mcp", with(map[string]string{"Authorization": "Bearer tok-other-tenant"}), initBody, false, 401, true},
		{"basic auth", "POST", "/acme/mcp", with(map[string]string{"Authorization": "Basic dXNlcjpwYXNz"}), initBody, false, 401, true},
		{"wrong api key", "POST", "/acme/mcp", with(map[string]string{"Authorization": "", "X-API-Key": "nope"}), initBody, false, 401, true},
		{"wrong content type", "POST", "/acme/mcp", with(map[string]string{"Content-Type": "text/plain"}), initBody, false, 415, true},
		{"no content type", "POST", "/acme/mcp", with(map[string]string{"Content-Type": ""}), initBody, false, 415, true},
		{"oversize body", "POST", "/acme/mcp", with(nil), big, false, 413, true},
		{"oversize chunked body", "POST", "/acme/mcp", with(nil), big, true, 413, true},
		{"disallowed origin", "POST", "/acme/mcp", with(map[string]string{"Origin": "https://evil.example"}), initBody, false, 403, true},
		{"malformed JSON-RPC", "POST", "/acme/mcp", with(nil), `{"jsonrpc":`, false, 400, false},
		{"unknown session", "POST", "/acme/mcp", with(map[string]string{"Mcp-Session-Id": newSessionID()}), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, false, 404, true},
		{"malformed session", "POST", "/acme/mcp", with(map[string]string{"Mcp-Session-Id": "x"}), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, false, 404, true},
		{"POST without session", "POST", "/acme/mcp", with(nil), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, false, 400, true},
		{"GET without session", "GET", "/acme/mcp", auth, "", false, 400, true},
		{"GET unknown session", "GET", "/acme/mcp", map[string]string{"Authorization": "Bearer " + testToken, "Mcp-Session-Id": newSessionID()}, "", false, 404, true},
		{"DELETE unknown session", "DELETE", "/acme/mcp", map[string]string{"Authorization": "Bearer " + testToken, "Mcp-Session-Id": newSessionID()}, "", false, 404, true},
		{"PUT", "PUT", "/acme/mcp", with(nil), initBody, false, 405, true},
		{"unsupported protocol version", "POST", "/acme/mcp", with(map[string]string{"Mcp-Session-Id": newSessionID(), "Mcp-Protocol-Version": "1999-01-01"}), `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`, false, 400, true},
		{"unknown tenant", "POST", "/other/mcp", with(nil), initBody, false, 404, true},
		{"GET on message endpoint", "GET", "/acme/message", auth, "", false, 405, true},
		{"POST on sse endpoint", "POST", "/acme/sse", with(nil), initBody, false, 405, true},
		{"message without session", "POST", "/acme/message", with(nil), initBody, false, 400, true},
		{"message unknown session", "POST", "/acme/message?sessionId=" + newSessionID(), with(nil), initBody, false, 404, true},
		{"sse without token", "GET", "/acme/sse", nil, "", false, 401, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
				if tc.chunked {
					body = io.MultiReader(body) // unknown length: sent chunked
				}
			}
			req, _ := http.NewRequestWithContext(ctx, tc.method, ts.URL+tc.path, body)
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.want {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Fatalf("status %d, want %d; body %q", resp.StatusCode, tc.want, b)
			}
			if tc.jsonErr {
				msg := errorBody(t, resp)
				for _, leak := range []string{testToken, "goroutine", ".go:", "other"} {
					if strings.Contains(msg, leak) {
						t.Errorf("error %q mentions %q", msg, leak)
					}
				}
			} else {
				resp.Body.Close()
			}
			if tc.want == 401 && resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}

			// The next good request still works.
			good, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/acme/mcp", strings.NewReader(initBody))
			for k, v := range with(nil) {
				good.Header.Set(k, v)
			}
			gr, err := http.DefaultClient.Do(good)
			if err != nil {
				t.Fatal(err)
			}
			gr.Body.Close()
			if gr.StatusCode != http.StatusOK {
				t.Fatalf("good request after %s: status %d", tc.name, gr.StatusCode)
			}
		})
	}

	logs := logBuf.String()
	if !strings.Contains(logs, `reason="invalid token"`) || !strings.Contains(logs, "client_addr=127.0.0.1") {
		t.Errorf("refusals not logged as expected:\n%s", logs)
	}
	for _, secret := range []string{testToken, "tok-other-tenant", "nope", "dXNlcjpwYXNz"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log mentions the token %q", secret)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
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

func TestGuardCORS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	ts := httptest.NewServer(Guard(AccessPolicy{
		TokenHashes:  []string{TokenHash(testToken)},
		AllowOrigins: []string{"https://App.Example.com"},
	}, ok))
	defer ts.Close()

	// Preflight: answered without a token, allowed origin echoed.
	req, _ := http.NewRequest(http.MethodOptions, ts.URL, nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, mcp-session-id")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("preflight: status %d, want 204", resp.StatusCode)
	}
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != "https://app.example.com" ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Mcp-Session-Id") ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("preflight headers = %v", h)
	}

	// Actual request from the allowed origin: exposes the session header.
	req, _ = http.NewRequest(http.MethodGet, ts.URL, nil)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "Mcp-Session-Id") {
		t.Errorf("allowed origin: status %d, headers %v", resp.StatusCode, resp.Header)
	}

	// A page on this machine (a local MCP Inspector) and a same-origin
	// request need no configuration on a loopback listener.
	for _, o := range []string{"http://localhost:6274", "http://127.0.0.1:6274", "http://[::1]:6274", "http://" + strings.TrimPrefix(ts.URL, "http://")} {
		req, _ = http.NewRequest(http.MethodGet, ts.URL, nil)
		req.Header.Set("Origin", o)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != o {
			t.Errorf("Origin %s: status %d, Allow-Origin %q", o, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
	// DNS rebinding: same origin as far as the browser knows, but the
	// Host is foreign; the guard lets it through to the handler's Host
	// check, which refuses it (see TestHostCheck). A foreign Origin with a
	// loopback Host is refused here.
	req, _ = http.NewRequest(http.MethodGet, ts.URL, nil)
	req.Header.Set("Origin", "http://evil.example:8008")
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Origin: status %d, want 403", resp.StatusCode)
	}
	errorBody(t, resp)

	// Preflight from another origin: refused.
	req, _ = http.NewRequest(http.MethodOptions, ts.URL, nil)
	req.Header.Set("Origin", "http://app.example.com") // scheme differs
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign preflight: status %d, want 403", resp.StatusCode)
	}
	errorBody(t, resp)
	if resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Error("foreign origin got Access-Control-Allow-Origin")
	}
}

func TestGuardRateLimit(t *testing.T) {
	obs := newCountObserver()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	ts := httptest.NewServer(Guard(AccessPolicy{RateLimit: 0.001, Burst: 2, Observer: obs}, ok))
	defer ts.Close()
	var codes []int
	for range 3 {
		resp, err := http.Get(ts.URL)
		if err != nil {
			t.Fatal(err)
		}
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
				t.Errorf("429 with Retry-After %q", ra)
			}
			errorBody(t, resp)
		} else {
			resp.Body.Close()
		}
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 {
		t.Errorf("statuses = %v, want [200 200 429]", codes)
	}
	if obs.count(429) != 1 || obs.count(200) != 2 {
		t.Errorf("observer counts 200=%d 429=%d", obs.count(200), obs.count(429))
	}
}

func TestLimiterMemoryBounded(t *testing.T) {
	l := newLimiter(1, 1)
	now := time.Unix(1_000_000, 0)
	for i := range maxBuckets + 100 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if ok, _ := l.allow(a, now); !ok {
			t.Fatalf("first request of %v refused", a)
		}
	}
	if n := l.size(); n > maxBuckets {
		t.Errorf("limiter holds %d buckets, cap %d", n, maxBuckets)
	}
	// Once the buckets have refilled, a sweep forgets them all.
	l.allow(netip.MustParseAddr("192.0.2.1"), now.Add(2*sweepEvery))
	if n := l.size(); n != 1 {
		t.Errorf("after idle sweep limiter holds %d buckets, want 1", n)
	}
	// IPv6 addresses of one /64 share a bucket.
	l2 := newLimiter(1, 1)
	if ok, _ := l2.allow(netip.MustParseAddr("2001:db8::1"), now); !ok {
		t.Fatal("first v6 request refused")
	}
	if ok, wait := l2.allow(netip.MustParseAddr("2001:db8::2"), now); ok || wait <= 0 {
		t.Errorf("second address of the same /64: allowed=%v wait=%v, want refused", ok, wait)
	}
}

func TestGuardAllowIPsAndProxies(t *testing.T) {
	var seen Client
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen, _ = ClientFromContext(r.Context())
		if r.Header.Get("Authorization") != "" {
			t.Error("token header reached the handler")
		}
		w.WriteHeader(http.StatusOK)
	})
	for _, tc := range []struct {
		name     string
		pol      AccessPolicy
		xff      string
		want     int
		wantAddr string
	}{
		{"peer not allowed", AccessPolicy{AllowIPs: []string{"10.0.0.0/8"}}, "", 403, ""},
		{"peer allowed", AccessPolicy{AllowIPs: []string{"10.0.0.0/8", "127.0.0.1"}}, "", 200, "127.0.0.1"},
		{"XFF ignored without trusted proxy", AccessPolicy{AllowIPs: []string{"10.0.0.0/8"}}, "10.1.2.3", 403, ""},
		{"XFF from trusted proxy", AccessPolicy{AllowIPs: []string{"10.0.0.0/8"}, TrustedProxies: []string{"127.0.0.0/8"}}, "192.0.2.9, 10.1.2.3", 200, "10.1.2.3"},
		{"XFF spoofed left of proxy hop", AccessPolicy{AllowIPs: []string{"10.0.0.0/8"}, TrustedProxies: []string{"127.0.0.0/8"}}, "10.1.2.3, 192.0.2.9", 403, ""},
		{"XFF garbage", AccessPolicy{TrustedProxies: []string{"127.0.0.1"}}, "not-an-ip", 400, ""},
		{"all allow-list entries bad: nobody", AccessPolicy{AllowIPs: []string{"bogus"}}, "", 403, ""},
		{"all token hashes bad: fail closed", AccessPolicy{TokenHashes: []string{"md5:abc"}}, "", 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen = Client{}
			ts := httptest.NewServer(Guard(tc.pol, ok))
			defer ts.Close()
			req, _ := http.NewRequest(http.MethodGet, ts.URL, nil)
			if tc.xff != "" {
				req.Header.Set("X-Forwarded-For", tc.xff)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.want {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.want)
			}
			if tc.want != 200 {
				errorBody(t, resp)
				return
			}
			resp.Body.Close()
			if seen.Addr != tc.wantAddr || seen.Transport != TransportHTTP {
				t.Errorf("client = %+v, want Addr %s", seen, tc.wantAddr)
			}
		})
	}
}

func TestAccessPolicyValidate(t *testing.T) {
	good := AccessPolicy{
		TokenHashes:    []string{TokenHash("x")},
		AllowIPs:       []string{"10.0.0.0/8", "::1"},
		TrustedProxies: []string{"127.0.0.1/32"},
		AllowOrigins:   []string{"https://a.example", "*"},
		RateLimit:      5, Burst: 10, MaxBodyBytes: 1 << 20,
	}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate(good) = %v", err)
	}
	bad := AccessPolicy{
		TokenHashes:  []string{"sha256:zz", "abc"},
		AllowIPs:     []string{"10.0.0.0/33"},
		AllowOrigins: []string{"https://a.example/path", "ftp://x"},
		RateLimit:    -1, Burst: -1, MaxBodyBytes: -1, Transport: "carrier-pigeon",
	}
	err := bad.Validate()
	if err == nil {
		t.Fatal("Validate(bad) = nil")
	}
	for _, want := range []string{"token hash 1", "token hash 2", "10.0.0.0/33", "a.example/path", "ftp://x", "rate limit", "burst", "max body", "carrier-pigeon"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(bad) = %q, missing %q", err, want)
		}
	}
}

func TestMaxSessions(t *testing.T) {
	ctx := testCtx(t)
	ts, st := startStreamable(t, StreamableOptions{MaxSessions: 2}, AccessPolicy{})
	post := func() *http.Response { return do(t, postInit(ts.URL+"/acme/mcp").WithContext(ctx)) }
	var ids []string
	for range 2 {
		resp := post()
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("initialize: status %d", resp.StatusCode)
		}
		ids = append(ids, resp.Header.Get("Mcp-Session-Id"))
	}
	resp := post()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("initialize over the cap: status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	errorBody(t, resp)
	// Ending one session makes room again.
	del, _ := http.NewRequest(http.MethodDelete, ts.URL+"/acme/mcp", nil)
	del.Header.Set("Mcp-Session-Id", ids[0])
	dr, err := http.DefaultClient.Do(del)
	if err != nil {
		t.Fatal(err)
	}
	dr.Body.Close()
	if resp := post(); resp.StatusCode != http.StatusOK {
		t.Errorf("initialize after DELETE: status %d", resp.StatusCode)
	} else {
		resp.Body.Close()
	}
	if n := st.ActiveSessions(); n != 2 {
		t.Errorf("ActiveSessions() = %d, want 2", n)
	}

	sts, _ := startSSE(t, SSEOptions{MaxSessions: 1}, AccessPolicy{})
	first, _, _ := openStream(t, ctx, sts.URL+"/acme/sse")
	defer first.Body.Close()
	second, err := http.Get(sts.URL + "/acme/sse")
	if err != nil {
		t.Fatal(err)
	}
	if second.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("second SSE stream over the cap: status %d, want 503", second.StatusCode)
	}
	errorBody(t, second)
}
