package odootest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestJSON2(t *testing.T) {
	h := New(WithVersion(19)).Handler()
	bearer := "bearer " + AdminAPIKey
	tests := []struct {
		name       string
		path       string
		body       string
		hdr        []string
		wantStatus int
		wantBody   string // exact body for successes; error name + message for failures
	}{
		{"search_read", "/json/2/res.partner/search_read", `{"domain": [["id", "in", [9, 10]]], "fields": ["name", "country_id"], "order": "id"}`, []string{"Authorization", bearer}, 200,
			`[{"id": 9, "name": "Wood Corner", "country_id": [233, "United States"]}, {"id": 10, "name": "Deco Addict", "country_id": [233, "United States"]}]`},
		{"read with ids", "/json/2/res.partner/read", `{"ids": [3], "fields": ["name", "parent_id"]}`, []string{"Authorization", "Bearer " + AdminAPIKey, "X-Odoo-Database", DB}, 200,
			`[{"id": 3, "name": "Mitchell Admin", "parent_id": false}]`},
		{"search_count", "/json/2/res.partner/search_count", `{"domain": [["is_company", "=", true]]}`, []string{"Authorization", bearer}, 200, `11`},
		{"create returns a list", "/json/2/res.partner/create", `{"vals_list": {"name": "JSON Two"}}`, []string{"Authorization", bearer}, 200, `[62]`},
		{"name_search takes domain", "/json/2/res.partner/name_search", `{"name": "Deco", "domain": [["is_company", "=", true]], "limit": 5}`, []string{"Authorization", bearer}, 200, `[[10, "Deco Addict"]]`},
		{"context_get", "/json/2/res.users/context_get", `{}`, []string{"Authorization", bearer}, 200, `{"lang": "en_US", "tz": "Europe/Brussels", "uid": 2}`},
		{"check_access_rights raise returns null", "/json/2/res.partner/check_access_rights", `{"operation": "read"}`, []string{"Authorization", bearer}, 200, `null`},
		{"no auth", "/json/2/res.partner/search", `{"domain": []}`, nil, 401,
			"werkzeug.exceptions.Unauthorized: User not authenticated, use an API Key with a Bearer Authorization header."},
		{"bad key", "/json/2/res.partner/search", `{"domain": []}`, []string{"Authorization", "bearer 0000000000000000000000000000000000000000"}, 401, "werkzeug.exceptions.Unauthorized: Invalid apikey"},
		{"password is not a key", "/json/2/res.partner/search", `{"domain": []}`, []string{"Authorization", "bearer admin"}, 401, "werkzeug.exceptions.Unauthorized: Invalid apikey"},
		{"bad json", "/json/2/res.partner/search", `{"domain": [`, []string{"Authorization", bearer}, 400, "werkzeug.exceptions.BadRequest: could not parse the body as json: "},
		{"no method", "/json/2/res.partner", `{}`, []string{"Authorization", bearer}, 404, "werkzeug.exceptions.NotFound: Did you mean POST /json/2/<model>/<method>?"},
		{"unknown model", "/json/2/no.model/search", `{"domain": []}`, []string{"Authorization", bearer}, 404, "werkzeug.exceptions.NotFound: the model 'no.model' does not exist"},
		{"unknown method", "/json/2/res.partner/foo", `{}`, []string{"Authorization", bearer}, 404, "werkzeug.exceptions.NotFound: The method 'res.partner.foo' does not exist"},
		{"private method", "/json/2/res.partner/_compute_display_name", `{"ids": [3]}`, []string{"Authorization", bearer}, 403, "odoo.exceptions.AccessError: Private methods (such as 'res.partner._compute_display_name') cannot be called remotely."},
		{"ids on model method", "/json/2/res.users/create", `{"ids": [1], "vals_list": {}}`, []string{"Authorization", bearer}, 422, "werkzeug.exceptions.UnprocessableEntity: cannot call res.users.create with ids"},
		{"missing argument", "/json/2/res.partner/search", `{}`, []string{"Authorization", bearer}, 422, "werkzeug.exceptions.UnprocessableEntity: missing a required argument: 'domain'"},
		{"extra argument", "/json/2/res.partner/search", `{"domain": [], "bogus": 1}`, []string{"Authorization", bearer}, 422, "werkzeug.exceptions.UnprocessableEntity: got an unexpected keyword argument 'bogus'"},
		{"bad domain", "/json/2/res.partner/search", `{"domain": [["nope", "=", 1]]}`, []string{"Authorization", bearer}, 500, "builtins.ValueError: Invalid field res.partner.nope in leaf ('nope', '=', 1)"},
		{"user error", "/json/2/res.users/unlink", `{"ids": [2]}`, []string{"Authorization", bearer}, 422, "odoo.exceptions.UserError: You cannot delete the admin user"},
		{"missing record", "/json/2/res.partner/write", `{"ids": [9999], "vals": {"name": "x"}}`, []string{"Authorization", bearer}, 404, "odoo.exceptions.MissingError: Record does not exist or has been deleted."},
		{"access error", "/json/2/hr.employee/search", `{"domain": []}`, []string{"Authorization", "bearer " + DemoAPIKey}, 403, "odoo.exceptions.AccessError: You are not allowed to access 'Employee' (hr.employee) records."},
		{"unknown database", "/json/2/res.partner/search", `{"domain": []}`, []string{"Authorization", bearer, "X-Odoo-Database", "other"}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(h, tt.path, "application/json", []byte(tt.body), tt.hdr...)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if tt.wantBody == "" {
				return
			}
			if rec.Code == 200 {
				if got := rec.Body.String(); got != tt.wantBody {
					t.Errorf("body = %s, want %s", got, tt.wantBody)
				}
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			var keys []string
			dec := json.NewDecoder(strings.NewReader(rec.Body.String()))
			if _, err := dec.Token(); err != nil {
				t.Fatal(err)
			}
			var e map[string]any
			for dec.More() {
				tok, _ := dec.Token()
				k := tok.(string)
				keys = append(keys, k)
				var v any
				if err := dec.Decode(&v); err != nil {
					t.Fatal(err)
				}
				if e == nil {
					e = map[string]any{}
				}
				e[k] = v
			}
			if got := strings.Join(keys, ","); got != "name,message,arguments,context,debug" {
				t.Errorf("error keys = %s", got)
			}
			if got := e["name"].(string) + ": " + e["message"].(string); !strings.HasPrefix(got, tt.wantBody) {
				t.Errorf("error = %q, want prefix %q", got, tt.wantBody)
			}
			if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") != "bearer" {
				t.Error("401 without WWW-Authenticate: bearer")
			}
		})
	}
}

func TestVersion19(t *testing.T) {
	s := New(WithVersion(19))
	c := newClient(t, s)
	if got := pyReprValue(c.raw("common", "version").value); !strings.Contains(got, "'server_version': '19.0'") {
		t.Errorf("version = %s", got)
	}
	rows := c.ok("sale.order", "formatted_read_group", l(l(l("state", "=", "sale"))), dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total:sum", "__count")}})
	for _, r := range rows.([]any) {
		d := r.(dict)
		for _, k := range []string{"partner_id", "amount_total:sum", "__count", "__extra_domain"} {
			if _, ok := d.get(k); !ok {
				t.Errorf("formatted_read_group row lacks %s: %s", k, pyReprValue(d))
			}
		}
	}
	if code, msg := c.fault("res.partner", "name_search", l("Deco"), dict{{"args", l()}}); code != 1 || !strings.Contains(msg, "unexpected keyword argument 'args'") {
		t.Errorf("19 name_search(args=) = %d %q", code, msg)
	}
	if code, _ := c.fault("res.partner", "check_access", l(l(int64(3)), "read"), nil); code != 4 {
		t.Errorf("19 check_access fault = %d, want 4 (private)", code)
	}
}

func TestOlderVersions(t *testing.T) {
	s := New(WithVersion(17))
	h := s.Handler()
	rec := post(h, "/xmlrpc/2/common", "text/xml", encodeCall(t, "version"))
	body := rec.Body.String()
	if !strings.HasPrefix(body, "<?xml version='1.0'?>\n<methodResponse>\n") || !strings.HasSuffix(body, "</params>\n</methodResponse>\n") || !strings.Contains(body, "<string>17.0</string>") {
		t.Errorf("17 framing/version:\n%s", body)
	}
	c := newClient(t, s)
	if got := pyReprValue(c.ok("res.partner", "name_get", l(l(int64(36))), nil)); got != "[[36, 'Deco Addict, Addison Olson']]" {
		t.Errorf("17 name_get = %s", got)
	}
	if got := c.ok("res.partner", "check_access_rights", l("read"), nil); got != true {
		t.Errorf("17 check_access_rights = %v", got)
	}
	if got := c.ok("res.partner", "copy", l(l(int64(36))), nil); pyReprValue(got) == "" || strings.HasPrefix(pyReprValue(got), "[") {
		t.Errorf("17 copy = %s, want an int", pyReprValue(got))
	}
	if code, msg := c.fault("res.partner", "has_access", l(l(int64(3)), "read"), nil); code != 1 || msg != "AttributeError: The method 'has_access' does not exist on the model 'res.partner'" {
		t.Errorf("17 has_access = %d %q", code, msg)
	}
	fg := c.ok("sale.order", "fields_get", l(l("amount_total")), nil)
	at, _ := fg.(dict).get("amount_total")
	if g, _ := at.(dict).get("group_operator"); g != "sum" {
		t.Errorf("17 fields_get group_operator = %v", g)
	}
	if code, msg := newClient(t, New(WithVersion(16))).fault("res.partner", "search", l(l(l("child_ids", "any", l()))), nil); code != 1 || !strings.HasPrefix(msg, "ValueError: Invalid leaf") {
		t.Errorf("16 any = %d %q", code, msg)
	}
}

// TestJSON2Garbage checks that FailGarbage on a JSON-2 route answers
// JSON cut short, as a reply truncated on the way would be.
func TestJSON2Garbage(t *testing.T) {
	s := New(WithVersion(19))
	s.FailNext(1, FailGarbage)
	rec := post(s.Handler(), "/json/2/res.partner/search_read", "application/json", []byte(`{"domain": []}`), "Authorization", "bearer "+AdminAPIKey)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
		t.Fatalf("garbage: status %d, Content-Type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var v any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err == nil {
		t.Errorf("garbage reply is valid JSON: %s", rec.Body.String())
	}
	if !strings.HasPrefix(rec.Body.String(), "[{") {
		t.Errorf("garbage reply %q does not start as a JSON-2 reply", rec.Body.String())
	}
	again := post(s.Handler(), "/json/2/res.partner/search_count", "application/json", []byte(`{"domain": []}`), "Authorization", "bearer "+AdminAPIKey)
	if again.Code != 200 || json.Unmarshal(again.Body.Bytes(), &v) != nil {
		t.Errorf("the call after the garbage: %d %s", again.Code, again.Body.String())
	}
}
