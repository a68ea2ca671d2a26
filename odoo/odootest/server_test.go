package odootest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func startServer(t *testing.T, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL() = %q, want loopback", s.URL())
	}
	return s
}

func httpPost(ctx context.Context, url string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestAuthenticationAndRotation(t *testing.T) {
	s := New()
	c := newClient(t, s)
	auth := func(login, pw string) string {
		return pyReprValue(c.raw("common", "authenticate", DB, login, pw, dict{}).value)
	}
	tests := []struct{ login, pw, want string }{
		{"admin", "admin", "2"},
		{"admin", "wrong", "False"},
		{"demo", "demo", "6"},
		{"admin", AdminAPIKey, "2"},
		{"demo", AdminAPIKey, "False"},
		{"nobody", "x", "False"},
		{"__system__", "", "False"},
	}
	for _, tt := range tests {
		if got := auth(tt.login, tt.pw); got != tt.want {
			t.Errorf("authenticate(%q, %q) = %s, want %s", tt.login, tt.pw, got, tt.want)
		}
	}
	if r := c.raw("common", "authenticate", "no_db", "admin", "admin", dict{}); !r.fault || !strings.HasSuffix(lastLine(r.faultText), `database "no_db" does not exist`) {
		t.Errorf("bad db: %v %q", r.fault, lastLine(r.faultText))
	}
	s.SetPassword("admin", "rotated")
	if got := auth("admin", "admin"); got != "False" {
		t.Errorf("old password after rotation = %s", got)
	}
	if code, msg := c.fault("res.partner", "search_count", l(l()), nil); code != 3 || msg != "Access Denied" {
		t.Errorf("execute_kw with old password = %d %q", code, msg)
	}
	if got := c.as(AdminUID, "rotated").ok("res.partner", "search_count", l(l()), nil); got == nil {
		t.Error("new password refused")
	}
	if got := c.as(AdminUID, AdminAPIKey).ok("res.partner", "search_count", l(l()), nil); got == nil {
		t.Error("API key refused after password rotation")
	}
	key := "0123456789abcdef0123456789abcdef01234567"
	if err := s.AddAPIKey("demo", key); err != nil {
		t.Fatal(err)
	}
	if got := auth("demo", key); got != "6" {
		t.Errorf("new key = %s", got)
	}
	s.RevokeAPIKey(key)
	if got := auth("demo", key); got != "False" {
		t.Errorf("revoked key = %s", got)
	}
	if err := s.AddAPIKey("demo", "short"); err == nil {
		t.Error("AddAPIKey accepted a malformed key")
	}
	if got := c.raw("common", "no_such").faultText; lastLine(got) != "Exception: Method not found: no_such" {
		t.Errorf("unknown common method: %q", lastLine(got))
	}
	st := s.Calls()
	if st.Count("common.authenticate") < len(tests) || st.Count("res.partner.search_count") != 3 {
		t.Errorf("Calls() = %v", st.Calls)
	}
	s.ResetCalls()
	if s.Calls().Total() != 0 {
		t.Error("ResetCalls did not zero the counters")
	}
}

func TestFailureInjection(t *testing.T) {
	s := startServer(t, WithSlowDelay(50*time.Millisecond))
	url := s.URL() + "/xmlrpc/2/common"
	body := encodeCall(t, "version")
	ctx := context.Background()

	s.FailNext(1, FailProxy502)
	resp, b, err := httpPost(ctx, url, body)
	if err != nil || resp.StatusCode != 502 || !bytes.Contains(b, []byte("502 Bad Gateway")) || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("proxy 502: %v %v %q", err, resp, b)
	}
	s.FailNext(1, FailProxy403)
	resp, b, err = httpPost(ctx, url, body)
	if err != nil || resp.StatusCode != 403 || !bytes.Contains(b, []byte("<title>403 Forbidden</title>")) || resp.Header.Get("Server") != "nginx/1.22.1" {
		t.Errorf("proxy 403: %v %v %q", err, resp, b)
	}
	s.FailNext(1, Fail500)
	resp, b, err = httpPost(ctx, url, body)
	if err != nil || resp.StatusCode != 500 || !bytes.Contains(b, []byte("Internal Server Error")) {
		t.Errorf("500: %v %v %q", err, resp, b)
	}
	s.FailNext(1, FailGarbage)
	resp, b, err = httpPost(ctx, url, body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("garbage: %v %v", err, resp)
	}
	if _, perr := parseResponse(b); perr == nil {
		t.Errorf("garbage reply parsed: %q", b)
	}
	s.FailNext(1, FailReset)
	if _, _, err = httpPost(ctx, url, body); err == nil {
		t.Error("reset: request succeeded")
	}
	// Slow: a client with a shorter deadline gives up; the next call is normal.
	s.FailNext(1, FailSlow)
	short, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	_, _, err = httpPost(short, url, body)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow: err = %v, want deadline exceeded", err)
	}
	resp, b, err = httpPost(ctx, url, body)
	if err != nil || resp.StatusCode != 200 || !bytes.Contains(b, []byte("server_version")) {
		t.Errorf("after failures: %v %q", err, b)
	}
	// Down: connections fail until the server is back.
	s.SetDown(true)
	if _, _, err = httpPost(ctx, url, body); err == nil {
		t.Error("down: request succeeded")
	}
	s.SetDown(false)
	if _, _, err = httpPost(ctx, url, body); err != nil {
		t.Errorf("back up: %v", err)
	}
	// Latency delays but answers.
	s.SetLatency(5 * time.Millisecond)
	start := time.Now()
	if _, _, err = httpPost(ctx, url, body); err != nil {
		t.Errorf("latency: %v", err)
	}
	if time.Since(start) < 5*time.Millisecond {
		t.Error("latency not applied")
	}
	s.SetLatency(0)
	if got := s.Calls().Requests; got < 8 {
		t.Errorf("Requests = %d, want >= 8", got)
	}
}

func TestVersionInfoAndRoutes(t *testing.T) {
	h := New().Handler()
	rec := post(h, "/web/webclient/version_info", "application/json", []byte(`{"jsonrpc": "2.0", "method": "call", "id": 7, "params": {}}`))
	want := `{"jsonrpc": "2.0", "id": 7, "result": {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""], "server_serie": "18.0", "protocol_version": 1}}`
	if rec.Code != 200 || rec.Body.String() != want {
		t.Errorf("version_info = %d %s, want %s", rec.Code, rec.Body.String(), want)
	}
	if rec := post(h, "/json/2/res.partner/search", "application/json", []byte(`{}`)); rec.Code != 404 {
		t.Errorf("JSON-2 on 18 = %d, want 404", rec.Code)
	}
	req, _ := http.NewRequest(http.MethodGet, "/xmlrpc/2/common", nil)
	rr := &recorder{h: http.Header{}}
	h.ServeHTTP(rr, req)
	if rr.code != 405 {
		t.Errorf("GET /xmlrpc/2/common = %d, want 405", rr.code)
	}
	rec = post(h, "/xmlrpc/common", "text/xml", encodeCall(t, "authenticate", "odoo_test", "admin", "wrong", dict{}))
	if !bytes.Contains(rec.Body.Bytes(), []byte("<boolean>0</boolean>")) {
		t.Errorf("legacy endpoint: %s", rec.Body.String())
	}
	rec = post(h, "/xmlrpc/object", "text/xml", encodeCall(t, "execute_kw", "odoo_test", int64(2), "wrong", "res.partner", "search", l(l())))
	if !bytes.Contains(rec.Body.Bytes(), []byte("<name>faultCode</name>\n<value><string>AccessDenied</string></value>")) {
		t.Errorf("legacy fault has no string faultCode: %s", rec.Body.String())
	}
}

type recorder struct {
	h    http.Header
	code int
	buf  bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return r.buf.Write(b) }
func (r *recorder) WriteHeader(c int)           { r.code = c }

func TestConcurrentUse(t *testing.T) {
	s := New()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			c := newClient(t, s)
			for i := 0; i < 20; i++ {
				if g%2 == 0 {
					c.ok("res.partner", "search_read", l(l(l("is_company", "=", true))), dict{{"fields", l("name", "child_ids")}})
				} else {
					id := c.ok("res.partner", "create", l(dict{{"name", "Concurrent"}, {"parent_id", int64(9)}}), nil).(int64)
					c.ok("res.partner", "write", l(l(id), dict{{"phone", "1"}}), nil)
					c.ok("res.partner", "unlink", l(l(id)), nil)
				}
			}
		}(g)
	}
	wg.Wait()
	if n := newClient(t, s).ok("res.partner", "search_count", l(l(l("name", "=", "Concurrent"))), nil); n != int64(0) {
		t.Errorf("leftover records: %v", n)
	}
}

func TestAddPartnersScale(t *testing.T) {
	s := New()
	s.AddPartners(20000)
	c := newClient(t, s)
	n := c.ok("res.partner", "search_count", l(l()), nil).(int64)
	if n < 20000 {
		t.Fatalf("search_count = %d after AddPartners(20000)", n)
	}
	rows := c.ok("res.partner", "search_read", l(l(l("country_id.code", "=", "BE"), l("is_company", "=", true))), dict{{"fields", l("name", "country_id")}, {"limit", int64(5)}, {"order", "id desc"}})
	for _, r := range rows.([]any) {
		if got := pyReprValue(col(t, r, "country_id")); got != "[21, 'Belgium']" {
			t.Errorf("country_id = %s", got)
		}
	}
}
