package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const testAPIKey = "4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b"

// json2Server is an Odoo 19 stand-in that follows the JSON-2 status and
// error-body table in ../shared/odoo-wire/NOTES.md, plus version_info.
type json2Server struct {
	srv     *httptest.Server
	major   int  // server_version_info[0]
	noJSON2 bool // serve no /json/2 route (Odoo 18 and earlier)
	noXML   bool // serve no /xmlrpc (Odoo 22, or 19 without rpc)

	mu       sync.Mutex
	partners map[int64]map[string]any
	nextID   int64
	bodies   map[string]map[string]any // last body per method
}

func newJSON2Server(t *testing.T, major int) *json2Server {
	s := &json2Server{major: major, nextID: 4, bodies: map[string]map[string]any{}, partners: map[int64]map[string]any{
		1: {"id": int64(1), "name": "Deco Addict", "country_id": []any{int64(21), "Belgium"}, "credit_limit": 10.5, "parent_id": false},
		2: {"id": int64(2), "name": "Azure Interior", "country_id": []any{int64(233), "United States"}, "credit_limit": 0.0, "parent_id": false},
		3: {"id": int64(3), "name": "Wood Corner", "country_id": []any{int64(233), "United States"}, "credit_limit": 4.5, "parent_id": false},
	}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *json2Server) lastBody(method string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bodies[method]
}

func jsonErr(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if status == 401 {
		w.Header().Set("WWW-Authenticate", "bearer")
	}
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"name": name, "message": msg, "arguments": []any{msg, status}, "context": map[string]any{},
		"debug": "Traceback (most recent call last):\n  File \"json2.py\"\n" + name + ": " + msg + "\n"})
	w.Write(b)
}

func jsonOK(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}

func htmlNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(404)
	fmt.Fprint(w, "<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The requested URL was not found on the server.</p></body></html>")
}

func (s *json2Server) serve(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/web/webclient/version_info":
		var req struct {
			ID any `json:"id"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		v := fmt.Sprintf("%d.0", s.major)
		jsonOK(w, map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": map[string]any{
			"server_version": v, "server_version_info": []any{s.major, 0, 0, "final", 0, ""}, "server_serie": v, "protocol_version": 1}})
		return
	case strings.HasPrefix(r.URL.Path, "/xmlrpc/"):
		if s.noXML {
			htmlNotFound(w)
			return
		}
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		body, _ := io.ReadAll(r.Body)
		method, _, _ := parseCall(body)
		switch method {
		case "version":
			v := fmt.Sprintf("%d.0", s.major)
			w.Write(xmlValue(map[string]any{"server_version": v, "server_version_info": []any{s.major, 0, 0, "final", 0, ""}, "server_serie": v, "protocol_version": 1}))
		case "authenticate":
			w.Write(xmlValue(int64(2)))
		default:
			w.Write(xmlValue(int64(57)))
		}
		return
	case !strings.HasPrefix(r.URL.Path, "/json/2/") || s.noJSON2:
		htmlNotFound(w)
		return
	}
	if r.Header.Get("X-Odoo-Database") != "odoo_test" {
		htmlNotFound(w)
		return
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		jsonErr(w, 401, "werkzeug.exceptions.Unauthorized", "User not authenticated, use an API Key with a Bearer Authorization header.")
		return
	}
	if scheme, key, _ := strings.Cut(auth, " "); !strings.EqualFold(scheme, "bearer") || key != testAPIKey {
		jsonErr(w, 401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(415)
		fmt.Fprint(w, "<html><title>415 Unsupported Media Type</title></html>")
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/json/2/"), "/")
	if len(parts) != 2 {
		jsonErr(w, 404, "werkzeug.exceptions.NotFound", "Did you mean POST /json/2/<model>/<method>?")
		return
	}
	model, method := parts[0], parts[1]
	var body map[string]any
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		jsonErr(w, 400, "werkzeug.exceptions.BadRequest", "could not parse the body as json: "+err.Error())
		return
	}
	s.mu.Lock()
	s.bodies[method] = body
	s.mu.Unlock()
	if model != "res.partner" && model != "res.users" && model != "hr.employee" {
		jsonErr(w, 404, "werkzeug.exceptions.NotFound", fmt.Sprintf("the model '%s' does not exist", model))
		return
	}
	if strings.HasPrefix(method, "_") {
		jsonErr(w, 403, "odoo.exceptions.AccessError", fmt.Sprintf("Private methods (such as '%s.%s') cannot be called remotely.", model, method))
		return
	}
	if model == "hr.employee" {
		jsonErr(w, 403, "odoo.exceptions.AccessError", "You are not allowed to access 'Employee' (hr.employee) records.")
		return
	}
	type sig struct {
		records  bool
		required []string
		optional []string
	}
	sigs := map[string]sig{
		"search_read":          {optional: []string{"domain", "fields", "offset", "limit", "order"}},
		"search":               {required: []string{"domain"}, optional: []string{"offset", "limit", "order"}},
		"search_count":         {required: []string{"domain"}, optional: []string{"limit"}},
		"read":                 {records: true, optional: []string{"fields", "load"}},
		"create":               {required: []string{"vals_list"}},
		"write":                {records: true, required: []string{"vals"}},
		"unlink":               {records: true},
		"name_search":          {optional: []string{"name", "domain", "operator", "limit"}},
		"formatted_read_group": {optional: []string{"domain", "groupby", "aggregates", "having", "offset", "limit", "order"}},
		"has_access":           {records: true, required: []string{"operation"}},
		"fields_get":           {optional: []string{"allfields", "attributes"}},
		"context_get":          {},
	}
	sg, ok := sigs[method]
	if !ok {
		jsonErr(w, 404, "werkzeug.exceptions.NotFound", fmt.Sprintf("The method '%s.%s' does not exist", model, method))
		return
	}
	ids, hasIDs := body["ids"]
	if hasIDs && !sg.records && !(isIDList(ids) && len(ids.([]any)) == 0) {
		jsonErr(w, 422, "werkzeug.exceptions.UnprocessableEntity", fmt.Sprintf("cannot call %s.%s with ids", model, method))
		return
	}
	allowed := map[string]bool{"ids": true, "context": true}
	for _, p := range append(sg.required, sg.optional...) {
		allowed[p] = true
	}
	for k := range body {
		if !allowed[k] {
			jsonErr(w, 422, "werkzeug.exceptions.UnprocessableEntity", fmt.Sprintf("got an unexpected keyword argument '%s'", k))
			return
		}
	}
	for _, p := range sg.required {
		if _, ok := body[p]; !ok {
			jsonErr(w, 422, "werkzeug.exceptions.UnprocessableEntity", fmt.Sprintf("missing a required argument: '%s'", p))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idList := func() []int64 {
		l, _ := ids.([]any)
		out := []int64{}
		for _, e := range l {
			n, _ := e.(json.Number).Int64()
			out = append(out, n)
		}
		return out
	}
	if d, ok := body["domain"].([]any); ok {
		for _, leaf := range d {
			if l, ok := leaf.([]any); ok && len(l) == 3 && l[0] == "no_such_field" {
				jsonErr(w, 500, "builtins.ValueError", "Invalid field res.partner.no_such_field in condition ('no_such_field', '=', 1)")
				return
			}
		}
	}
	sorted := func() []map[string]any {
		var out []map[string]any
		for _, p := range s.partners {
			out = append(out, p)
		}
		sort.Slice(out, func(i, j int) bool { return out[i]["id"].(int64) < out[j]["id"].(int64) })
		return out
	}
	switch method {
	case "context_get":
		jsonOK(w, map[string]any{"lang": "en_US", "tz": "Europe/Brussels", "uid": 2})
	case "search_read":
		jsonOK(w, sorted())
	case "search":
		var out []int64
		for _, p := range sorted() {
			out = append(out, p["id"].(int64))
		}
		jsonOK(w, out)
	case "search_count":
		jsonOK(w, len(s.partners))
	case "read":
		if model == "res.users" {
			jsonOK(w, []map[string]any{{"id": 2, "login": "admin"}})
			return
		}
		out := []map[string]any{}
		for _, id := range idList() {
			if p, ok := s.partners[id]; ok {
				out = append(out, p)
			}
		}
		jsonOK(w, out)
	case "create":
		id := s.nextID
		s.nextID++
		s.partners[id] = map[string]any{"id": id, "name": "new", "country_id": false, "credit_limit": 0.0, "parent_id": false}
		jsonOK(w, []int64{id})
	case "write":
		for _, id := range idList() {
			if _, ok := s.partners[id]; !ok {
				jsonErr(w, 404, "odoo.exceptions.MissingError", fmt.Sprintf("Record does not exist or has been deleted.\n(Record: res.partner(%d,), User: 2)", id))
				return
			}
			if vals, _ := body["vals"].(map[string]any); vals["parent_id"] != nil {
				jsonErr(w, 422, "odoo.exceptions.ValidationError", "You cannot create recursive Partner hierarchies.")
				return
			}
		}
		jsonOK(w, true)
	case "unlink":
		if model == "res.users" {
			jsonErr(w, 422, "odoo.exceptions.UserError", "You cannot delete the admin user because it is utilized in various places (such as security configurations,...). Instead, archive it.")
			return
		}
		for _, id := range idList() {
			delete(s.partners, id)
		}
		jsonOK(w, true)
	case "name_search":
		name, _ := body["name"].(string)
		out := []any{}
		for _, p := range sorted() {
			if strings.Contains(strings.ToLower(p["name"].(string)), strings.ToLower(name)) {
				out = append(out, []any{p["id"], p["name"]})
			}
		}
		jsonOK(w, out)
	case "has_access":
		jsonOK(w, body["operation"] == "read")
	case "fields_get":
		all := map[string]any{"credit_limit": map[string]any{"type": "float", "aggregator": "sum"},
			"name": map[string]any{"type": "char"}, "country_id": map[string]any{"type": "many2one"}}
		out := map[string]any{}
		for _, f := range body["allfields"].([]any) {
			if d, ok := all[f.(string)]; ok {
				out[f.(string)] = d
			}
		}
		jsonOK(w, out)
	case "formatted_read_group":
		groups := map[int64]map[string]any{}
		var order []int64
		for _, p := range sorted() {
			c := p["country_id"].([]any)
			cid := c[0].(int64)
			g, ok := groups[cid]
			if !ok {
				g = map[string]any{"country_id": c, "__count": 0, "credit_limit:sum": 0.0,
					"__extra_domain": []any{[]any{"country_id", "=", cid}}}
				groups[cid] = g
				order = append(order, cid)
			}
			g["__count"] = g["__count"].(int) + 1
			g["credit_limit:sum"] = g["credit_limit:sum"].(float64) + p["credit_limit"].(float64)
		}
		out := []any{}
		for _, cid := range order {
			out = append(out, groups[cid])
		}
		jsonOK(w, out)
	}
}

func newJSON2Client(t *testing.T, s *json2Server, mutate func(*Config)) *Client {
	cfg := Config{URL: s.srv.URL, DB: "odoo_test", Username: "admin", Protocol: ProtocolJSON2, APIKey: NewSecret(testAPIKey)}
	if mutate != nil {
		mutate(&cfg)
	}
	return newTestClient(t, cfg)
}

func TestJSON2Calls(t *testing.T) {
	s := newJSON2Server(t, 19)
	c := newJSON2Client(t, s, nil)
	ctx := context.Background()
	dom := []any{[]any{"is_company", "=", true}}

	rows, err := c.SearchRead(ctx, "res.partner", dom, &SearchOptions{Fields: []string{"name"}, Limit: 2, Order: "id"})
	if err != nil || len(rows) != 3 || rows[0]["name"] != "Deco Addict" || rows[0]["credit_limit"] != 10.5 || rows[0]["id"] != int64(1) {
		t.Fatalf("SearchRead() = %v, %v", rows, err)
	}
	if got, want := s.lastBody("search_read"), map[string]any{"domain": []any{[]any{"is_company", "=", true}}, "fields": []any{"name"}, "limit": json.Number("2"), "order": "id"}; !reflect.DeepEqual(got, want) {
		t.Errorf("search_read body = %v, want %v", got, want)
	}
	if n, err := c.SearchCount(ctx, "res.partner", nil, nil); err != nil || n != 3 {
		t.Errorf("SearchCount() = %d, %v; want 3", n, err)
	}
	if ids, err := c.Search(ctx, "res.partner", nil, nil); err != nil || !reflect.DeepEqual(ids, []int64{1, 2, 3}) {
		t.Errorf("Search() = %v, %v", ids, err)
	}
	recs, err := c.Read(ctx, "res.partner", []int64{2, 99}, []string{"name"}, &CallOptions{Context: map[string]any{"lang": "fr_FR"}})
	if err != nil || len(recs) != 1 || recs[0]["name"] != "Azure Interior" {
		t.Errorf("Read() = %v, %v", recs, err)
	}
	if got := s.lastBody("read"); !reflect.DeepEqual(got["ids"], []any{json.Number("2"), json.Number("99")}) || got["context"] == nil {
		t.Errorf("read body = %v, want ids and context", got)
	}
	id, err := c.Create(ctx, "res.partner", map[string]any{"name": "new", "parent_id": nil}, nil)
	if err != nil || id != 4 {
		t.Errorf("Create() = %d, %v; want 4", id, err)
	}
	if got := s.lastBody("create"); !reflect.DeepEqual(got["vals_list"], map[string]any{"name": "new", "parent_id": false}) {
		t.Errorf("create body = %v, want vals_list with parent_id false", got)
	}
	// The generic call returns create's id the way XML-RPC does.
	if v, err := c.ExecuteKW(ctx, "res.partner", "create", []any{map[string]any{"name": "x"}}, nil); err != nil || v != int64(5) {
		t.Errorf("ExecuteKW(create) = %v, %v; want 5", v, err)
	}
	if err := c.Write(ctx, "res.partner", []int64{4}, map[string]any{"name": "renamed"}, nil); err != nil {
		t.Errorf("Write() error = %v", err)
	}
	if err := c.Unlink(ctx, "res.partner", []int64{4}, nil); err != nil {
		t.Errorf("Unlink() error = %v", err)
	}
	names, err := c.NameSearch(ctx, "res.partner", "deco", []any{[]any{"active", "=", true}}, 0, nil)
	if err != nil || !reflect.DeepEqual(names, []NameResult{{1, "Deco Addict"}}) {
		t.Errorf("NameSearch() = %v, %v", names, err)
	}
	if got := s.lastBody("name_search"); got["domain"] == nil || got["args"] != nil || got["limit"] != json.Number("100") {
		t.Errorf("name_search body = %v, want domain= and limit 100", got)
	}
	// The generic call with 18's keyword is renamed for 19.
	if _, err := c.ExecuteKW(ctx, "res.partner", "name_search", nil, map[string]any{"name": "wood", "args": []any{}}); err != nil {
		t.Errorf("ExecuteKW(name_search, args=) error = %v", err)
	}
	// check_access_rights is answered by has_access.
	if v, err := c.ExecuteKW(ctx, "res.partner", "check_access_rights", []any{"read"}, map[string]any{"raise_exception": false}); err != nil || v != true {
		t.Errorf("ExecuteKW(check_access_rights) = %v, %v; want true", v, err)
	}
	uid, err := c.Authenticate(ctx)
	if err != nil || uid != 2 || c.UID() != 2 {
		t.Errorf("Authenticate() over JSON-2 = %d, %v; want 2", uid, err)
	}
	if c.Protocol() != ProtocolJSON2 {
		t.Errorf("Protocol() = %q, want json2", c.Protocol())
	}
}

func TestJSON2ReadGroupOn19(t *testing.T) {
	s := newJSON2Server(t, 19)
	c := newJSON2Client(t, s, nil)
	if _, err := c.Version(context.Background()); err != nil {
		t.Fatal(err)
	}
	// credit_limit takes its aggregator (sum) from fields_get; name has
	// none and is left out, as read_group does. A lazy call names the
	// groupbys left in __context.
	rows, err := c.ReadGroup(context.Background(), "res.partner", nil, []string{"credit_limit", "name", "country_id"}, []string{"country_id", "name"}, &ReadGroupOptions{Lazy: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"country_id": []any{int64(21), "Belgium"}, "country_id_count": int64(1), "credit_limit": 10.5, "__domain": []any{[]any{"country_id", "=", int64(21)}}, "__context": map[string]any{"group_by": []any{"name"}}},
		{"country_id": []any{int64(233), "United States"}, "country_id_count": int64(2), "credit_limit": 4.5, "__domain": []any{[]any{"country_id", "=", int64(233)}}, "__context": map[string]any{"group_by": []any{"name"}}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("ReadGroup() = %s, want %s", format(rows), format(want))
	}
	// The plain fields (for their aggregators) and the groupby without a
	// granularity (a date needs one) are described.
	if got := s.lastBody("fields_get"); !reflect.DeepEqual(got["allfields"], []any{"credit_limit", "name", "country_id"}) || !reflect.DeepEqual(got["attributes"], []any{"type", "aggregator"}) {
		t.Errorf("fields_get body = %v, want the plain fields and the groupby, type and aggregator", got)
	}
	// The aggregators are cached: a second ReadGroup asks nothing more.
	s.mu.Lock()
	delete(s.bodies, "fields_get")
	s.mu.Unlock()
	if _, err := c.ReadGroup(context.Background(), "res.partner", nil, []string{"credit_limit", "name"}, []string{"country_id"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := s.lastBody("fields_get"); got != nil {
		t.Errorf("second ReadGroup called fields_get again: %v", got)
	}
	body := s.lastBody("formatted_read_group")
	if !reflect.DeepEqual(body["aggregates"], []any{"__count", "credit_limit:sum"}) || !reflect.DeepEqual(body["groupby"], []any{"country_id"}) {
		t.Errorf("formatted_read_group body = %v", body)
	}
}

// TestJSON2Errors checks the status table maps to the kinds XML-RPC gives
// for the same situations (see replayCases).
func TestJSON2Errors(t *testing.T) {
	s := newJSON2Server(t, 19)
	ctx := context.Background()
	tests := []struct {
		name   string
		cfg    func(*Config)
		run    func(*Client) error
		kind   Kind
		class  string
		code   int
		msg    string
		asXRPC string // the replay case of the same situation, if any
	}{
		{"bad key", func(c *Config) { c.APIKey = NewSecret("0000000000000000000000000000000000000000") },
			func(c *Client) error { _, err := c.Search(ctx, "res.partner", nil, nil); return err },
			KindAccessDenied, "AccessDenied", 401, "Invalid apikey", "x37_wrong_password_execute"},
		{"private method", nil,
			func(c *Client) error {
				_, err := c.json2Execute(ctx, 19, call{model: "res.partner", method: "_compute_display_name"})
				return err
			},
			KindAccessError, "AccessError", 403, "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely.", "x31_private_existing_method"},
		{"acl", nil,
			func(c *Client) error { _, err := c.SearchRead(ctx, "hr.employee", nil, nil); return err },
			KindAccessError, "AccessError", 403, "You are not allowed to access 'Employee' (hr.employee) records.", ""},
		{"unknown method", nil,
			func(c *Client) error {
				_, err := c.ExecuteKW(ctx, "res.partner", "no_such_method", nil, nil)
				return err
			},
			KindServer, "AttributeError", 404, "The method 'res.partner.no_such_method' does not exist", "x32_unknown_public_method"},
		{"unknown model", nil,
			func(c *Client) error { _, err := c.SearchRead(ctx, "no.such.model", nil, nil); return err },
			KindUserError, "UserError", 404, "the model 'no.such.model' does not exist", "x33_bad_model"},
		{"bad domain field", nil,
			func(c *Client) error {
				_, err := c.SearchRead(ctx, "res.partner", []any{[]any{"no_such_field", "=", 1}}, nil)
				return err
			},
			KindServer, "ValueError", 500, "Invalid field res.partner.no_such_field in condition ('no_such_field', '=', 1)", "x34_bad_domain_field"},
		{"write deleted", nil,
			func(c *Client) error {
				return c.Write(ctx, "res.partner", []int64{62}, map[string]any{"name": "x"}, nil)
			},
			KindUserError, "MissingError", 404, "Record does not exist or has been deleted.\n(Record: res.partner(62,), User: 2)", "x21_write_deleted"},
		{"validation", nil,
			func(c *Client) error {
				return c.Write(ctx, "res.partner", []int64{1}, map[string]any{"parent_id": 1}, nil)
			},
			KindUserError, "ValidationError", 422, "You cannot create recursive Partner hierarchies.", "x40_validation_error"},
		{"user error", nil,
			func(c *Client) error { return c.Unlink(ctx, "res.users", []int64{2}, nil) },
			KindUserError, "UserError", 422, "You cannot delete the admin user because it is utilized in various places (such as security configurations,...). Instead, archive it.", "x41_user_error_delete_admin"},
		{"missing argument", nil,
			func(c *Client) error {
				_, err := c.ExecuteKW(ctx, "res.partner", "write", []any{[]int64{1}}, nil)
				return err
			},
			KindServer, "TypeError", 422, "missing a required argument: 'vals'", ""},
		{"unknown database", func(c *Config) { c.DB = "nope" },
			func(c *Client) error { _, err := c.SearchRead(ctx, "res.partner", nil, nil); return err },
			KindProtocol, "", 404, `check that database "nope" exists`, ""},
		{"positional args of unknown method", nil,
			func(c *Client) error {
				_, err := c.ExecuteKW(ctx, "res.partner", "message_post", []any{[]int64{1}, "hello"}, nil)
				return err
			},
			KindProtocol, "", 0, "JSON-2 takes named arguments only", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newJSON2Client(t, s, tt.cfg)
			err := tt.run(c)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%s: error = %v, want *Error", tt.name, err)
			}
			if e.Kind != tt.kind || e.Class != tt.class || e.Code != tt.code || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("%s: error = {%v %q %d %q}, want {%v %q %d %q}", tt.name, e.Kind, e.Class, e.Code, e.Message, tt.kind, tt.class, tt.code, tt.msg)
			}
			if strings.Contains(e.Error(), "Traceback") {
				t.Errorf("%s: Error() = %q shows the traceback", tt.name, e.Error())
			}
			if x, ok := replayCases[tt.asXRPC]; ok && x.kind != e.Kind {
				t.Errorf("%s: JSON-2 kind %v differs from XML-RPC's %v for %s", tt.name, e.Kind, x.kind, tt.asXRPC)
			}
		})
	}
}

func TestProtocolSelection(t *testing.T) {
	tests := []struct {
		name      string
		major     int
		noJSON2   bool
		noXML     bool
		protocol  string
		apiKey    bool
		wantProto string
		wantErr   string
	}{
		{"auto on 19 with key", 19, false, false, ProtocolAuto, true, ProtocolJSON2, ""},
		{"auto on 19 without key", 19, false, false, ProtocolAuto, false, ProtocolXMLRPC, ""},
		{"auto on 18", 18, true, false, ProtocolAuto, true, ProtocolXMLRPC, ""},
		{"auto on 22", 22, false, true, ProtocolAuto, true, ProtocolJSON2, ""},
		{"json2 on 18", 18, true, false, ProtocolJSON2, true, "", `the server is Odoo 18.0, which has no JSON-2 API (Odoo 19 and later): use protocol "xmlrpc"`},
		{"xmlrpc on 22", 22, false, true, ProtocolXMLRPC, false, "", `serve only JSON-2; use protocol "json2"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newJSON2Server(t, tt.major)
			s.noJSON2, s.noXML = tt.noJSON2, tt.noXML
			cfg := Config{URL: s.srv.URL, DB: "odoo_test", Username: "admin", Password: NewSecret("admin"), Protocol: tt.protocol}
			if tt.apiKey {
				cfg.APIKey = NewSecret(testAPIKey)
			}
			c := newTestClient(t, cfg)
			n, err := c.SearchCount(context.Background(), "res.partner", nil, nil)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SearchCount() error = %v, want it to say %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("SearchCount() error = %v", err)
			}
			if c.Protocol() != tt.wantProto {
				t.Errorf("Protocol() = %q, want %q", c.Protocol(), tt.wantProto)
			}
			want := int64(3) // the JSON-2 fake's partners
			if tt.wantProto == ProtocolXMLRPC {
				want = 57 // its XML-RPC side's canned count
			}
			if n != want {
				t.Errorf("SearchCount() = %d, want %d (served by %s)", n, want, tt.wantProto)
			}
		})
	}
}

func TestVersionDetection(t *testing.T) {
	s := newJSON2Server(t, 19)
	c := newTestClient(t, Config{URL: s.srv.URL, Protocol: ProtocolAuto})
	if c.Protocol() != ProtocolAuto {
		t.Errorf("Protocol() before detection = %q, want auto", c.Protocol())
	}
	v, err := c.Version(context.Background())
	if err != nil || v.Major != 19 || v.ServerVersion != "19.0" || v.ProtocolVersion != 1 {
		t.Fatalf("Version() = %+v, %v", v, err)
	}
	if c.Protocol() != ProtocolXMLRPC {
		t.Errorf("Protocol() after detection without a key = %q, want xmlrpc", c.Protocol())
	}
	// Without version_info, common.version answers.
	f := newFakeOdoo(t)
	c2 := newTestClient(t, Config{URL: f.srv.URL})
	v, err = c2.Version(context.Background())
	if err != nil || v.Major != 18 || v.Serie != "18.0" {
		t.Fatalf("Version() via common.version = %+v, %v", v, err)
	}
	if f.count("version") != 1 {
		t.Errorf("common.version calls = %d, want 1", f.count("version"))
	}
	// A missing version_info route (404) is not Odoo being down: it is
	// asked once per Version, never retried.
	var infoHits atomic.Int32
	f.mu.Lock()
	f.hook = func(w http.ResponseWriter, r *http.Request) bool {
		if r.URL.Path != "/web/webclient/version_info" {
			return false
		}
		infoHits.Add(1)
		http.NotFound(w, r)
		return true
	}
	f.mu.Unlock()
	for range 3 {
		if _, err := c2.Version(context.Background()); err != nil {
			t.Fatalf("Version() error = %v", err)
		}
	}
	if n := infoHits.Load(); n != 3 {
		t.Errorf("version_info requests for 3 Version() calls = %d, want 3 (a 404 is not retried)", n)
	}
}

// TestVersionInfoRecording decodes the recorded w01 version_info reply.
func TestVersionInfoRecording(t *testing.T) {
	body := recording(t, "w01_version_info.resp.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/web/webclient/version_info" || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()
	c := newTestClient(t, Config{URL: srv.URL})
	v, err := c.Version(context.Background())
	want := &Version{ServerVersion: "18.0", VersionInfo: []any{int64(18), int64(0), int64(0), "final", int64(0), ""}, Serie: "18.0", ProtocolVersion: 1, Major: 18}
	if err != nil || !reflect.DeepEqual(v, want) {
		t.Errorf("Version() from w01 = %+v, %v; want %+v", v, err, want)
	}
}

func TestNamedArgs(t *testing.T) {
	tests := []struct {
		name    string
		cl      call
		ids     any
		named   map[string]any
		wantErr string
	}{
		{"search_read positional", call{method: "search_read", args: []any{[]any{}, []string{"name"}, 0, 5}},
			nil, map[string]any{"domain": []any{}, "fields": []string{"name"}, "offset": 0, "limit": 5}, ""},
		{"read takes ids", call{method: "read", args: []any{[]int64{1}, []string{"name"}}},
			[]int64{1}, map[string]any{"fields": []string{"name"}}, ""},
		{"write", call{method: "write", args: []any{[]int64{1}, map[string]any{"a": 1}}, kwargs: map[string]any{"context": map[string]any{}}},
			[]int64{1}, map[string]any{"vals": map[string]any{"a": 1}, "context": map[string]any{}}, ""},
		{"name_search args renamed", call{method: "name_search", kwargs: map[string]any{"args": []any{}}},
			nil, map[string]any{"domain": []any{}}, ""},
		{"unknown method ids only", call{method: "action_confirm", args: []any{[]any{int64(1)}}},
			[]any{int64(1)}, map[string]any{}, ""},
		{"unknown method positional", call{method: "message_post", args: []any{"x"}}, nil, nil, "named arguments only"},
		{"too many", call{method: "unlink", args: []any{[]int64{1}, true}}, nil, nil, "at most 1 positional"},
		{"duplicate", call{method: "search", args: []any{[]any{}}, kwargs: map[string]any{"domain": []any{}}}, nil, nil, "both by position and by name"},
	}
	for _, tt := range tests {
		ids, named, err := namedArgs(tt.cl)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("namedArgs(%s) error = %v, want %q", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(ids, tt.ids) || !reflect.DeepEqual(named, tt.named) {
			t.Errorf("namedArgs(%s) = %v, %v, %v; want %v, %v", tt.name, ids, named, err, tt.ids, tt.named)
		}
	}
}

func TestAdaptCall(t *testing.T) {
	tests := []struct {
		name  string
		major int
		in    call
		want  call
	}{
		{"name_search domain on 18", 18, call{method: "name_search", kwargs: map[string]any{"domain": []any{}}},
			call{method: "name_search", kwargs: map[string]any{"args": []any{}}}},
		{"name_search args on 19", 19, call{method: "name_search", kwargs: map[string]any{"args": []any{}}},
			call{method: "name_search", kwargs: map[string]any{"domain": []any{}}}},
		{"name_search positional untouched", 19, call{method: "name_search", args: []any{"x", []any{}}},
			call{method: "name_search", args: []any{"x", []any{}}}},
		{"check_access_rights on 17", 17, call{method: "check_access_rights", args: []any{"read"}},
			call{method: "check_access_rights", args: []any{"read"}}},
		{"check_access_rights on 18", 18, call{method: "check_access_rights", args: []any{"write"}, kwargs: map[string]any{"raise_exception": false}},
			call{method: "has_access", args: []any{[]any{}, "write"}, kwargs: map[string]any{}}},
		{"unknown version keeps legacy forms", 0, call{method: "name_search", kwargs: map[string]any{"args": []any{}}},
			call{method: "name_search", kwargs: map[string]any{"args": []any{}}}},
	}
	for _, tt := range tests {
		if got := adaptCall(tt.major, tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("adaptCall(%d, %s) = %+v, want %+v", tt.major, tt.name, got, tt.want)
		}
	}
}

func TestDecodeJSON2(t *testing.T) {
	const path = "/json/2/res.partner/read"
	tests := []struct {
		status int
		ctype  string
		body   string
		want   any
		kind   Kind
		class  string
	}{
		{200, "application/json", `[{"id": 7, "x": 3000000000.0, "y": null, "z": ""}]`,
			[]any{map[string]any{"id": int64(7), "x": 3e9, "y": false, "z": ""}}, 0, ""},
		{200, "application/json", `null`, false, 0, ""},
		{200, "application/json", `[1] [2]`, nil, KindProtocol, ""},
		{200, "application/json", `{`, nil, KindProtocol, ""},
		{200, "text/html", `<html><title>Maintenance</title></html>`, nil, KindTransport, ""},
		{502, "text/html", `<html><title>502 Bad Gateway</title></html>`, nil, KindTransport, ""},
		{404, "text/html", `<!doctype html><title>404 Not Found</title>`, nil, KindProtocol, ""},
		{415, "text/html", `<html><title>415</title></html>`, nil, KindProtocol, ""},
		{500, "application/json", `{"name":"builtins.KeyError","message":"'x'","arguments":[],"context":{},"debug":"tb"}`, nil, KindServer, "KeyError"},
		{403, "application/json", `{"name":"odoo.exceptions.AccessDenied","message":"Access Denied","arguments":[],"context":{},"debug":""}`, nil, KindAccessDenied, "AccessDenied"},
		{409, "application/json", `{"name":"odoo.exceptions.LockError","message":"locked","arguments":[],"context":{},"debug":""}`, nil, KindUserError, "LockError"},
		{400, "application/json", `{"name":"werkzeug.exceptions.BadRequest","message":"could not parse the body as json","arguments":[],"context":{},"debug":""}`, nil, KindProtocol, "BadRequest"},
	}
	for _, tt := range tests {
		v, err := decodeJSON2(tt.status, tt.ctype, path, []byte(tt.body))
		if tt.kind == 0 {
			if err != nil || !reflect.DeepEqual(v, tt.want) {
				t.Errorf("decodeJSON2(%d, %q) = %s, %v; want %s", tt.status, tt.body, format(v), err, format(tt.want))
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Kind != tt.kind || e.Class != tt.class {
			t.Errorf("decodeJSON2(%d, %q) error = %#v, want kind %v class %q", tt.status, tt.body, err, tt.kind, tt.class)
		}
	}
}

func TestFastJSON(t *testing.T) {
	tests := []struct {
		in   string
		want any // nil: the fast path must decline
	}{
		{`[{"id": 7, "name": "A \u00e9", "p": false, "q": null}]`, []any{map[string]any{"id": int64(7), "name": "A é", "p": false, "q": false}}},
		{`3000000000.0`, 3e9},
		{`-0`, int64(0)},
		{`1e3`, 1000.0},
		{`12345678901234567890`, 1.2345678901234567e19},
		{`"\ud83d\ude00 \"q\" \\ \/ \n"`, "😀 \"q\" \\ / \n"},
		{` { "a" : [ ] , "b" : { } } `, map[string]any{"a": []any{}, "b": map[string]any{}}},
		{`"\ud800"`, nil},
		{"\"\xff\"", nil},
		{`01`, nil},
		{`1.`, nil},
		{`[1,]`, nil},
		{`{"a":1,}`, nil},
		{`nul`, nil},
		{`[1] x`, nil},
		{"\"a\tb\"", nil},
		{`1e999`, nil},
	}
	for _, tt := range tests {
		got, ok := fastJSON([]byte(tt.in))
		if tt.want == nil {
			if ok {
				t.Errorf("fastJSON(%q) = %#v, want it to decline", tt.in, got)
			}
			continue
		}
		if !ok || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("fastJSON(%q) = %#v, %v; want %#v", tt.in, got, ok, tt.want)
		}
	}
}
