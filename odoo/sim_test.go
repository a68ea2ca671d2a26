package odoo_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// startSim runs the simulator on 127.0.0.1:0 for one test.
func startSim(tb testing.TB, opts ...odootest.Option) *odootest.Server {
	tb.Helper()
	s := odootest.New(opts...)
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// simClient returns a client of s speaking protocol as admin.
func simClient(tb testing.TB, s *odootest.Server, protocol string, hc *http.Client) *odoo.Client {
	tb.Helper()
	c, err := odoo.New(odoo.Config{URL: s.URL(), DB: odootest.DB, Username: "admin", Password: odoo.NewSecret("admin"),
		APIKey: odoo.NewSecret(odootest.AdminAPIKey), Protocol: protocol, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// TestSimulatorBothProtocols runs the same calls over XML-RPC and JSON-2
// against the simulator as Odoo 19, and checks both give the same answers
// and the same error kinds.
func TestSimulatorBothProtocols(t *testing.T) {
	s := startSim(t, odootest.WithVersion(19))
	ctx := context.Background()
	type result struct {
		rows  []map[string]any
		count int64
		names []odoo.NameResult
		kinds map[string]odoo.Kind
	}
	run := func(t *testing.T, c *odoo.Client) result {
		var r result
		var err error
		dom := []any{[]any{"is_company", "=", true}}
		if r.rows, err = c.SearchRead(ctx, "res.partner", dom, &odoo.SearchOptions{Fields: []string{"name", "country_id", "email"}, Limit: 5, Order: "id"}); err != nil {
			t.Fatalf("SearchRead() error = %v", err)
		}
		if r.count, err = c.SearchCount(ctx, "res.partner", dom, nil); err != nil {
			t.Fatalf("SearchCount() error = %v", err)
		}
		if r.names, err = c.NameSearch(ctx, "res.partner", "Deco", nil, 5, nil); err != nil {
			t.Fatalf("NameSearch() error = %v", err)
		}
		id, err := c.Create(ctx, "res.partner", map[string]any{"name": "Both Protocols", "email": false}, nil)
		if err != nil || id <= 0 {
			t.Fatalf("Create() = %d, %v", id, err)
		}
		if err := c.Write(ctx, "res.partner", []int64{id}, map[string]any{"phone": "+1 555"}, nil); err != nil {
			t.Fatalf("Write() error = %v", err)
		}
		got, err := c.Read(ctx, "res.partner", []int64{id}, []string{"name", "phone", "parent_id"}, nil)
		if err != nil || len(got) != 1 || got[0]["phone"] != "+1 555" || got[0]["parent_id"] != false {
			t.Fatalf("Read() = %v, %v", got, err)
		}
		if err := c.Unlink(ctx, "res.partner", []int64{id}, nil); err != nil {
			t.Fatalf("Unlink() error = %v", err)
		}
		r.kinds = map[string]odoo.Kind{}
		kind := func(name string, err error) {
			var e *odoo.Error
			if !errors.As(err, &e) {
				t.Errorf("%s: error = %v, want *odoo.Error", name, err)
				return
			}
			r.kinds[name] = e.Kind
		}
		_, err = c.SearchRead(ctx, "no.such.model", nil, nil)
		kind("unknown model", err)
		_, err = c.ExecuteKW(ctx, "res.partner", "no_such_method", nil, nil)
		kind("unknown method", err)
		_, err = c.SearchRead(ctx, "res.partner", []any{[]any{"no_such_field", "=", 1}}, nil)
		kind("bad domain field", err)
		kind("write deleted", c.Write(ctx, "res.partner", []int64{id}, map[string]any{"name": "x"}, nil))
		kind("recursion", c.Write(ctx, "res.partner", []int64{1}, map[string]any{"parent_id": 1}, nil))
		return r
	}
	x := run(t, simClient(t, s, odoo.ProtocolXMLRPC, nil))
	jc := simClient(t, s, odoo.ProtocolJSON2, nil)
	j := run(t, jc)
	if jc.Protocol() != odoo.ProtocolJSON2 {
		t.Errorf("Protocol() = %q, want json2", jc.Protocol())
	}
	if len(x.rows) == 0 || x.count == 0 || len(x.names) == 0 {
		t.Fatalf("XML-RPC answers are empty: %+v", x)
	}
	if !reflect.DeepEqual(x.rows, j.rows) || x.count != j.count || !reflect.DeepEqual(x.names, j.names) {
		t.Errorf("protocols disagree:\nxmlrpc %+v\njson2  %+v", x, j)
	}
	want := map[string]odoo.Kind{"unknown model": odoo.KindUserError, "unknown method": odoo.KindServer,
		"bad domain field": odoo.KindServer, "write deleted": odoo.KindUserError, "recursion": odoo.KindUserError}
	for name, k := range want {
		if x.kinds[name] != k || j.kinds[name] != k {
			t.Errorf("%s: kinds xmlrpc %v, json2 %v; want %v", name, x.kinds[name], j.kinds[name], k)
		}
	}
}

// TestSimulatorRotationAndOutage covers credential rotation (re-login with
// the new password is a new client; the old uid keeps working until Odoo
// refuses it) and an Odoo that goes down and comes back.
func TestSimulatorRotationAndOutage(t *testing.T) {
	s := startSim(t)
	ctx := context.Background()
	c := simClient(t, s, odoo.ProtocolXMLRPC, nil)
	if _, err := c.SearchCount(ctx, "res.partner", nil, nil); err != nil {
		t.Fatal(err)
	}
	s.SetPassword("admin", "rotated-password")
	_, err := c.SearchCount(ctx, "res.partner", nil, nil)
	var e *odoo.Error
	if !errors.As(err, &e) || e.Kind != odoo.KindAccessDenied {
		t.Fatalf("SearchCount() after rotation error = %v, want KindAccessDenied", err)
	}
	if n := s.Calls().Count("common.authenticate"); n != 2 {
		t.Errorf("authenticate calls = %d, want 2 (login, one re-login)", n)
	}
	s.SetPassword("admin", "admin")
	s.FailNext(2, odootest.FailProxy502)
	if n, err := c.SearchCount(ctx, "res.partner", nil, nil); err != nil || n == 0 {
		t.Errorf("SearchCount() through two proxy errors = %d, %v; want a retried success", n, err)
	}
	s.SetDown(true)
	for range 6 {
		_, err = c.SearchCount(ctx, "res.partner", nil, nil)
	}
	if !errors.As(err, &e) || e.Kind != odoo.KindUnavailable {
		t.Errorf("SearchCount() while down error = %v, want KindUnavailable once the breaker opens", err)
	}
	s.SetDown(false)
}

// TestSimulatorJSON2KeyOwner checks that over JSON-2, where the bearer key
// alone decides who Odoo acts as, a key of another user than the configured
// login is refused at login instead of lending that user's rights.
func TestSimulatorJSON2KeyOwner(t *testing.T) {
	s := startSim(t, odootest.WithVersion(19))
	ctx := context.Background()
	for _, tt := range []struct {
		username string
		wantUID  int64
		wantErr  string
	}{
		{"admin", odootest.AdminUID, ""},
		{"demo", 0, `the API key belongs to login "admin", not the configured "demo"`},
	} {
		c, err := odoo.New(odoo.Config{URL: s.URL(), DB: odootest.DB, Username: tt.username,
			APIKey: odoo.NewSecret(odootest.AdminAPIKey), Protocol: odoo.ProtocolJSON2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		uid, err := c.Authenticate(ctx)
		if tt.wantErr == "" {
			if err != nil || uid != tt.wantUID {
				t.Errorf("Authenticate() as %q with admin's key = %d, %v; want %d", tt.username, uid, err, tt.wantUID)
			}
			continue
		}
		var e *odoo.Error
		if !errors.As(err, &e) || e.Kind != odoo.KindAccessDenied || !strings.Contains(e.Message, tt.wantErr) {
			t.Fatalf("Authenticate() as %q with admin's key error = %v, want KindAccessDenied saying %s", tt.username, err, tt.wantErr)
		}
		if strings.Contains(err.Error(), odootest.AdminAPIKey) {
			t.Errorf("error %q shows the API key", err)
		}
		if uid != 0 || c.UID() != 0 {
			t.Errorf("Authenticate() as %q uid = %d, UID() = %d; want 0 after the refusal", tt.username, uid, c.UID())
		}
	}
}

// captureTransport keeps the last /xmlrpc/2/object or /json/2 reply body.
type captureTransport struct {
	mu   sync.Mutex
	last []byte
	ct   string
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !(strings.HasPrefix(r.URL.Path, "/xmlrpc/2/object") || strings.HasPrefix(r.URL.Path, "/json/2/")) {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.last, c.ct = b, resp.Header.Get("Content-Type")
	c.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// benchSearchRead measures SearchRead of n rows against the simulator
// ("sim") and against a server replaying the simulator's reply bytes
// ("replay"): the second is the client's own cost plus loopback HTTP, with
// none of the simulator's work.
func benchSearchRead(b *testing.B, n int, protocol string) {
	s := startSim(b, odootest.WithVersion(19))
	if n > 100 {
		s.AddPartners(n)
	}
	ctx := context.Background()
	o := &odoo.SearchOptions{Fields: []string{"name", "email", "country_id", "category_id", "write_date", "is_company", "parent_id"}, Limit: n, Order: "id"}
	capture := &captureTransport{}
	c := simClient(b, s, protocol, &http.Client{Transport: capture})
	rows, err := c.SearchRead(ctx, "res.partner", nil, o)
	if err != nil || len(rows) != n {
		b.Fatalf("SearchRead() = %d rows, %v; want %d", len(rows), err, n)
	}
	b.Run("sim", func(b *testing.B) {
		sc := simClient(b, s, protocol, nil)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sc.SearchRead(ctx, "res.partner", nil, o); err != nil {
				b.Fatal(err)
			}
		}
	})
	capture.mu.Lock()
	body, ct := capture.last, capture.ct
	capture.mu.Unlock()
	replay := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/xmlrpc/2/common" { // authenticate
			w.Header().Set("Content-Type", "text/xml; charset=utf-8")
			io.WriteString(w, `<?xml version="1.0"?><methodResponse><params><param><value><int>2</int></value></param></params></methodResponse>`)
			return
		}
		w.Header().Set("Content-Type", ct)
		w.Write(body)
	}))
	defer replay.Close()
	b.Run("replay", func(b *testing.B) {
		rc, err := odoo.New(odoo.Config{URL: replay.URL, DB: odootest.DB, Username: "admin", Password: odoo.NewSecret("admin"),
			APIKey: odoo.NewSecret(odootest.AdminAPIKey), Protocol: protocol})
		if err != nil {
			b.Fatal(err)
		}
		defer rc.Close()
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if rows, err := rc.SearchRead(ctx, "res.partner", nil, o); err != nil || len(rows) != n {
				b.Fatal(len(rows), err)
			}
		}
	})
}

// BenchmarkSearchRead1000Rows is a 1,000-row search_read reply from the
// simulator, over each protocol.
func BenchmarkSearchRead1000Rows(b *testing.B) {
	b.Run("xmlrpc", func(b *testing.B) { benchSearchRead(b, 1000, odoo.ProtocolXMLRPC) })
	b.Run("json2", func(b *testing.B) { benchSearchRead(b, 1000, odoo.ProtocolJSON2) })
}

// BenchmarkRoundTrip10Rows is the common case: a 10-row search_read on
// loopback. The "replay" figure is the client's overhead, targeted under
// 100 µs.
func BenchmarkRoundTrip10Rows(b *testing.B) {
	b.Run("xmlrpc", func(b *testing.B) { benchSearchRead(b, 10, odoo.ProtocolXMLRPC) })
	b.Run("json2", func(b *testing.B) { benchSearchRead(b, 10, odoo.ProtocolJSON2) })
}

// TestSimulatorProtocolSelection checks "auto" and a misconfigured
// protocol against simulated Odoo 18 and 19.
func TestSimulatorProtocolSelection(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		major     int
		protocol  string
		wantProto string
		wantErr   string
	}{
		{18, odoo.ProtocolAuto, odoo.ProtocolXMLRPC, ""},
		{19, odoo.ProtocolAuto, odoo.ProtocolJSON2, ""},
		{18, odoo.ProtocolJSON2, "", `use protocol "xmlrpc"`},
	} {
		s := startSim(t, odootest.WithVersion(tt.major))
		c := simClient(t, s, tt.protocol, nil)
		v, err := c.Version(ctx)
		if err != nil || v.Major != tt.major {
			t.Fatalf("Version() on %d = %+v, %v", tt.major, v, err)
		}
		_, err = c.SearchCount(ctx, "res.partner", nil, nil)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SearchCount() with %s on %d error = %v, want %q", tt.protocol, tt.major, err, tt.wantErr)
			}
			continue
		}
		if err != nil || c.Protocol() != tt.wantProto {
			t.Errorf("SearchCount() with %s on %d: protocol %q, error %v; want %q", tt.protocol, tt.major, c.Protocol(), err, tt.wantProto)
		}
	}
}

// readGroupOnce runs ReadGroup on sale.order against s, a simulator of
// the given major version, and checks that it took exactly one call of the
// method that version groups with.
func readGroupOnce(t *testing.T, ctx context.Context, s *odootest.Server, c *odoo.Client, major int, protocol string, fields, groupby []string, o *odoo.ReadGroupOptions) []map[string]any {
	t.Helper()
	rows, err := c.ReadGroup(ctx, "sale.order", nil, fields, groupby, o)
	if err != nil {
		t.Fatalf("ReadGroup() on %d over %s error = %v", major, protocol, err)
	}
	method := "sale.order.read_group"
	if major >= 19 {
		method = "sale.order.formatted_read_group"
	}
	if n := s.Calls().Count(method); n != 1 {
		t.Errorf("%s calls on %d over %s = %d, want 1", method, major, protocol, n)
	}
	return rows
}

// TestSimulatorReadGroupAcrossVersions checks that ReadGroup gives the same
// groups from 18's read_group and 19's formatted_read_group, over both
// protocols.
func TestSimulatorReadGroupAcrossVersions(t *testing.T) {
	ctx := context.Background()
	run := func(major int, protocol string, fields []string) []map[string]any {
		s := startSim(t, odootest.WithVersion(major))
		c := simClient(t, s, protocol, nil)
		if _, err := c.Version(ctx); err != nil {
			t.Fatal(err)
		}
		rows := readGroupOnce(t, ctx, s, c, major, protocol, fields, []string{"partner_id"}, &odoo.ReadGroupOptions{Lazy: true, OrderBy: "partner_id"})
		// __domain is built differently by the two methods; the groups,
		// counts and sums must match.
		for _, r := range rows {
			delete(r, "__domain")
			delete(r, "__context")
		}
		return rows
	}
	// Explicit aggregators, and plain names whose aggregator (or lack of
	// one) comes from the field.
	for _, fields := range [][]string{{"amount_total:sum"}, {"amount_total", "name", "partner_id"}} {
		old := run(18, odoo.ProtocolXMLRPC, fields)
		if len(old) == 0 {
			t.Fatalf("read_group on 18 returned no groups for %v", fields)
		}
		if _, ok := old[0]["amount_total"].(float64); !ok || old[0]["partner_id_count"] == nil {
			t.Fatalf("read_group on 18 row = %v, want amount_total and partner_id_count", old[0])
		}
		for _, p := range []string{odoo.ProtocolXMLRPC, odoo.ProtocolJSON2} {
			if got := run(19, p, fields); !reflect.DeepEqual(got, old) {
				t.Errorf("ReadGroup(%v) on 19 over %s = %v\nwant (18's read_group) %v", fields, p, got, old)
			}
		}
	}
}

// TestSimulatorConcurrentUse drives one client from many goroutines with
// mixed reads and writes, forced re-logins and injected proxy failures, so
// -race sees the login flight, the breaker and the buffer pool under load.
func TestSimulatorConcurrentUse(t *testing.T) {
	for _, protocol := range []string{odoo.ProtocolXMLRPC, odoo.ProtocolJSON2} {
		t.Run(protocol, func(t *testing.T) {
			s := startSim(t, odootest.WithVersion(19))
			c := simClient(t, s, protocol, nil)
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 64)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 10 {
						switch (g + i) % 4 {
						case 0:
							if _, err := c.SearchRead(ctx, "res.partner", nil, &odoo.SearchOptions{Fields: []string{"name"}, Limit: 20}); err != nil {
								errs <- err
							}
						case 1:
							id, err := c.Create(ctx, "res.partner", map[string]any{"name": "concurrent"}, nil)
							if err == nil {
								err = c.Write(ctx, "res.partner", []int64{id}, map[string]any{"phone": "1"}, nil)
							}
							if err == nil {
								err = c.Unlink(ctx, "res.partner", []int64{id}, nil)
							}
							if err != nil && !isTransport(err) { // an injected 502 may hit a write
								errs <- err
							}
						case 2:
							if _, err := c.Authenticate(ctx); err != nil {
								errs <- err
							}
						case 3:
							// One goroutine injects, and its own call consumes
							// at least one failure, so at most one is pending:
							// a retried read always gets through and the
							// breaker never sees five in a row.
							if g == 0 {
								s.FailNext(1, odootest.FailProxy502)
							}
							if _, err := c.NameSearch(ctx, "res.partner", "a", nil, 5, nil); err != nil {
								errs <- err
							}
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

func isTransport(err error) bool {
	var e *odoo.Error
	return errors.As(err, &e) && e.Kind == odoo.KindTransport
}

// cannedRT serves captured replies in-process: a benchmark through it
// measures the client alone.
type cannedRT struct{ auth, body []byte }

func (t cannedRT) RoundTrip(r *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
	body, ct := t.body, "application/json; charset=utf-8"
	if strings.HasPrefix(r.URL.Path, "/xmlrpc/") {
		ct = "text/xml; charset=utf-8"
		if r.URL.Path == "/xmlrpc/2/common" {
			body = t.auth
		}
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {ct}}, ContentLength: int64(len(body)),
		Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
}

// BenchmarkProtocols100Rows puts the two protocols side by side on the
// simulator's own 100-row search_read replies (Odoo 19 mode), replayed
// in-process: the client's cost per 100 rows, decoding included.
func BenchmarkProtocols100Rows(b *testing.B) {
	s := startSim(b, odootest.WithVersion(19))
	s.AddPartners(100)
	ctx := context.Background()
	o := &odoo.SearchOptions{Fields: []string{"name", "email", "phone", "country_id", "category_id", "parent_id", "is_company", "write_date", "credit_limit"}, Limit: 100, Order: "id"}
	const auth = `<?xml version="1.0"?><methodResponse><params><param><value><int>2</int></value></param></params></methodResponse>`
	for _, protocol := range []string{odoo.ProtocolXMLRPC, odoo.ProtocolJSON2} {
		capture := &captureTransport{}
		c := simClient(b, s, protocol, &http.Client{Transport: capture})
		want, err := c.SearchRead(ctx, "res.partner", nil, o)
		if err != nil || len(want) != 100 {
			b.Fatalf("SearchRead() over %s = %d rows, %v", protocol, len(want), err)
		}
		capture.mu.Lock()
		body := capture.last
		capture.mu.Unlock()
		b.Run(protocol, func(b *testing.B) {
			rc := simClient(b, s, protocol, &http.Client{Transport: cannedRT{auth: []byte(auth), body: body}})
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				rows, err := rc.SearchRead(ctx, "res.partner", nil, o)
				if err != nil || len(rows) != 100 {
					b.Fatal(len(rows), err)
				}
			}
		})
	}
}

// TestSimulatorHasAccessAcrossVersions checks that HasAccess calls
// has_access where Odoo has it (18 and later) and check_access_rights
// before, learning the version itself when the protocol was set
// explicitly, and that a restricted user's missing right is a false, not
// an error.
func TestSimulatorHasAccessAcrossVersions(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		major    int
		protocol string
		method   string
	}{
		{16, odoo.ProtocolXMLRPC, "check_access_rights"},
		{17, odoo.ProtocolXMLRPC, "check_access_rights"},
		{18, odoo.ProtocolXMLRPC, "has_access"},
		{19, odoo.ProtocolXMLRPC, "has_access"},
		{19, odoo.ProtocolJSON2, "has_access"},
	} {
		s := startSim(t, odootest.WithVersion(tt.major))
		c := simClient(t, s, tt.protocol, nil)
		ok, err := c.HasAccess(ctx, "res.partner", "write", nil)
		if err != nil || !ok {
			t.Errorf("HasAccess(res.partner, write) as admin on %d over %s = %v, %v; want true", tt.major, tt.protocol, ok, err)
		}
		calls := s.Calls()
		if calls.Count("res.partner."+tt.method) != 1 || calls.Count("res.partner.check_access_rights")+calls.Count("res.partner.has_access") != 1 {
			t.Errorf("on %d over %s: calls %v, want one res.partner.%s", tt.major, tt.protocol, calls.Calls, tt.method)
		}
		demo, err := odoo.New(odoo.Config{URL: s.URL(), DB: odootest.DB, Username: "demo", Password: odoo.NewSecret("demo"),
			APIKey: odoo.NewSecret(odootest.DemoAPIKey), Protocol: tt.protocol})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(demo.Close)
		if ok, err := demo.HasAccess(ctx, "hr.employee", "write", &odoo.CallOptions{Context: map[string]any{"lang": "en_US"}}); err != nil || ok {
			t.Errorf("HasAccess(hr.employee, write) as demo on %d over %s = %v, %v; want false", tt.major, tt.protocol, ok, err)
		}
	}
}

// TestSimulatorReadGroupLearnsVersion checks that ReadGroup on a client
// told to speak XML-RPC, which never detects the version on its own, still
// calls formatted_read_group on 19 rather than the deprecated read_group.
func TestSimulatorReadGroupLearnsVersion(t *testing.T) {
	s := startSim(t, odootest.WithVersion(19))
	c := simClient(t, s, odoo.ProtocolXMLRPC, nil)
	if _, err := c.ReadGroup(context.Background(), "sale.order", nil, []string{"amount_total:sum"}, []string{"state"}, nil); err != nil {
		t.Fatal(err)
	}
	if n, old := s.Calls().Count("sale.order.formatted_read_group"), s.Calls().Count("sale.order.read_group"); n != 1 || old != 0 {
		t.Errorf("formatted_read_group calls %d, read_group calls %d; want 1 and 0", n, old)
	}
}

// TestSimulatorReadGroup19Converts checks that ReadGroup on Odoo 19 sends
// formatted_read_group what it accepts, converted as 19's own read_group
// converts: a date groupby without granularity groups by month and an
// order on an aggregated field names its aggregate. The rows must be those
// read_group gives on 18, key for key, over both protocols.
func TestSimulatorReadGroup19Converts(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		fields  []string
		groupby []string
		o       odoo.ReadGroupOptions
	}{
		{"date groupby, order by an aggregate", []string{"amount_total:sum"}, []string{"date_order"}, odoo.ReadGroupOptions{Lazy: true, OrderBy: "amount_total desc"}},
		{"plain field, order by it and the date", []string{"amount_total", "date_order"}, []string{"date_order"}, odoo.ReadGroupOptions{OrderBy: "amount_total asc, date_order desc"}},
		{"count order, lazy over two groupbys", []string{"amount_untaxed:max"}, []string{"partner_id", "date_order:quarter"}, odoo.ReadGroupOptions{Lazy: true, OrderBy: "partner_id_count desc, partner_id"}},
		{"two groupbys, one a date", []string{"amount_total:avg"}, []string{"state", "date_order"}, odoo.ReadGroupOptions{OrderBy: "__count desc, amount_total desc"}},
		{"aliased aggregate", []string{"total:sum(amount_total)"}, []string{"partner_id"}, odoo.ReadGroupOptions{OrderBy: "total desc", Limit: 4}},
	}
	run := func(t *testing.T, major int, protocol string, fields, groupby []string, o odoo.ReadGroupOptions) []map[string]any {
		s := startSim(t, odootest.WithVersion(major))
		c := simClient(t, s, protocol, nil)
		rows := readGroupOnce(t, ctx, s, c, major, protocol, fields, groupby, &o)
		for _, r := range rows {
			// Both say which records a group holds, in different
			// (equivalent) domains.
			if _, ok := r["__domain"].([]any); !ok {
				t.Errorf("row on %d over %s has no __domain: %v", major, protocol, r)
			}
			delete(r, "__domain")
		}
		return rows
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := run(t, 18, odoo.ProtocolXMLRPC, tt.fields, tt.groupby, tt.o)
			if len(old) < 2 {
				t.Fatalf("read_group on 18 returned %d groups, want several", len(old))
			}
			for _, p := range []string{odoo.ProtocolXMLRPC, odoo.ProtocolJSON2} {
				if got := run(t, 19, p, tt.fields, tt.groupby, tt.o); !reflect.DeepEqual(got, old) {
					t.Errorf("ReadGroup() on 19 over %s =\n%v\nwant (18's read_group)\n%v", p, got, old)
				}
			}
		})
	}
}

// TestSimulatorFormattedReadGroupErrors checks that formatted_read_group
// called directly with read_group's loose forms gets Odoo 19's ValueError,
// the same typed error over both protocols.
func TestSimulatorFormattedReadGroupErrors(t *testing.T) {
	s := startSim(t, odootest.WithVersion(19))
	ctx := context.Background()
	for _, tt := range []struct {
		kwargs map[string]any
		want   string
	}{
		{map[string]any{"groupby": []any{"date_order"}, "aggregates": []any{"__count"}}, "Granularity not set on a date(time) field: 'date_order'"},
		{map[string]any{"groupby": []any{"partner_id"}, "aggregates": []any{"amount_total:sum"}, "order": "amount_total desc"}, "Order term 'amount_total desc' is not a valid aggregate nor valid groupby"},
	} {
		for _, p := range []string{odoo.ProtocolXMLRPC, odoo.ProtocolJSON2} {
			c := simClient(t, s, p, nil)
			_, err := c.ExecuteKW(ctx, "sale.order", "formatted_read_group", []any{[]any{}}, tt.kwargs)
			var oe *odoo.Error
			if !errors.As(err, &oe) || oe.Kind != odoo.KindServer || oe.Class != "ValueError" || oe.Message != tt.want {
				t.Errorf("formatted_read_group(%v) over %s error = %#v, want KindServer ValueError %q", tt.kwargs, p, err, tt.want)
			}
		}
	}
}
