package odoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewValidatesConfig(t *testing.T) {
	good := Config{URL: "http://127.0.0.1:8069", DB: "db", Username: "u", Password: NewSecret("p")}
	tests := []struct {
		name   string
		mutate func(*Config)
		want   string // substring of the error; "" means valid
	}{
		{"good", func(*Config) {}, ""},
		{"trailing slash", func(c *Config) { c.URL = "https://erp.example.com/odoo/" }, ""},
		{"empty url", func(c *Config) { c.URL = "" }, "URL is empty"},
		{"no scheme", func(c *Config) { c.URL = "erp.example.com" }, "must be an http(s) URL"},
		{"ftp", func(c *Config) { c.URL = "ftp://erp.example.com" }, "must be an http(s) URL"},
		{"credentials in url", func(c *Config) { c.URL = "http://u:hunter2hunter2@erp" }, "must not carry credentials"},
		{"query", func(c *Config) { c.URL = "http://erp/?db=x" }, "query"},
		{"no db", func(c *Config) { c.DB = "" }, "DB is empty"},
		{"no user", func(c *Config) { c.Username = "" }, "Username is empty"},
		{"no password", func(c *Config) { c.Password = Secret{} }, "Password is empty"},
		{"bad protocol", func(c *Config) { c.Protocol = "soap" }, `got "soap"`},
		{"json2 without key", func(c *Config) { c.Protocol = "json2" }, "needs an API key"},
		{"json2 with key, no password", func(c *Config) {
			c.Protocol, c.APIKey, c.Password, c.Username = "json2", NewSecret("k"), Secret{}, ""
		}, ""},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"negative cap", func(c *Config) { c.MaxResponseBytes = -1 }, "MaxResponseBytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.mutate(&cfg)
			c, err := New(cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("New(%s) error = %v, want nil", tt.name, err)
				}
				c.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New(%s) error = %v, want it to mention %q", tt.name, err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("New(%s) error = %q leaks the URL password", tt.name, err)
			}
		})
	}
}

func TestLoginOnceForConcurrentCalls(t *testing.T) {
	f := newFakeOdoo(t)
	release := make(chan struct{})
	f.mu.Lock()
	inner := f.auth
	f.auth = func(l, p string) any { <-release; return inner(l, p) }
	f.execute = func(model, method string, args []any, kw map[string]any) []byte { return xmlValue(int64(57)) }
	f.mu.Unlock()
	c := newTestClient(t, Config{URL: f.srv.URL})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := c.SearchCount(context.Background(), "res.partner", nil, nil)
			if err == nil && n != 57 {
				err = fmt.Errorf("SearchCount = %d, want 57", n)
			}
			errs <- err
		}()
	}
	// Let every caller queue behind the one login before it completes.
	waitFor(t, func() bool { return f.count("authenticate") == 1 })
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := f.count("authenticate"); got != 1 {
		t.Errorf("authenticate calls = %d, want 1", got)
	}
	if got := c.UID(); got != 2 {
		t.Errorf("UID() = %d, want 2", got)
	}
}

// waitFor polls cond with a deadline; it is for state held by another
// goroutine that offers no channel to wait on.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAccessDeniedReauthenticatesOnce(t *testing.T) {
	tests := []struct {
		name       string
		denials    int // how many execute_kw calls answer fault 3 first
		wantErr    bool
		wantAuth   int
		wantExecKW int
	}{
		{"rotated then fine", 1, false, 2, 2},
		{"always denied", 99, true, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOdoo(t)
			var n atomic.Int32
			f.execute = func(model, method string, args []any, kw map[string]any) []byte {
				if int(n.Add(1)) <= tt.denials {
					return xmlFault(3, "Access Denied")
				}
				return xmlValue([]any{int64(7)})
			}
			c := newTestClient(t, Config{URL: f.srv.URL})
			ids, err := c.Search(context.Background(), "res.partner", nil, nil)
			if tt.wantErr {
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindAccessDenied {
					t.Fatalf("Search() error = %v, want KindAccessDenied", err)
				}
			} else if err != nil || !reflect.DeepEqual(ids, []int64{7}) {
				t.Fatalf("Search() = %v, %v; want [7]", ids, err)
			}
			if got := f.count("authenticate"); got != tt.wantAuth {
				t.Errorf("authenticate calls = %d, want %d", got, tt.wantAuth)
			}
			if got := f.count("execute_kw"); got != tt.wantExecKW {
				t.Errorf("execute_kw calls = %d, want %d", got, tt.wantExecKW)
			}
		})
	}
}

func TestStaleUIDLogsInAgain(t *testing.T) {
	f := newFakeOdoo(t)
	var logins atomic.Int32
	f.auth = func(login, pw string) any {
		if logins.Add(1) == 1 {
			return int64(9999) // the user is then deleted and re-created as 7
		}
		return int64(7)
	}
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		f.mu.Lock()
		uid := f.last[1]
		f.mu.Unlock()
		if uid == int64(9999) {
			return recording(t, "x38_bad_uid_execute.resp.xml")
		}
		return xmlValue(int64(57))
	}
	c := newTestClient(t, Config{URL: f.srv.URL})
	if n, err := c.SearchCount(context.Background(), "res.partner", nil, nil); err != nil || n != 57 {
		t.Fatalf("SearchCount() with a stale uid = %d, %v; want 57 after one re-login", n, err)
	}
	if c.UID() != 7 || f.count("authenticate") != 2 {
		t.Errorf("UID() = %d after %d logins, want 7 after 2", c.UID(), f.count("authenticate"))
	}
	// A MissingError about another record is an answer, not a stale login.
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		return recording(t, "x21_write_deleted.resp.xml")
	}
	if err := c.Write(context.Background(), "res.partner", []int64{62}, map[string]any{"name": "x"}, nil); !isKind(err, KindUserError) {
		t.Errorf("Write() on a deleted record error = %v, want KindUserError", err)
	}
	if f.count("authenticate") != 2 {
		t.Errorf("authenticate calls = %d, want still 2", f.count("authenticate"))
	}
}

func TestAuthenticate(t *testing.T) {
	f := newFakeOdoo(t)
	good := newTestClient(t, Config{URL: f.srv.URL})
	if uid, err := good.Authenticate(context.Background()); uid != 2 || err != nil {
		t.Errorf("Authenticate() = %d, %v; want 2, nil", uid, err)
	}
	bad := newTestClient(t, Config{URL: f.srv.URL, Password: NewSecret("wrong")})
	uid, err := bad.Authenticate(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindAccessDenied || e.Class != "AccessDenied" || uid != 0 {
		t.Fatalf("Authenticate(wrong password) = %d, %v; want KindAccessDenied", uid, err)
	}
	if !strings.Contains(e.Error(), `"admin"`) || !strings.Contains(e.Error(), `"odoo_test"`) {
		t.Errorf("Authenticate(wrong password) error = %q, want it to name the login and database", e)
	}
	if _, err := bad.Search(context.Background(), "res.partner", nil, nil); !isKind(err, KindAccessDenied) {
		t.Errorf("Search() with a wrong password error = %v, want KindAccessDenied", err)
	}
	if got := f.count("execute_kw"); got != 0 {
		t.Errorf("execute_kw calls after a failed login = %d, want 0", got)
	}
}

func TestConcurrentCallsShareAFailedLogin(t *testing.T) {
	f := newFakeOdoo(t)
	c := newTestClient(t, Config{URL: f.srv.URL, Password: NewSecret("wrong-password")})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Search(context.Background(), "res.partner", nil, nil); !isKind(err, KindAccessDenied) {
				t.Errorf("Search() error = %v, want KindAccessDenied", err)
			}
		}()
	}
	wg.Wait()
	if n := f.count("execute_kw"); n != 0 {
		t.Errorf("execute_kw calls = %d, want 0 after failed logins", n)
	}
}

func TestPrivateAndMalformedNamesRefusedBeforeTheWire(t *testing.T) {
	f := newFakeOdoo(t)
	c := newTestClient(t, Config{URL: f.srv.URL})
	tests := []struct {
		model, method string
		kind          Kind
	}{
		{"res.partner", "_compute_display_name", KindAccessError},
		{"res.partner", "__init__", KindAccessError},
		{"res.partner", "", KindProtocol},
		{"res.partner", "a<b", KindProtocol},
		{"res.partner", "x.y", KindProtocol},
		{"", "search", KindProtocol},
		{"res partner", "search", KindProtocol},
		{"res.partner</string>", "search", KindProtocol},
	}
	for _, tt := range tests {
		_, err := c.ExecuteKW(context.Background(), tt.model, tt.method, nil, nil)
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind {
			t.Errorf("ExecuteKW(%q, %q) error = %v, want kind %v", tt.model, tt.method, err, tt.kind)
		}
	}
	if n := f.count("execute_kw") + f.count("authenticate"); n != 0 {
		t.Errorf("server calls = %d, want 0", n)
	}
}

// flakyProxy answers the first n object calls with a proxy's 502 page.
func flakyProxy(f *fakeOdoo, n int) *atomic.Int32 {
	var served atomic.Int32
	f.mu.Lock()
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/xmlrpc/2/object" || int(served.Add(1)) > n {
			return false
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
		return true
	}
	f.mu.Unlock()
	return &served
}

func TestRetriesReadsButNeverWrites(t *testing.T) {
	tests := []struct {
		name      string
		failures  int
		run       func(*Client) error
		wantErr   bool
		wantTries int32
	}{
		{"read recovers", 2, func(c *Client) error {
			_, err := c.SearchRead(context.Background(), "res.partner", nil, nil)
			return err
		}, false, 3},
		{"read gives up after 3", 5, func(c *Client) error {
			_, err := c.Read(context.Background(), "res.partner", []int64{1}, nil, nil)
			return err
		}, true, 3},
		{"write not retried", 1, func(c *Client) error {
			return c.Write(context.Background(), "res.partner", []int64{1}, map[string]any{"name": "x"}, nil)
		}, true, 1},
		{"create not retried", 1, func(c *Client) error {
			_, err := c.Create(context.Background(), "res.partner", map[string]any{"name": "x"}, nil)
			return err
		}, true, 1},
		{"generic method not retried", 1, func(c *Client) error {
			_, err := c.ExecuteKW(context.Background(), "sale.order", "action_confirm", []any{[]int64{1}}, nil)
			return err
		}, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeOdoo(t)
			f.execute = func(model, method string, args []any, kw map[string]any) []byte {
				if method == "search_read" || method == "read" {
					return xmlValue([]any{})
				}
				return xmlValue(true)
			}
			served := flakyProxy(f, tt.failures)
			c := newTestClient(t, Config{URL: f.srv.URL})
			err := tt.run(c)
			if tt.wantErr {
				var e *Error
				if !errors.As(err, &e) || e.Kind != KindTransport || e.Code != 502 || !strings.Contains(e.Message, "502 Bad Gateway") {
					t.Fatalf("%s: error = %v, want KindTransport 502 naming the page", tt.name, err)
				}
			} else if err != nil {
				t.Fatalf("%s: error = %v", tt.name, err)
			}
			if got := served.Load(); got != tt.wantTries {
				t.Errorf("%s: object calls = %d, want %d", tt.name, got, tt.wantTries)
			}
		})
	}
}

func TestCircuitBreaker(t *testing.T) {
	f := newFakeOdoo(t)
	var down atomic.Bool
	down.Store(true)
	var hits atomic.Int32
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		hits.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	}
	c := newTestClient(t, Config{URL: f.srv.URL})
	c.retries = 1
	now := time.Unix(1_000_000, 0)
	var clock sync.Mutex
	c.brk.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	ctx := context.Background()
	// Each Version call tries version_info then common.version: two
	// failures towards the threshold.
	for i := 0; !c.brk.isOpen(); i++ {
		if _, err := c.Version(ctx); !isKind(err, KindTransport) && !isKind(err, KindUnavailable) || i > c.brk.threshold {
			t.Fatalf("Version() #%d error = %v, want KindTransport until the breaker opens", i+1, err)
		}
	}
	if c.brk.failures != c.brk.threshold {
		t.Fatalf("breaker opened after %d failures, want %d", c.brk.failures, c.brk.threshold)
	}
	if !c.brk.isOpen() {
		t.Fatal("breaker closed after threshold failures")
	}
	before := hits.Load()
	_, err := c.Search(ctx, "res.partner", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindUnavailable || !strings.Contains(e.Message, "503") {
		t.Fatalf("Search() with breaker open error = %v, want KindUnavailable citing the last failure", err)
	}
	if hits.Load() != before {
		t.Errorf("server hit while breaker open")
	}
	// After the cool-down one probe goes through; its failure re-opens.
	clock.Lock()
	now = now.Add(c.brk.cooldown)
	clock.Unlock()
	probe := func() error { _, err := c.xmlrpcCall(ctx, "common", "version"); return err }
	if err := probe(); !isKind(err, KindTransport) {
		t.Fatalf("probe error = %v, want KindTransport", err)
	}
	if err := probe(); !isKind(err, KindUnavailable) {
		t.Fatalf("after failed probe error = %v, want KindUnavailable", err)
	}
	// Odoo is back: the next probe closes the breaker.
	down.Store(false)
	clock.Lock()
	now = now.Add(c.brk.cooldown)
	clock.Unlock()
	if err := probe(); err != nil {
		t.Fatalf("probe after recovery error = %v", err)
	}
	if c.brk.isOpen() {
		t.Error("breaker still open after a successful probe")
	}
	if _, err := c.SearchCount(ctx, "res.partner", nil, nil); !isKind(err, KindProtocol) {
		t.Errorf("SearchCount() after recovery error = %v, want the fake's bool reply refused", err)
	}
}

func TestFaultsDoNotTripBreaker(t *testing.T) {
	f := newFakeOdoo(t)
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		return xmlFault(2, "Object x doesn't exist")
	}
	c := newTestClient(t, Config{URL: f.srv.URL})
	for range c.brk.threshold + 2 {
		if _, err := c.Search(context.Background(), "x", nil, nil); !isKind(err, KindUserError) {
			t.Fatalf("Search() error = %v, want KindUserError", err)
		}
	}
	if c.brk.isOpen() {
		t.Error("breaker opened on faults; Odoo was answering")
	}
}

func TestBadReplies(t *testing.T) {
	big := xmlValue(strings.Repeat("x", 4096))
	tests := []struct {
		name    string
		handler http.HandlerFunc
		cap     int64
		kind    Kind
		code    int
		msg     string
	}{
		{"proxy 502 html", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			fmt.Fprint(w, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>")
		}, 0, KindTransport, 502, `HTTP 502 Bad Gateway from POST /xmlrpc/2/common (an HTML page titled "502 Bad Gateway")`},
		{"500 text", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			fmt.Fprint(w, "internal error")
		}, 0, KindTransport, 500, `HTTP 500 Internal Server Error from POST /xmlrpc/2/common (starts "internal error")`},
		{"html at 200", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "<html><body><h1>Maintenance</h1></body></html>")
		}, 0, KindTransport, 0, `got an HTML page titled "Maintenance" instead of an XML-RPC reply`},
		{"404", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, 0, KindProtocol, 404, `use protocol "json2"`},
		{"403 from a proxy", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(403)
			fmt.Fprint(w, "<html><head><title>403 Forbidden</title></head></html>")
		}, 0, KindProtocol, 403, `HTTP 403 Forbidden from POST /xmlrpc/2/common (an HTML page titled "403 Forbidden")`},
		{"429", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(429) }, 0, KindTransport, 429, "HTTP 429 Too Many Requests"},
		{"truncated xml", func(w http.ResponseWriter, r *http.Request) {
			w.Write(big[:len(big)/2])
		}, 0, KindProtocol, 0, "malformed XML-RPC reply"},
		{"not xml-rpc", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"jsonrpc":"2.0"}`)
		}, 0, KindProtocol, 0, "not an XML-RPC methodResponse"},
		{"empty", func(w http.ResponseWriter, r *http.Request) {}, 0, KindProtocol, 0, "(empty body)"},
		{"oversized by length", func(w http.ResponseWriter, r *http.Request) { w.Write(big) }, 1024, KindProtocol, 200, "exceeds the 1024-byte cap"},
		{"oversized chunked", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 100 {
				w.Write(big[i:min(i+100, len(big))])
				w.(http.Flusher).Flush()
			}
		}, 1024, KindProtocol, 200, "exceeds the 1024-byte cap"},
		{"string fault code", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><string>warning -- UserError</string></value></member><member><name>faultString</name><value><string></string></value></member></struct></value></fault></methodResponse>`)
		}, 0, KindProtocol, 0, "malformed fault"},
		{"untyped value", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>a</name><value>text</value></member></struct></value></param></params></methodResponse>`)
		}, 0, KindProtocol, 0, "malformed XML-RPC reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := newTestClient(t, Config{URL: srv.URL, MaxResponseBytes: tt.cap})
			c.retries = 1
			_, err := c.xmlrpcCall(context.Background(), "common", "version")
			var e *Error
			if !errors.As(err, &e) || e.Kind != tt.kind || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Fatalf("call(%s) error = %#v, want kind %v code %d message containing %q", tt.name, err, tt.kind, tt.code, tt.msg)
			}
		})
	}
}

func TestTimeoutAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, Config{URL: srv.URL, Timeout: 50 * time.Millisecond})
	_, err := c.Version(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindTransport || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Version() on a silent server error = %v, want KindTransport wrapping DeadlineExceeded", err)
	}
	c2 := newTestClient(t, Config{URL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c2.Version(ctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Version() canceled error = %v, want context.Canceled", err)
	}
	if c2.brk.failures != 0 {
		t.Errorf("a canceled call counted as a transport failure")
	}
}

func TestCloseFailsLaterCalls(t *testing.T) {
	f := newFakeOdoo(t)
	c := newTestClient(t, Config{URL: f.srv.URL})
	c.Close()
	if _, err := c.Search(context.Background(), "res.partner", nil, nil); !isKind(err, KindUnavailable) {
		t.Errorf("Search() after Close error = %v, want KindUnavailable", err)
	}
}

func TestObserve(t *testing.T) {
	f := newFakeOdoo(t)
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		if method == "unlink" {
			return xmlFault(2, "You cannot delete the admin user")
		}
		return xmlValue(int64(3))
	}
	type obs struct {
		model, method string
		err           bool
	}
	var mu sync.Mutex
	var got []obs
	c := newTestClient(t, Config{URL: f.srv.URL, Observe: func(model, method string, d time.Duration, err error) {
		mu.Lock()
		got = append(got, obs{model, method, err != nil})
		mu.Unlock()
	}})
	c.SearchCount(context.Background(), "res.partner", nil, nil)
	c.Unlink(context.Background(), "res.users", []int64{2}, nil)
	want := []obs{{"", "authenticate", false}, {"res.partner", "search_count", false}, {"res.users", "unlink", true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Observe calls = %+v, want %+v", got, want)
	}
}

func TestHelpersSendWhatOdooExpects(t *testing.T) {
	f := newFakeOdoo(t)
	reply := map[string][]byte{
		"search":       xmlValue([]any{int64(3), int64(1)}),
		"search_read":  xmlValue([]any{map[string]any{"id": int64(1), "name": "A", "parent_id": false}}),
		"search_count": xmlValue(int64(5)),
		"read":         xmlValue([]any{map[string]any{"id": int64(1), "name": ""}}),
		"fields_get":   xmlValue(map[string]any{"name": map[string]any{"type": "char", "string": "Name"}}),
		"name_search":  xmlValue([]any{[]any{int64(10), "Deco Addict"}}),
		"create":       xmlValue(int64(62)),
		"write":        xmlValue(true),
		"unlink":       xmlValue(true),
		"read_group":   xmlValue([]any{map[string]any{"country_id": []any{int64(1), "BE"}, "country_id_count": int64(4)}}),
	}
	f.execute = func(model, method string, args []any, kw map[string]any) []byte { return reply[method] }
	c := newTestClient(t, Config{URL: f.srv.URL})
	ctx := context.Background()
	lang := map[string]any{"lang": "fr_FR"}
	dom := []any{[]any{"is_company", "=", true}}
	tests := []struct {
		name     string
		run      func() (any, error)
		want     any
		wantArgs []any
		wantKW   map[string]any
	}{
		{"Search", func() (any, error) {
			return c.Search(ctx, "res.partner", dom, &SearchOptions{Limit: 5, Offset: 1, Order: "id", Context: lang})
		}, []int64{3, 1}, []any{dom}, map[string]any{"limit": int64(5), "offset": int64(1), "order": "id", "context": lang}},
		{"SearchRead", func() (any, error) {
			return c.SearchRead(ctx, "res.partner", nil, &SearchOptions{Fields: []string{"name"}})
		}, []map[string]any{{"id": int64(1), "name": "A", "parent_id": false}}, []any{[]any{}}, map[string]any{"fields": []any{"name"}}},
		{"SearchCount", func() (any, error) { return c.SearchCount(ctx, "res.partner", dom, nil) }, int64(5), []any{dom}, nil},
		{"Read", func() (any, error) { return c.Read(ctx, "res.partner", []int64{1}, []string{"name"}, nil) },
			[]map[string]any{{"id": int64(1), "name": ""}}, []any{[]any{int64(1)}}, map[string]any{"fields": []any{"name"}}},
		{"FieldsGet", func() (any, error) {
			return c.FieldsGet(ctx, "res.partner", []string{"name"}, []string{"type", "string"}, nil)
		}, map[string]map[string]any{"name": {"type": "char", "string": "Name"}}, []any{},
			map[string]any{"allfields": []any{"name"}, "attributes": []any{"type", "string"}}},
		{"NameSearch", func() (any, error) { return c.NameSearch(ctx, "res.partner", "Deco", nil, 5, nil) },
			[]NameResult{{10, "Deco Addict"}}, []any{"Deco", []any{}, "ilike", int64(5)}, nil},
		{"Create", func() (any, error) {
			return c.Create(ctx, "res.partner", map[string]any{"name": "N", "parent_id": nil}, nil)
		}, int64(62), []any{map[string]any{"name": "N", "parent_id": false}}, nil},
		{"Write", func() (any, error) {
			return nil, c.Write(ctx, "res.partner", []int64{62}, map[string]any{"phone": "1"}, &CallOptions{Context: lang})
		}, nil, []any{[]any{int64(62)}, map[string]any{"phone": "1"}}, map[string]any{"context": lang}},
		{"Unlink", func() (any, error) { return nil, c.Unlink(ctx, "res.partner", []int64{62}, nil) }, nil, []any{[]any{int64(62)}}, nil},
		{"ReadGroup", func() (any, error) {
			return c.ReadGroup(ctx, "res.partner", nil, []string{"country_id"}, []string{"country_id"}, &ReadGroupOptions{Lazy: true, Limit: 3})
		}, []map[string]any{{"country_id": []any{int64(1), "BE"}, "country_id_count": int64(4)}},
			[]any{[]any{}, []any{"country_id"}, []any{"country_id"}}, map[string]any{"lazy": true, "limit": int64(3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.run()
			if err != nil {
				t.Fatalf("%s() error = %v", tt.name, err)
			}
			if tt.want != nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s() = %s, want %s", tt.name, format(got), format(tt.want))
			}
			f.mu.Lock()
			params := f.last
			f.mu.Unlock()
			if !reflect.DeepEqual(params[5], tt.wantArgs) {
				t.Errorf("%s() sent args %s, want %s", tt.name, format(params[5]), format(tt.wantArgs))
			}
			var kw any
			if len(params) > 6 {
				kw = params[6]
			}
			if tt.wantKW == nil && kw != nil || tt.wantKW != nil && !reflect.DeepEqual(kw, tt.wantKW) {
				t.Errorf("%s() sent kwargs %s, want %s", tt.name, format(kw), format(tt.wantKW))
			}
		})
	}
}

func TestHelperShapeErrors(t *testing.T) {
	f := newFakeOdoo(t)
	f.execute = func(model, method string, args []any, kw map[string]any) []byte { return xmlValue("surprise") }
	c := newTestClient(t, Config{URL: f.srv.URL})
	_, err := c.Search(context.Background(), "res.partner", nil, nil)
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindProtocol || e.Method != "search" || e.Model != "res.partner" {
		t.Errorf("Search() on a string reply error = %v, want KindProtocol naming search res.partner", err)
	}
}

// TestSecretsNeverLeak drives every failure path with distinctive secrets,
// including a server that echoes them back, and greps errors and logs.
func TestSecretsNeverLeak(t *testing.T) {
	const password = "Pw-9f8e7d6c5b4a-XYZZY"
	const apiKey = "0123456789abcdef0123456789abcdef4a4b4c4d"
	f := newFakeOdoo(t)
	f.auth = func(login, pw string) any {
		if pw == password {
			return int64(2)
		}
		return false
	}
	var mode atomic.Int32
	f.execute = func(model, method string, args []any, kw map[string]any) []byte {
		switch mode.Load() {
		case 0:
			return xmlFault(1, "Traceback (most recent call last):\n  File \"x\", line 1\nValueError: bad password "+password)
		case 1:
			return xmlFault(2, "user error mentioning "+password)
		default:
			return xmlFault(3, "Access Denied for "+password)
		}
	}
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var errs []string
	collect := func(err error) {
		if err == nil {
			return
		}
		errs = append(errs, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		var e *Error
		if errors.As(err, &e) {
			errs = append(errs, e.Message, e.Traceback)
		}
	}
	c := newTestClient(t, Config{URL: f.srv.URL, Password: NewSecret(password), APIKey: NewSecret(apiKey), Logger: logger,
		Observe: func(_, _ string, _ time.Duration, err error) { collect(err) }})
	ctx := context.Background()
	for m := range int32(3) {
		mode.Store(m)
		_, err := c.Search(ctx, "res.partner", nil, nil)
		collect(err)
	}
	// HTML echo from a proxy, and a wrong password.
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(502)
		fmt.Fprintf(w, "<html><title>bad gateway %s</title></html>", password)
		return true
	}
	_, err := c.Version(ctx)
	collect(err)
	f.hook = nil
	bad := newTestClient(t, Config{URL: f.srv.URL, Password: NewSecret(password + "-wrong"), Logger: logger})
	_, err = bad.Authenticate(ctx)
	collect(err)
	_, err = New(Config{URL: "http://admin:" + password + "@erp", DB: "d", Username: "u", Password: NewSecret(password)})
	collect(err)
	// JSON-2 paths, where the key travels in a header.
	j := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(401)
		fmt.Fprintf(w, `{"name":"werkzeug.exceptions.Unauthorized","message":"Invalid apikey %s","arguments":[],"context":{},"debug":"%s"}`, r.Header.Get("Authorization"), r.Header.Get("Authorization"))
	}))
	defer j.Close()
	jc := newTestClient(t, Config{URL: j.URL, Protocol: ProtocolJSON2, APIKey: NewSecret(apiKey), Logger: logger,
		Observe: func(_, _ string, _ time.Duration, err error) { collect(err) }})
	_, err = jc.SearchRead(ctx, "res.partner", nil, nil)
	collect(err)
	if len(errs) < 10 {
		t.Fatalf("collected only %d error strings; the test is not exercising the paths", len(errs))
	}
	all := strings.Join(errs, "\n") + logs.String()
	for _, s := range []string{password, apiKey} {
		if strings.Contains(all, s) {
			t.Errorf("secret %q appears in errors or logs:\n%s", s, all)
		}
	}
	if !strings.Contains(all, "REDACTED") {
		t.Errorf("echoed secrets were not replaced with REDACTED:\n%s", all)
	}
}
