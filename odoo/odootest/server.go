package odootest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fixed demo credentials.
const (
	// DB is the simulated database's name.
	DB = "odoo_test"
	// AdminUID is the uid of "admin" (Mitchell Admin, full access).
	AdminUID int64 = 2
	// DemoUID is the uid of "demo" (Marc Demo, restricted access).
	DemoUID int64 = 6
	// AdminAPIKey is an API key of "admin", usable as its password and as
	// a JSON-2 bearer key.
	AdminAPIKey = "8a1f9c3e5b7d2f4a6c8e0b1d3f5a7c9e2b4d6f80"
	// DemoAPIKey is an API key of "demo".
	DemoAPIKey = "4c2e6a8f0d1b3e5a7c9f2d4b6e8a0c1f3b5d7e92"
)

// serverHeader is what the recorded Odoo (Werkzeug under Debian) sends.
const serverHeader = "Werkzeug/2.2.2 Python/3.11.2"

// FailMode selects the failure FailNext injects.
type FailMode int

const (
	// FailProxy502 answers 502 with the HTML page an nginx proxy in front of a dead Odoo gives.
	FailProxy502 FailMode = iota + 1
	// Fail500 answers 500 with Werkzeug's HTML "Internal Server Error" page.
	Fail500
	// FailSlow holds the request for the slow delay (or until the client
	// gives up), then answers normally.
	FailSlow
	// FailGarbage answers 200 with a reply cut short: text/xml that is not
	// XML-RPC, or on a JSON-2 route application/json that is not JSON.
	FailGarbage
	// FailReset drops the connection without an answer (TCP reset).
	FailReset
	// FailProxy403 answers 403 with the HTML page an nginx proxy in front
	// of Odoo gives when its rules refuse the request (a deny or
	// allow-list rule, a WAF): Odoo never sees it.
	FailProxy403
)

// String names the mode.
func (f FailMode) String() string {
	switch f {
	case FailProxy502:
		return "proxy-502"
	case Fail500:
		return "500"
	case FailSlow:
		return "slow"
	case FailGarbage:
		return "garbage"
	case FailReset:
		return "reset"
	case FailProxy403:
		return "proxy-403"
	}
	return fmt.Sprintf("FailMode(%d)", int(f))
}

// CallStats counts what the simulator was asked. Keys of Calls are
// "model.method" for ORM calls ("res.partner.search_read") and
// "service.method" for the other services ("common.authenticate").
type CallStats struct {
	Requests int            // HTTP requests received, failures included
	Calls    map[string]int // dispatched calls by key
}

// Count returns the number of calls to key ("res.partner.search_read").
func (c CallStats) Count(key string) int { return c.Calls[key] }

// Total returns the number of dispatched calls.
func (c CallStats) Total() int {
	n := 0
	for _, v := range c.Calls {
		n += v
	}
	return n
}

// Option configures a Server.
type Option func(*Server)

// WithVersion makes the server present itself as the given Odoo major
// version (18 by default). 19 and later also serve JSON-2 at /json/2/ and
// follow 19's method signatures (name_search(domain=...),
// formatted_read_group, private check_access). 16 and 17 use their
// framing (<?xml version='1.0'?>, no blank line), keep name_get, return
// an int from copy and a bool from check_access_rights, report
// group_operator in fields_get and lack has_access (16 also lacks any).
func WithVersion(major int) Option { return func(s *Server) { s.version = major } }

// WithClock sets the clock used for create_date/write_date and message dates.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithSlowDelay sets how long a FailSlow request is held (default 10s).
func WithSlowDelay(d time.Duration) Option { return func(s *Server) { s.slowDelay = d } }

// Server is an in-process Odoo: XML-RPC on /xmlrpc/2/{common,db,object}
// (and legacy /xmlrpc/*), /web/webclient/version_info, and JSON-2 on
// /json/2/<model>/<method> when the version is 19 or later. It is safe for
// concurrent use.
type Server struct {
	version   int
	now       func() time.Time
	slowDelay time.Duration

	mu sync.RWMutex // guards db
	db *database

	latency atomic.Int64
	down    atomic.Bool

	failMu sync.Mutex
	fails  []FailMode

	statsMu  sync.Mutex
	requests int
	calls    map[string]int

	lnMu  sync.Mutex
	ln    net.Listener
	hs    *http.Server
	url   string
	conns map[net.Conn]struct{}
	done  chan struct{}
}

// New returns a simulator with the demo data loaded, not listening yet.
func New(opts ...Option) *Server {
	s := &Server{version: 18, now: time.Now, slowDelay: 10 * time.Second, calls: map[string]int{}, conns: map[net.Conn]struct{}{}}
	for _, o := range opts {
		o(s)
	}
	db := &database{
		name:       DB,
		models:     map[string]*model{},
		version:    s.version,
		now:        func() time.Time { return s.now() },
		apiKeys:    map[string]int64{AdminAPIKey: AdminUID, DemoAPIKey: DemoUID},
		restricted: map[int64]bool{DemoUID: true, 7: true},
	}
	buildSchema(db)
	seedDemo(db)
	s.db = db
	return s
}

// Handler returns the simulator's HTTP handler, for use without Start.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Start listens on 127.0.0.1 on a free port and serves in the background.
func (s *Server) Start() error {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln != nil {
		return errors.New("odootest: server already started")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("odootest: listen: %w", err)
	}
	s.ln = &downListener{Listener: ln, s: s}
	s.url = "http://" + ln.Addr().String()
	s.hs = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// The demo serves it for as long as the daemon runs: idle
		// keep-alive connections must not pile up.
		IdleTimeout: 2 * time.Minute,
		ConnState: func(c net.Conn, st http.ConnState) {
			s.lnMu.Lock()
			defer s.lnMu.Unlock()
			switch st {
			case http.StateNew:
				s.conns[c] = struct{}{}
			case http.StateClosed, http.StateHijacked:
				delete(s.conns, c)
			}
		},
	}
	s.done = make(chan struct{})
	go func() {
		defer close(s.done)
		_ = s.hs.Serve(s.ln)
	}()
	return nil
}

// URL is the base URL of a started server, "http://127.0.0.1:PORT".
func (s *Server) URL() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	return s.url
}

// Close stops a started server and drops its connections.
func (s *Server) Close() {
	s.lnMu.Lock()
	hs, done := s.hs, s.done
	s.lnMu.Unlock()
	if hs == nil {
		return
	}
	_ = hs.Close()
	<-done
}

// SetPassword changes a user's password while running (credential
// rotation). The old password stops working at once; API keys stay valid.
func (s *Server) SetPassword(login, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if uid := s.db.uidByLogin(login); uid != 0 {
		s.db.passwords[uid] = password
	}
}

// AddAPIKey registers key (40 lower-case hex chars) as an API key of login.
func (s *Server) AddAPIKey(login, key string) error {
	if !isAPIKey(key) {
		return errors.New("odootest: an API key is 40 lower-case hex characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	uid := s.db.uidByLogin(login)
	if uid == 0 {
		return fmt.Errorf("odootest: no user with login %q", login)
	}
	s.db.revokeAPIKey(key)
	s.db.apiKeys[key] = uid
	// The res.users.apikeys row users see in api_key_ids; the key is no
	// field of it.
	id, perr := (&env{db: s.db, uid: 1, ctx: dict{}}).create(s.db.model("res.users.apikeys"), dict{{"name", "API key"}, {"user_id", uid}})
	if perr != nil {
		delete(s.db.apiKeys, key)
		return fmt.Errorf("odootest: storing the key of %q: %s", login, perr.msg)
	}
	s.db.apiKeyRecs[key] = id
	return nil
}

// RevokeAPIKey removes an API key.
func (s *Server) RevokeAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.db.revokeAPIKey(key)
}

func (db *database) revokeAPIKey(key string) {
	delete(db.apiKeys, key)
	if id, ok := db.apiKeyRecs[key]; ok {
		db.model("res.users.apikeys").remove(id)
		delete(db.apiKeyRecs, key)
	}
}

func isAPIKey(k string) bool {
	if len(k) != 40 {
		return false
	}
	for _, c := range k {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// SetLatency adds d before every answer (0 turns it off).
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// SetDown makes the server drop every connection (new ones are reset right
// after accept, open keep-alive ones are closed) until SetDown(false).
// Through Handler alone, requests are aborted instead (http.ErrAbortHandler),
// which needs a real http.Server (httptest.NewServer), not a recorder.
func (s *Server) SetDown(down bool) {
	s.down.Store(down)
	if !down {
		return
	}
	s.lnMu.Lock()
	conns := make([]net.Conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.lnMu.Unlock()
	for _, c := range conns {
		resetConn(c)
	}
}

// FailNext makes the next n requests fail with mode, in order, before any
// normal handling.
func (s *Server) FailNext(n int, mode FailMode) {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	for i := 0; i < n; i++ {
		s.fails = append(s.fails, mode)
	}
}

// Calls returns a snapshot of the call counters.
func (s *Server) Calls() CallStats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	c := CallStats{Requests: s.requests, Calls: make(map[string]int, len(s.calls))}
	for k, v := range s.calls {
		c.Calls[k] = v
	}
	return c
}

// ResetCalls zeroes the call counters.
func (s *Server) ResetCalls() {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	s.requests = 0
	s.calls = map[string]int{}
}

func (s *Server) count(key string) {
	s.statsMu.Lock()
	s.calls[key]++
	s.statsMu.Unlock()
}

// AddPartners adds n generated contacts (companies every tenth), for
// benchmarks at scale. Searches stay linear in the number of records.
func (s *Server) AddPartners(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.db.model("res.partner")
	stamp := s.db.stamp()
	countries := []int64{21, 57, 68, 75, 104, 165, 231, 233}
	cities := []string{"Brussels", "Berlin", "Madrid", "Paris", "Pune", "Amsterdam", "London", "Chicago"}
	var lastCompany int64
	for i := 0; i < n; i++ {
		id := m.nextID
		fn, ln := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		isCompany := i%10 == 0
		name := fmt.Sprintf("%s %s %d", fn, ln, id)
		if isCompany {
			name = fmt.Sprintf("%s Holding %d", ln, id)
		}
		c := i % len(countries)
		r := &record{id: id, v: map[string]any{
			"name": name, "is_company": isCompany, "active": true, "type": "contact", "lang": "en_US",
			"email": strings.ToLower(fmt.Sprintf("%s.%s.%d@example.com", fn, ln, id)),
			"city":  cities[c], "country_id": countries[c], "category_id": []int64{},
			"customer_rank": int64(i % 2), "supplier_rank": int64(0), "autopost_bills": "ask",
			"create_uid": AdminUID, "write_uid": AdminUID, "create_date": stamp, "write_date": stamp,
		}}
		if !isCompany && lastCompany != 0 {
			r.v["parent_id"] = lastCompany
		}
		m.insert(r)
		m.onChange(s.db, m, r)
		if isCompany {
			lastCompany = id
		}
	}
}

// downListener resets connections accepted while the server is down.
type downListener struct {
	net.Listener
	s *Server
}

func (l *downListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.s.down.Load() {
			resetConn(c)
			continue
		}
		return c, nil
	}
}

func resetConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

func (s *Server) nextFail() FailMode {
	s.failMu.Lock()
	defer s.failMu.Unlock()
	if len(s.fails) == 0 {
		return 0
	}
	f := s.fails[0]
	s.fails = s.fails[1:]
	return f
}

// wait sleeps for d unless the request is cancelled first.
func wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

const html502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"

const html403 = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n"

const html500 = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n"

const html404 = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n"

const html405 = "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n"

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	s.statsMu.Lock()
	s.requests++
	s.statsMu.Unlock()
	if s.down.Load() {
		hijackReset(w)
		return
	}
	if !wait(r.Context(), time.Duration(s.latency.Load())) {
		return
	}
	switch s.nextFail() {
	case FailProxy502:
		writeProxyHTML(w, http.StatusBadGateway, html502)
		return
	case FailProxy403:
		writeProxyHTML(w, http.StatusForbidden, html403)
		return
	case Fail500:
		writeHTML(w, http.StatusInternalServerError, html500)
		return
	case FailSlow:
		if !wait(r.Context(), s.slowDelay) {
			return
		}
	case FailGarbage:
		w.Header().Set("Server", serverHeader)
		// Cut short in the protocol the request spoke, so the client's
		// own decoder meets it rather than a content-type mismatch.
		if strings.HasPrefix(r.URL.Path, "/json/2/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			_, _ = io.WriteString(w, `[{"id": 3, "name": "Mitchell Adm`)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		_, _ = io.WriteString(w, "<?xml version=\"1.0\"?>\n<methodResponse>\n<params>\n<param>\n<value><struct>\n<member>\n<name>id<")
		return
	case FailReset:
		hijackReset(w)
		return
	}
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/xmlrpc/"):
		if r.Method != http.MethodPost {
			writeHTML(w, http.StatusMethodNotAllowed, html405)
			return
		}
		s.serveXMLRPC(w, r)
	case path == "/jsonrpc":
		s.serveJSONRPC(w, r)
	case path == "/web/webclient/version_info":
		s.serveVersionInfo(w, r)
	case strings.HasPrefix(path, "/json/2/") || path == "/json/2":
		if s.version < 19 {
			writeHTML(w, http.StatusNotFound, html404)
			return
		}
		s.serveJSON2(w, r)
	default:
		writeHTML(w, http.StatusNotFound, html404)
	}
}

func hijackReset(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, _, err := hj.Hijack()
	if err != nil {
		return
	}
	resetConn(c)
}

func writeHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// writeProxyHTML answers as the nginx in front of Odoo does when it
// refuses a request or loses the upstream.
func writeProxyHTML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Server", "nginx/1.22.1")
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// maxBody caps request bodies; Odoo itself has no small cap, but a test
// server should not buffer unbounded input.
const maxBody = 64 << 20

func (s *Server) serveXMLRPC(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/xmlrpc/")
	legacy := true
	if strings.HasPrefix(rest, "2/") {
		rest = strings.TrimPrefix(rest, "2/")
		legacy = false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return
	}
	result, perr := s.safeHandle(rest, body)
	var out []byte
	if perr == nil {
		var encErr error
		out, encErr = encodeResponse(result)
		if encErr != nil {
			perr = encErr.(*pyErr)
		}
	}
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	if perr != nil {
		if legacy {
			out = encodeLegacyFault(perr)
		} else {
			out = encodeFault(perr.faultCode(), perr.faultString())
		}
	} else {
		w.Header().Set("X-Content-Type-Options", "nosniff")
	}
	if s.version < 18 {
		out = framing17(out)
	}
	w.Header().Set("Content-Length", fmt.Sprint(len(out)))
	_, _ = w.Write(out)
}

// framing17 rewrites 18's framing into 16/17's: single-quoted XML
// declaration and no blank line before </methodResponse>.
func framing17(b []byte) []byte {
	b = bytes.Replace(b, []byte("<?xml version=\"1.0\"?>"), []byte("<?xml version='1.0'?>"), 1)
	return bytes.Replace(b, []byte("\n\n</methodResponse>\n"), []byte("\n</methodResponse>\n"), 1)
}

// encodeLegacyFault follows xmlrpc_handle_exception_string (string faultCode).
func encodeLegacyFault(e *pyErr) []byte {
	var code, msg string
	switch e.faultCode() {
	case 3:
		code, msg = "AccessDenied", "Access Denied"
	case 2, 4:
		kind := "UserError"
		switch e.class {
		case clsMissing:
			kind = "MissingError"
		case clsAccessError:
			kind = "AccessError"
		}
		code, msg = "warning -- "+kind+"\n\n"+e.msg, ""
	default:
		code, msg = e.msg, e.traceback()
	}
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\"?>\n<methodResponse>\n<fault>\n")
	_ = encodeValue(&b, dict{{"faultCode", code}, {"faultString", msg}})
	b.WriteString("</fault>\n\n</methodResponse>\n")
	return b.Bytes()
}

// safeHandle turns a bug in the simulator into a fault 1 instead of a
// dropped connection, so a test sees what went wrong.
func (s *Server) safeHandle(service string, body []byte) (res any, perr *pyErr) {
	defer func() {
		if r := recover(); r != nil {
			res, perr = nil, &pyErr{class: "Exception", msg: fmt.Sprintf("odootest internal error: %v", r), frames: framesDispatch}
		}
	}()
	return s.handleXMLRPC(service, body)
}

func (s *Server) handleXMLRPC(service string, body []byte) (any, *pyErr) {
	call, err := parseMethodCall(body)
	if err != nil {
		var pe *pyErr
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, &pyErr{class: "ValueError", msg: err.Error(), frames: framesLoads}
	}
	return s.safeDispatch(service, call.Method, call.Params)
}

func (db *database) uidByLogin(login string) int64 {
	users := db.model("res.users")
	for _, id := range users.ids {
		if str(users.recs[id], "login") == login {
			return id
		}
	}
	return 0
}

// checkPassword validates a password or API key for uid.
func (db *database) checkPassword(uid int64, password string) bool {
	u := db.model("res.users").recs[uid]
	if u == nil {
		return false
	}
	if a, ok := u.v["active"].(bool); ok && !a {
		return false
	}
	if pw, ok := db.passwords[uid]; ok && pw != "" && pw == password {
		return true
	}
	if k, ok := db.apiKeys[password]; ok && k == uid {
		return true
	}
	return false
}

func (s *Server) common(method string, params []any) (any, *pyErr) {
	s.count("common." + method)
	switch method {
	case "version":
		return s.versionInfo(), nil
	case "about":
		if len(params) > 0 && truthy(params[0]) {
			return []any{"See http://openerp.com", s.serverVersion()}, nil
		}
		return "See http://openerp.com", nil
	case "login", "authenticate":
		want := 3
		name := "exp_login"
		if method == "authenticate" {
			want = 4
			name = "exp_authenticate"
		}
		if len(params) != want {
			return nil, &pyErr{class: "TypeError", msg: fmt.Sprintf("%s() takes %d positional arguments but %d were given", name, want, len(params)), frames: framesDispatch}
		}
		db, _ := params[0].(string)
		login, _ := params[1].(string)
		password, _ := params[2].(string)
		if db != DB {
			return nil, errBadDB(db, framesAuthenticate)
		}
		s.mu.RLock()
		defer s.mu.RUnlock()
		uid := s.db.uidByLogin(login)
		if uid == 0 || !s.db.checkPassword(uid, password) {
			return false, nil
		}
		return uid, nil
	}
	return nil, &pyErr{class: "Exception", msg: "Method not found: " + method, frames: framesCommon}
}

func (s *Server) dbService(method string, params []any) (any, *pyErr) {
	s.count("db." + method)
	switch method {
	case "list":
		return []any{DB}, nil
	case "server_version":
		return s.serverVersion(), nil
	case "db_exist":
		if len(params) > 0 {
			name, _ := params[0].(string)
			return name == DB, nil
		}
	case "list_lang":
		return []any{[]any{"en_US", "English (US)"}}, nil
	case "list_countries":
		return []any{[]any{"be", "Belgium"}, []any{"us", "United States"}}, nil
	}
	if strings.HasPrefix(method, "create") || strings.HasPrefix(method, "drop") || strings.HasPrefix(method, "dump") ||
		strings.HasPrefix(method, "restore") || strings.HasPrefix(method, "rename") || strings.HasPrefix(method, "duplicate") ||
		method == "change_admin_password" || method == "migrate_databases" {
		return nil, errAccessDenied()
	}
	return nil, &pyErr{class: "KeyError", msg: pyRepr("Method not found: " + method), frames: framesDB}
}

func (s *Server) serverVersion() string { return fmt.Sprintf("%d.0", s.version) }

func (s *Server) versionInfo() dict {
	v := int64(s.version)
	return dict{
		{"server_version", s.serverVersion()},
		{"server_version_info", []any{v, int64(0), int64(0), "final", int64(0), ""}},
		{"server_serie", s.serverVersion()},
		{"protocol_version", int64(1)},
	}
}

// object serves execute_kw and execute.
func (s *Server) object(method string, params []any) (any, *pyErr) {
	var args []any
	var kwargs dict
	switch method {
	case "execute_kw":
		if len(params) < 6 {
			return nil, &pyErr{class: "TypeError", msg: fmt.Sprintf("execute_kw() missing %d required positional argument%s", 6-max(3, len(params)), plural(6-max(3, len(params)))), frames: framesDispatch}
		}
		if len(params) > 7 {
			return nil, &pyErr{class: "TypeError", msg: fmt.Sprintf("execute_kw() takes from 5 to 6 positional arguments but %d were given", len(params)-2), frames: framesDispatch}
		}
		a, ok := params[5].([]any)
		if !ok {
			return nil, errType(fmt.Sprintf("odoo.service.model.execute() argument after * must be an iterable, not %s", pyTypeName(params[5])))
		}
		args = a
		if len(params) == 7 {
			switch k := params[6].(type) {
			case dict:
				kwargs = k
			case bool:
				if k {
					return nil, errType("odoo.service.model.execute() argument after ** must be a mapping, not bool")
				}
			case pyNone:
			default:
				return nil, errType(fmt.Sprintf("odoo.service.model.execute() argument after ** must be a mapping, not %s", pyTypeName(k)))
			}
		}
	case "execute":
		if len(params) < 5 {
			return nil, &pyErr{class: "TypeError", msg: "execute() missing required positional arguments", frames: framesDispatch}
		}
		args = params[5:]
	default:
		return nil, &pyErr{class: "NameError", msg: fmt.Sprintf("Method not available %s", method), frames: framesDispatch}
	}
	dbName, _ := params[0].(string)
	password, _ := params[2].(string)
	modelName, _ := params[3].(string)
	methodName, _ := params[4].(string)
	if dbName != DB {
		return nil, errBadDB(dbName, framesDispatch)
	}
	uid, ok := params[1].(int64)
	if !ok {
		return nil, errAccessDenied()
	}
	return s.invoke(uid, password, modelName, methodName, args, kwargs, false)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// invoke authenticates, resolves the model and method, and runs it under
// the database lock. Failed calls leave no change behind (each call is a
// transaction in Odoo).
func (s *Server) invoke(uid int64, password, modelName, methodName string, args []any, kwargs dict, json2 bool) (any, *pyErr) {
	s.count(modelName + "." + methodName)
	ctx := dict{}
	if c, ok := kwargs.get("context"); ok {
		if cd, ok := c.(dict); ok {
			ctx = cd
		}
		rest := dict{}
		for _, kvp := range kwargs {
			if kvp.K != "context" {
				rest = append(rest, kvp)
			}
		}
		kwargs = rest
	}
	// Reads take the read lock; anything else the write lock.
	write := !readOnlyMethods[methodName]
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	db := s.db
	users := db.model("res.users")
	if !json2 {
		if users.recs[uid] == nil {
			return nil, errMissingRecs(users, []int64{uid}, uid)
		}
		if !db.checkPassword(uid, password) {
			return nil, errAccessDenied()
		}
	}
	m := db.model(modelName)
	if m == nil {
		if json2 {
			return nil, &pyErr{class: "werkzeug.exceptions.NotFound", msg: fmt.Sprintf("the model %s does not exist", pyRepr(modelName))}
		}
		return nil, errUser(fmt.Sprintf("Object %s doesn't exist", modelName))
	}
	spec := s.lookupMethod(db, m, methodName)
	if spec == nil {
		if (strings.HasPrefix(methodName, "_") && m.private[methodName]) || (db.version >= 19 && methodName == "check_access") {
			return nil, errAccess(fmt.Sprintf("Private methods (such as '%s.%s') cannot be called remotely.", m.name, methodName))
		}
		if json2 {
			return nil, &pyErr{class: "werkzeug.exceptions.NotFound", msg: fmt.Sprintf("The method '%s.%s' does not exist", m.name, methodName)}
		}
		if db.version < 18 {
			return nil, &pyErr{class: "AttributeError", msg: fmt.Sprintf("The method '%s' does not exist on the model '%s'", methodName, m.name), frames: framesPublicMethod}
		}
		return nil, &pyErr{class: "AttributeError", msg: fmt.Sprintf("The method '%s.%s' does not exist", m.name, methodName), frames: framesPublicMethod}
	}
	e := &env{db: db, uid: uid, ctx: ctx, srv: s, json2: json2}
	_, own := modelSpecific(m.name, methodName)
	c := &call{e: e, m: m, method: methodName, args: args, kwargs: kwargs, spec: spec, own: own}
	if !spec.model {
		if len(args) == 0 {
			if v, ok := kwargs.get("ids"); ok && json2 {
				args = []any{v}
			} else {
				return nil, &pyErr{class: "IndexError", msg: "list index out of range", frames: framesCallKW}
			}
		}
		ids, err := idList(args[0])
		if err != nil {
			return nil, err
		}
		c.ids = ids
		c.args = args[1:]
	}
	if spec.access != "" {
		if d := s.denied(db, uid, m, spec.access); d != nil {
			return nil, d
		}
	}
	if write {
		snap := db.snapshot()
		res, err := spec.fn(c)
		if err != nil {
			db.restoreSnapshot(snap)
			return nil, err
		}
		return res, nil
	}
	return spec.fn(c)
}

// readOnlyMethods never change data, so they can share the read lock.
var readOnlyMethods = map[string]bool{
	"search": true, "search_read": true, "search_fetch": true, "search_count": true, "read": true, "fields_get": true,
	"name_search": true, "read_group": true, "formatted_read_group": true, "default_get": true,
	"check_access_rights": true, "has_access": true, "check_access": true, "get_metadata": true,
	"exists": true, "browse": true, "context_get": true,
}

// dbSnapshot is a cheap copy-on-failure record of the models a write may touch.
type dbSnapshot map[string]modelSnap

type modelSnap struct {
	recs   map[int64]*record
	vals   map[int64]map[string]any
	ids    []int64
	rows   []*record
	nextID int64
	inv    map[string]map[int64][]int64
}

// snapshotLimit bounds the models a write snapshots: a model scaled up
// with AddPartners is not copied on every write. Create, write and unlink
// validate before they change anything, so the snapshot only matters for
// failures halfway through x2many commands or multi-record calls.
const snapshotLimit = 20000

// snapshot records the state of the models a failed call must roll back.
func (db *database) snapshot() dbSnapshot {
	out := make(dbSnapshot, len(db.models))
	for name, m := range db.models {
		if name == "ir.model" || name == "ir.model.fields" || len(m.recs) > snapshotLimit {
			continue
		}
		ms := modelSnap{recs: make(map[int64]*record, len(m.recs)), ids: append([]int64(nil), m.ids...), rows: append([]*record(nil), m.rows...), nextID: m.nextID, inv: map[string]map[int64][]int64{}}
		ms.vals = make(map[int64]map[string]any, len(m.recs))
		for id, r := range m.recs {
			ms.recs[id] = r
			ms.vals[id] = r.v
		}
		for f, idx := range m.inv {
			c := make(map[int64][]int64, len(idx))
			for k, v := range idx {
				c[k] = append([]int64(nil), v...)
			}
			ms.inv[f] = c
		}
		out[name] = ms
	}
	// Values maps are replaced, not mutated, only if we copy them now.
	for _, ms := range out {
		for id, v := range ms.vals {
			c := make(map[string]any, len(v))
			for k, x := range v {
				c[k] = x
			}
			ms.vals[id] = c
		}
	}
	return out
}

func (db *database) restoreSnapshot(s dbSnapshot) {
	for name, ms := range s {
		m := db.models[name]
		m.recs = ms.recs
		for id, r := range ms.recs {
			r.v = ms.vals[id]
		}
		m.ids = ms.ids
		m.rows = ms.rows
		// Like PostgreSQL sequences, ids handed out stay used after a rollback.
		m.nextID = max(m.nextID, ms.nextID)
		m.inv = ms.inv
	}
}

// denied returns the AccessError a restricted user gets, or nil.
func (s *Server) denied(db *database, uid int64, m *model, op string) *pyErr {
	if !db.restricted[uid] {
		return nil
	}
	groups, ok := restrictedACL(m.name, op)
	if !ok {
		return nil
	}
	verb := map[string]string{"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[op]
	msg := fmt.Sprintf("You are not allowed to %s '%s' (%s) records.\n\nThis operation is allowed for the following groups:\n%s\n\nContact your administrator to request access if necessary.",
		verb, m.description, m.name, groups)
	return errAccess(msg)
}

// restrictedACL says which operations the demo user lacks, with the groups
// that would grant them.
func restrictedACL(model, op string) (string, bool) {
	switch {
	case strings.HasPrefix(model, "hr."):
		return "\t- Employees/Officer: Manage all employees", true
	case model == "account.move" || model == "account.move.line":
		if op != "read" {
			return "\t- Accounting/Billing", true
		}
	case strings.HasPrefix(model, "purchase."):
		return "\t- Purchase/User", true
	case model == "res.users" || model == "res.company" || model == "res.currency" || model == "res.country" || strings.HasPrefix(model, "ir."):
		if op != "read" {
			return "\t- Role/Administrator", true
		}
	case model == "product.product" || model == "product.category":
		if op != "read" {
			return "\t- Sales/Administrator\n\t- Inventory/Administrator", true
		}
	}
	return "", false
}

// serveVersionInfo answers the web client's JSON-RPC version_info route (rec w01).
func (s *Server) serveVersionInfo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	id, ok := jsonRPCID(body)
	if !ok {
		writeHTML(w, http.StatusBadRequest, "Invalid JSON data")
		return
	}
	s.count("web.version_info")
	res, _ := jsonValue(s.versionInfo())
	w.Header().Set("Server", serverHeader)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	out := fmt.Sprintf(`{"jsonrpc": "2.0", "id": %s, "result": %s}`, id, res)
	_, _ = io.WriteString(w, out)
}
