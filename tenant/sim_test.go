package tenant

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// simHarness is a tenant over the simulator, driven by the in-process
// MCP client.
type simHarness struct {
	*harness
	sim *odootest.Server
	// odooKey is the API key Odoo takes for the admin in JSON-2 mode,
	// so that setOdooSecret can revoke it when it gives another.
	odooKey string
}

// simProtocol is the protocol the simulator-backed tests speak to Odoo,
// from ODOO_TEST_PROTOCOL: "xmlrpc" (the default) against an Odoo 18
// simulator, or "json2" against an Odoo 19 one with the admin's API key.
// CI runs the package once in each mode. The variable is read while a
// test runs, not at package init, so the test cache records it and a run
// in one mode is never replayed as the other.
func simProtocol() string {
	switch p := os.Getenv("ODOO_TEST_PROTOCOL"); p {
	case "", "xmlrpc":
		return "xmlrpc"
	case "json2":
		return "json2"
	default:
		panic(fmt.Sprintf("ODOO_TEST_PROTOCOL=%q: want xmlrpc or json2", p))
	}
}

// json2Mode says whether the tests run over JSON-2 (Odoo 19).
func json2Mode() bool { return simProtocol() == "json2" }

// simVersion is the Odoo version the simulator reports in this mode.
func simVersion() string {
	if json2Mode() {
		return "19.0"
	}
	return "18.0"
}

func startSim(t testing.TB) *odootest.Server {
	t.Helper()
	var opts []odootest.Option
	if json2Mode() {
		opts = append(opts, odootest.WithVersion(19))
	}
	sim := odootest.New(opts...)
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	return sim
}

func simConfig(sim *odootest.Server) Config {
	cfg := Config{
		Name: "acme", URL: sim.URL(), DB: "odoo_test", Username: "admin",
		Password: odoo.NewSecret("admin"), Protocol: simProtocol(), Timeout: 10 * time.Second,
		ConfirmWrites: "off",
	}
	if json2Mode() {
		cfg.APIKey = odoo.NewSecret(odootest.AdminAPIKey)
	}
	return cfg
}

func newSimHarness(t testing.TB, mutate func(*Config), opts ...harnessOpt) *simHarness {
	t.Helper()
	sim := startSim(t)
	cfg := simConfig(sim)
	if mutate != nil {
		mutate(&cfg)
	}
	h := newHarnessWith(t, cfg, newOdooClient, opts...)
	return &simHarness{harness: h, sim: sim, odooKey: odootest.AdminAPIKey}
}

// Tests name a user's credentials by a word, which is the password over
// XML-RPC and stands for an API key over JSON-2, where the bearer key is
// the only credential Odoo checks.

// simAPIKey is the API key a credential word stands for: the simulator's
// own keys for "admin" and "demo", a key derived from the word otherwise.
func simAPIKey(word string) string {
	switch word {
	case "admin":
		return odootest.AdminAPIKey
	case "demo":
		return odootest.DemoAPIKey
	}
	sum := sha1.Sum([]byte(word))
	return hex.EncodeToString(sum[:])
}

// setCredentials makes cfg sign in as login with the credential word.
func setCredentials(cfg *Config, login, word string) {
	cfg.Username, cfg.Password = login, odoo.NewSecret(word)
	if json2Mode() {
		cfg.APIKey = odoo.NewSecret(simAPIKey(word))
	}
}

// setOdooSecret changes the admin's credential in Odoo to word: the
// password, and over JSON-2 the API key, the previous one revoked.
func (s *simHarness) setOdooSecret(word string) {
	s.t.Helper()
	s.sim.SetPassword("admin", word)
	if !json2Mode() {
		return
	}
	s.sim.RevokeAPIKey(s.odooKey)
	s.odooKey = simAPIKey(word)
	if err := s.sim.AddAPIKey("admin", s.odooKey); err != nil {
		s.t.Fatal(err)
	}
}

// secretForms are the strings a credential word may appear as in output.
func secretForms(word string) []string {
	return []string{word, simAPIKey(word)}
}

func (s *simHarness) count(key string) int { return s.sim.Calls().Count(key) }

// simAdmin is a client of the simulator's admin, beside the tenant, for
// setting up data the tools refuse to write or that a test must not see
// audited.
func simAdmin(t testing.TB, sim *odootest.Server) *odoo.Client {
	t.Helper()
	cfg := odoo.Config{URL: sim.URL(), DB: odootest.DB, Username: "admin", Password: odoo.NewSecret("admin"), Protocol: simProtocol(), Timeout: 10 * time.Second}
	if json2Mode() {
		cfg.APIKey = odoo.NewSecret(odootest.AdminAPIKey)
	}
	c, err := odoo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// simPartner creates a partner nothing refers to, so it can be deleted.
func simPartner(t testing.TB, sim *odootest.Server, name string) int64 {
	t.Helper()
	id, err := simAdmin(t, sim).Create(context.Background(), "res.partner", map[string]any{"name": name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func records(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	l, ok := m[key].([]any)
	if !ok {
		t.Fatalf("answer has no %s list: %v", key, m)
	}
	out := make([]map[string]any, len(l))
	for i, e := range l {
		out[i], _ = e.(map[string]any)
	}
	return out
}

func TestSimEveryTool(t *testing.T) {
	s := newSimHarness(t, func(c *Config) { c.Methods = []string{"action_confirm"} })

	t.Run("odoo_server_info", func(t *testing.T) {
		info := s.ok("odoo_server_info", nil)
		if info["odoo_version"] != simVersion() || info["user"] != "Mitchell Admin" || info["database"] != "odoo_test" || info["tz"] != "Europe/Brussels" {
			t.Errorf("odoo_server_info = %v", info)
		}
		if c, _ := info["company"].(string); c == "" {
			t.Errorf("odoo_server_info has no company: %v", info)
		}
	})
	t.Run("list_models", func(t *testing.T) {
		res := s.ok("list_models", map[string]any{"filter": "partner"})
		var names []string
		for _, m := range records(t, res, "models") {
			names = append(names, m["model"].(string))
		}
		if !slices.Contains(names, "res.partner") {
			t.Errorf("list_models(partner) = %v", names)
		}
	})
	t.Run("get_model_fields", func(t *testing.T) {
		res := s.ok("get_model_fields", map[string]any{"model": "res.partner", "fields": []any{"name", "country_id"}})
		fs := res["fields"].(map[string]any)
		if len(fs) != 2 || fs["country_id"].(map[string]any)["relation"] != "res.country" {
			t.Errorf("get_model_fields = %v", res)
		}
		withHelp := s.ok("get_model_fields", map[string]any{"model": "res.partner", "fields": []any{"email"}, "attributes": []any{"type", "help"}})
		if e := withHelp["fields"].(map[string]any)["email"].(map[string]any); e["type"] != "char" {
			t.Errorf("get_model_fields with attributes = %v", withHelp)
		}
		s.fails("get_model_fields", map[string]any{"model": "res.partner", "attributes": []any{"sql"}}, "attributes[0]")
		all := s.ok("get_model_fields", map[string]any{"model": "res.users"})
		for k := range all["fields"].(map[string]any) {
			if isSecretField(k) {
				t.Errorf("get_model_fields lists secret field %s", k)
			}
		}
	})
	t.Run("search_records", func(t *testing.T) {
		res := s.ok("search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"is_company", "=", true}}, "fields": []any{"name", "country_id", "email", "image_128"}, "limit": 2, "order": "name asc"})
		recs := records(t, res, "records")
		if len(recs) != 2 || res["next_offset"] != float64(2) || res["total"].(float64) <= 2 {
			t.Fatalf("search_records page = %v", res)
		}
		if c, ok := recs[0]["country_id"].(map[string]any); !ok || c["id"] == nil || c["name"] == nil {
			t.Errorf("many2one not shaped as {id, name}: %v", recs[0])
		}
		if _, ok := recs[0]["image_128"]; !ok {
			t.Errorf("a binary field named by the caller is missing: %v", recs[0])
		}
		next := s.ok("search_records", map[string]any{"model": "res.partner", "domain": []any{map[string]any{"field": "is_company", "operator": "=", "value": true}}, "fields": []any{"name"}, "limit": 2, "offset": 2, "order": "name asc"})
		if n := records(t, next, "records"); len(n) == 0 || n[0]["name"] == recs[0]["name"] {
			t.Errorf("second page = %v", next)
		}
		dflt := s.ok("search_records", map[string]any{"model": "res.partner", "limit": 3})
		for _, r := range records(t, dflt, "records") {
			if _, ok := r["image_128"]; ok || r["name"] == nil {
				t.Errorf("default fields: %v", r)
			}
		}
	})
	t.Run("read_records", func(t *testing.T) {
		res := s.ok("read_records", map[string]any{"model": "res.partner", "ids": []any{3, 999999}, "fields": []any{"name", "email", "parent_id"}})
		recs := records(t, res, "records")
		if len(recs) != 1 || recs[0]["name"] != "Mitchell Admin" {
			t.Fatalf("read_records = %v", res)
		}
		if v, ok := recs[0]["parent_id"]; !ok || v != nil {
			t.Errorf("empty many2one = %v, want null", v)
		}
		if m := res["missing_ids"].([]any); len(m) != 1 || m[0] != float64(999999) {
			t.Errorf("missing_ids = %v", res["missing_ids"])
		}
	})
	t.Run("count_records", func(t *testing.T) {
		all := s.ok("count_records", map[string]any{"model": "res.partner"})
		companies := s.ok("count_records", map[string]any{"model": "res.partner", "domain": `[["is_company", "=", true]]`})
		if all["count"].(float64) <= companies["count"].(float64) || companies["count"].(float64) == 0 {
			t.Errorf("count_records all=%v companies=%v", all, companies)
		}
		archived := s.ok("count_records", map[string]any{"model": "res.partner", "context": map[string]any{"active_test": false}})
		if archived["count"].(float64) < all["count"].(float64) {
			t.Errorf("active_test=false counts %v, fewer than %v", archived, all)
		}
	})
	t.Run("name_search", func(t *testing.T) {
		res := s.ok("name_search", map[string]any{"model": "res.partner", "text": "Azure", "limit": 5})
		m := records(t, res, "matches")
		if len(m) == 0 || !strings.Contains(m[0]["name"].(string), "Azure") {
			t.Errorf("name_search = %v", res)
		}
	})
	t.Run("aggregate_records", func(t *testing.T) {
		res := s.ok("aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"partner_id"}, "aggregates": []any{"amount_total:sum"}, "order": "amount_total desc", "limit": 5})
		g := records(t, res, "groups")
		if len(g) == 0 {
			t.Fatalf("aggregate_records = %v", res)
		}
		if _, ok := g[0]["partner_id"].(map[string]any); !ok || g[0]["count"] == nil || g[0]["amount_total"] == nil {
			t.Errorf("group row = %v", g[0])
		}
	})
	t.Run("create_update_delete", func(t *testing.T) {
		c := s.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Tenant Test Co", "is_company": true}})
		id := c["id"]
		s.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{id}, "values": map[string]any{"email": "hello@tenant-test.example"}})
		r := records(t, s.ok("read_records", map[string]any{"model": "res.partner", "ids": []any{id}, "fields": []any{"email"}}), "records")
		if len(r) != 1 || r[0]["email"] != "hello@tenant-test.example" {
			t.Errorf("read after write = %v", r)
		}
		s.ok("delete_records", map[string]any{"model": "res.partner", "ids": []any{id}})
		if gone := s.ok("read_records", map[string]any{"model": "res.partner", "ids": []any{id}}); len(records(t, gone, "records")) != 0 {
			t.Errorf("record still there after delete: %v", gone)
		}
	})
	t.Run("deep_read", func(t *testing.T) {
		so := records(t, s.ok("search_records", map[string]any{"model": "sale.order", "fields": []any{"name"}, "limit": 1}), "records")
		res := s.ok("deep_read", map[string]any{"model": "sale.order", "id": so[0]["id"], "relations": []any{"partner_id", "order_line", "order_line.product_id"}})
		rec := res["record"].(map[string]any)
		if p, ok := rec["partner_id"].(map[string]any); !ok || p["name"] == nil {
			t.Errorf("deep_read partner = %v", rec["partner_id"])
		}
		lines, ok := rec["order_line"].([]any)
		if !ok || len(lines) == 0 {
			t.Fatalf("deep_read order_line = %v", rec["order_line"])
		}
		if p, ok := lines[0].(map[string]any)["product_id"].(map[string]any); !ok || p["name"] == nil {
			t.Errorf("deep_read order_line.product_id = %v", lines[0])
		}
	})
	t.Run("deep_read depth", func(t *testing.T) {
		// levels counts how deep the answer nests records (maps with more
		// than id and name).
		var levels func(v any) int
		levels = func(v any) int {
			best := 0
			switch x := v.(type) {
			case map[string]any:
				for _, e := range x {
					best = max(best, levels(e))
				}
				if len(x) > 2 {
					best++
				}
			case []any:
				for _, e := range x {
					best = max(best, levels(e))
				}
			}
			return best
		}
		one := s.ok("deep_read", map[string]any{"model": "sale.order", "id": 1})["record"]
		two := s.ok("deep_read", map[string]any{"model": "sale.order", "id": 1, "depth": 2})["record"]
		if levels(one) != 2 || levels(two) != 3 {
			t.Errorf("deep_read nests %d levels at depth 1 and %d at depth 2, want 2 and 3", levels(one), levels(two))
		}
	})
	t.Run("post_message", func(t *testing.T) {
		before := s.count("res.partner.message_post")
		res := s.ok("post_message", map[string]any{"model": "res.partner", "id": 3, "body": "Called about the renewal.", "message_type": "note"})
		if res["posted"] != "note" || s.count("res.partner.message_post") != before+1 {
			t.Errorf("post_message = %v", res)
		}
	})
	t.Run("execute_method", func(t *testing.T) {
		res := s.ok("execute_method", map[string]any{"model": "res.partner", "method": "search_read", "args_json": `[[["is_company", "=", true]]]`, "kwargs_json": `{"fields": ["name"], "limit": 2}`})
		if l, ok := res["result"].([]any); !ok || len(l) != 2 {
			t.Errorf("execute_method search_read (json) = %v", res)
		}
		res = s.ok("execute_method", map[string]any{"model": "res.partner", "method": "search_count", "args": []any{[]any{}}})
		if n, ok := res["result"].(float64); !ok || n == 0 {
			t.Errorf("execute_method search_count (native) = %v", res)
		}
		draft := records(t, s.ok("search_records", map[string]any{"model": "sale.order", "domain": []any{[]any{"state", "in", []any{"draft", "sent"}}}, "fields": []any{"name"}, "limit": 1}), "records")
		if len(draft) == 1 {
			s.ok("execute_method", map[string]any{"model": "sale.order", "method": "action_confirm", "args": []any{[]any{draft[0]["id"]}}})
			after := records(t, s.ok("read_records", map[string]any{"model": "sale.order", "ids": []any{draft[0]["id"]}, "fields": []any{"state"}}), "records")
			if after[0]["state"] != "sale" {
				t.Errorf("after action_confirm state = %v", after[0]["state"])
			}
		}
	})
	t.Run("batch_execute", func(t *testing.T) {
		res := s.ok("batch_execute", map[string]any{"operations": []any{
			map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{3}, map[string]any{"phone": "+32 2 555 01 01"}}},
			map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{999999}, map[string]any{"phone": "x"}}},
			map[string]any{"model": "res.partner", "method": "read", "args": []any{[]any{3}, []any{"phone"}}},
		}})
		if res["ran"] != float64(2) || res["failed"] != float64(1) || !strings.Contains(res["note"].(string), "committed") {
			t.Errorf("batch_execute stop_on_error = %v", res)
		}
		res = s.ok("batch_execute", map[string]any{"stop_on_error": false, "operations": []any{
			map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{999999}, map[string]any{"phone": "x"}}},
			map[string]any{"model": "res.partner", "method": "read", "args": []any{[]any{3}, []any{"phone"}}},
		}})
		results := records(t, res, "results")
		if len(results) != 2 || results[1]["ok"] != true || !strings.Contains(results[0]["error"].(string), "Missing") {
			t.Errorf("batch_execute without stop = %v", res)
		}
		before := s.count("res.partner.write")
		s.fails("batch_execute", map[string]any{"operations": []any{
			map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{3}, map[string]any{"phone": "y"}}},
			map[string]any{"model": "res.partner", "method": "sudo"},
		}}, "nothing was run")
		if s.count("res.partner.write") != before {
			t.Error("batch_execute ran an operation although a later one was refused")
		}
	})
	t.Run("validate_before_execute", func(t *testing.T) {
		res := s.ok("validate_before_execute", map[string]any{"model": "res.partner", "method": "create", "values": map[string]any{"name": "X", "no_such_field": 1, "is_company": "yes"}})
		probs := strings.Join(anyStrings(res["problems"]), " | ")
		if res["ok"] != false || !strings.Contains(probs, "no_such_field") || !strings.Contains(probs, "is_company") {
			t.Errorf("validate_before_execute = %v", res)
		}
		good := s.ok("validate_before_execute", map[string]any{"model": "res.partner", "method": "write", "ids": []any{3}, "values": map[string]any{"phone": "1"}})
		if good["ok"] != true {
			t.Errorf("validate_before_execute (good) = %v", good)
		}
	})
	t.Run("search_employee", func(t *testing.T) {
		res := s.ok("search_employee", map[string]any{"name": "Mitchell"})
		if e := records(t, res, "employees"); len(e) == 0 || !strings.Contains(e[0]["name"].(string), "Mitchell") {
			t.Errorf("search_employee = %v", res)
		}
	})
	t.Run("search_holidays", func(t *testing.T) {
		res := s.ok("search_holidays", map[string]any{"start_date": "2000-01-01", "end_date": "2100-12-31"})
		l := records(t, res, "leaves")
		if len(l) == 0 {
			t.Fatalf("search_holidays = %v", res)
		}
		emp := l[0]["employee_id"].(map[string]any)["id"]
		one := s.ok("search_holidays", map[string]any{"start_date": "2000-01-01", "end_date": "2100-12-31", "employee_id": emp})
		for _, r := range records(t, one, "leaves") {
			if r["employee_id"].(map[string]any)["id"] != emp {
				t.Errorf("search_holidays for %v returned %v", emp, r)
			}
		}
	})
}

func anyStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

func TestSimGuardRails(t *testing.T) {
	t.Run("read-only lists no write tools", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.ReadOnly = true })
		for _, w := range []string{"create_record", "update_records", "delete_records", "post_message", "validate_before_execute"} {
			if slices.Contains(s.toolNames(), w) {
				t.Errorf("read-only tenant lists %s", w)
			}
		}
		s.fails("execute_method", map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{3}, map[string]any{"name": "x"}}}, "read-only")
		s.fails("batch_execute", map[string]any{"operations": []any{map[string]any{"model": "res.partner", "method": "unlink", "args": []any{[]any{3}}}}}, "read-only")
		s.ok("execute_method", map[string]any{"model": "res.partner", "method": "read", "args": []any{[]any{3}, []any{"name"}}})
		if s.count("res.partner.write")+s.count("res.partner.unlink") != 0 {
			t.Error("a write reached Odoo on a read-only tenant")
		}
	})
	t.Run("denied model refused everywhere", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.Models = []string{"!hr.*", "!res.country"} })
		for _, c := range []struct {
			tool string
			args map[string]any
		}{
			{"search_records", map[string]any{"model": "hr.employee"}},
			{"read_records", map[string]any{"model": "hr.employee", "ids": []any{1}}},
			{"count_records", map[string]any{"model": "hr.employee"}},
			{"get_model_fields", map[string]any{"model": "hr.employee"}},
			{"name_search", map[string]any{"model": "hr.employee", "text": "a"}},
			{"aggregate_records", map[string]any{"model": "hr.employee", "groupby": []any{"department_id"}}},
			{"create_record", map[string]any{"model": "hr.employee", "values": map[string]any{"name": "x"}}},
			{"update_records", map[string]any{"model": "hr.employee", "ids": []any{1}, "values": map[string]any{"name": "x"}}},
			{"delete_records", map[string]any{"model": "hr.employee", "ids": []any{1}}},
			{"deep_read", map[string]any{"model": "hr.employee", "id": 1}},
			{"deep_read", map[string]any{"model": "res.partner", "id": 3, "relations": []any{"country_id"}}},
			{"search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"country_id.code", "=", "US"}}}},
			{"post_message", map[string]any{"model": "hr.employee", "id": 1, "body": "x"}},
			{"execute_method", map[string]any{"model": "hr.employee", "method": "search_read", "args": []any{[]any{}}}},
			{"batch_execute", map[string]any{"operations": []any{map[string]any{"model": "hr.employee", "method": "read", "args": []any{[]any{1}}}}}},
			{"search_employee", map[string]any{"name": "Mitchell"}},
			{"search_holidays", map[string]any{"start_date": "2020-01-01", "end_date": "2020-12-31"}},
		} {
			s.fails(c.tool, c.args, "not available on this tenant")
		}
		for _, m := range records(t, s.ok("list_models", map[string]any{"limit": 100000}), "models") {
			if strings.HasPrefix(m["model"].(string), "hr.") {
				t.Errorf("list_models shows denied model %v", m["model"])
			}
		}
		if _, err := s.readResource("odoo://model/hr.employee"); err == nil || !strings.Contains(err.Error(), "not available") {
			t.Errorf("resource on a denied model: %v", err)
		}
		calls := s.sim.Calls()
		for k, n := range calls.Calls {
			if strings.HasPrefix(k, "hr.") && !strings.HasSuffix(k, ".fields_get") {
				t.Errorf("denied model reached Odoo: %s x%d", k, n)
			}
		}
	})
	t.Run("private and blocked methods", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.Methods = []string{"*"} })
		for _, m := range []string{"_compute_display_name", "_foo", "sudo", "with_user", "with_env", "_sql_query"} {
			s.fails("execute_method", map[string]any{"model": "res.partner", "method": m}, "refused")
			if n := s.count("res.partner." + m); n != 0 {
				t.Errorf("%s reached Odoo", m)
			}
		}
		s.fails("execute_method", map[string]any{"model": "ir.cron", "method": "method_direct_trigger", "args": []any{[]any{1}}}, "scheduled actions")
		s.fails("execute_method", map[string]any{"model": "ir.actions.server", "method": "run", "args": []any{[]any{1}}}, "server actions")
	})
	t.Run("secrets and deny lists", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.DenyFields = map[string][]string{"res.partner": {"phone"}} })
		res := s.ok("read_records", map[string]any{"model": "res.users", "ids": []any{2}})
		for k := range records(t, res, "records")[0] {
			if isSecretField(k) {
				t.Errorf("read_records returned secret field %s", k)
			}
		}
		s.fails("read_records", map[string]any{"model": "res.partner", "ids": []any{3}, "fields": []any{"phone"}}, "hidden")
		out := s.ok("execute_method", map[string]any{"model": "res.partner", "method": "read", "args": []any{[]any{3}}})
		if strings.Contains(mustJSON(t, out), "\"phone\"") {
			t.Error("execute_method read returned a denied field")
		}
	})
	t.Run("max_records and max_response_bytes", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.MaxRecords = 3; c.MaxResponseBytes = 2000 })
		res := s.ok("search_records", map[string]any{"model": "res.partner", "limit": 50})
		if len(records(t, res, "records")) != 3 || !strings.Contains(res["note"].(string), "max_records") || res["next_offset"] != float64(3) {
			t.Errorf("max_records: %v", res)
		}
		big := s.ok("search_records", map[string]any{"model": "res.partner", "fields": []any{"name", "email", "street", "city", "comment", "website", "phone"}, "limit": 3})
		if len(mustJSON(t, big)) > 2000 {
			t.Errorf("answer is %d bytes, over max_response_bytes", len(mustJSON(t, big)))
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSimBadArguments(t *testing.T) {
	s := newSimHarness(t, nil)
	// Warm the caches so the counts below show only what each call sent.
	s.ok("count_records", map[string]any{"model": "res.partner"})
	// Odoo 19 (the JSON-2 mode) groups with formatted_read_group.
	readGroup := "sale.order.read_group"
	if json2Mode() {
		readGroup = "sale.order.formatted_read_group"
	}
	cases := []struct {
		name, tool string
		args       map[string]any
		want       string
		notCalled  string
	}{
		{"missing model", "search_records", map[string]any{}, "model: is required", "res.partner.search_read"},
		{"model not a string", "search_records", map[string]any{"model": 7}, "must be a string", "res.partner.search_read"},
		{"unknown model", "search_records", map[string]any{"model": "no.such.model"}, "does not exist on this Odoo", "no.such.model.search_read"},
		{"model with bad characters", "count_records", map[string]any{"model": "res.partner; drop"}, "not a model name", ""},
		{"domain not a list", "search_records", map[string]any{"model": "res.partner", "domain": 5}, "must be a list", "res.partner.search_read"},
		{"domain bare string", "search_records", map[string]any{"model": "res.partner", "domain": "name"}, "not valid JSON", "res.partner.search_read"},
		{"domain bad operator", "search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"name", "bogus", "x"}}}, "domain[0][1]: unknown operator", "res.partner.search_read"},
		{"domain unknown field", "count_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"name", "=", "a"}, []any{"no_such_field", "=", 1}}}, "domain[1][0]: field \"no_such_field\" does not exist", "res.partner.search_count"},
		{"domain short leaf", "search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"name", "="}}}, "3 elements", "res.partner.search_read"},
		{"domain dangling or", "search_records", map[string]any{"model": "res.partner", "domain": []any{"|", []any{"name", "=", "a"}}}, "ends before", "res.partner.search_read"},
		{"domain object bad key", "search_records", map[string]any{"model": "res.partner", "domain": []any{map[string]any{"field": "name", "op": "=", "value": "a"}}}, "domain[0]: unexpected key", "res.partner.search_read"},
		{"negative limit", "search_records", map[string]any{"model": "res.partner", "limit": -1}, "limit: must be between", "res.partner.search_read"},
		{"zero limit", "search_records", map[string]any{"model": "res.partner", "limit": 0}, "limit: must be between", "res.partner.search_read"},
		{"huge limit", "search_records", map[string]any{"model": "res.partner", "limit": 1e12}, "limit: must be between", "res.partner.search_read"},
		{"fractional limit", "search_records", map[string]any{"model": "res.partner", "limit": 2.5}, "must be an integer", "res.partner.search_read"},
		{"negative offset", "search_records", map[string]any{"model": "res.partner", "offset": -5}, "offset", "res.partner.search_read"},
		{"bad order", "search_records", map[string]any{"model": "res.partner", "order": "name; delete"}, "order", "res.partner.search_read"},
		{"unknown field", "search_records", map[string]any{"model": "res.partner", "fields": []any{"nme"}}, "field \"nme\" does not exist", "res.partner.search_read"},
		{"ids not integers", "read_records", map[string]any{"model": "res.partner", "ids": []any{"3"}}, "ids[0]: must be a positive integer", "res.partner.read"},
		{"ids fractional", "read_records", map[string]any{"model": "res.partner", "ids": []any{1.5}}, "ids[0]", "res.partner.read"},
		{"ids missing", "read_records", map[string]any{"model": "res.partner"}, "ids: is required", "res.partner.read"},
		{"ids not a list", "delete_records", map[string]any{"model": "res.partner", "ids": "all"}, "must be a list of record ids", "res.partner.unlink"},
		{"values not an object", "create_record", map[string]any{"model": "res.partner", "values": []any{"x"}}, "values: must be an object", "res.partner.create"},
		{"values unknown field", "create_record", map[string]any{"model": "res.partner", "values": map[string]any{"nmae": "x"}}, "values.nmae", "res.partner.create"},
		{"context bad key", "search_records", map[string]any{"model": "res.partner", "context": map[string]any{"uid": 1}}, "context.uid: is not allowed", "res.partner.search_read"},
		{"bad groupby", "aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"no_field"}}, "groupby[0]", readGroup},
		{"bad aggregate", "aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"partner_id"}, "aggregates": []any{"amount_total:median"}}, "aggregates[0]", readGroup},
		{"args_json not JSON", "execute_method", map[string]any{"model": "res.partner", "method": "read", "args_json": "[[3"}, "args_json: is not valid JSON", "res.partner.read"},
		{"args and args_json", "execute_method", map[string]any{"model": "res.partner", "method": "read", "args": []any{}, "args_json": "[]"}, "not both", "res.partner.read"},
		{"kwargs context", "execute_method", map[string]any{"model": "res.partner", "method": "read", "kwargs": map[string]any{"context": map[string]any{"uid": 1}}}, "kwargs.context", "res.partner.read"},
		{"bad date", "search_holidays", map[string]any{"start_date": "01/02/2026", "end_date": "2026-02-01"}, "start_date: must be a date", "hr.leave.search_read"},
		{"dates reversed", "search_holidays", map[string]any{"start_date": "2026-02-01", "end_date": "2026-01-01"}, "before start_date", "hr.leave.search_read"},
		{"arguments not an object", "count_records", nil, "model: is required", "res.partner.search_count"},
		{"deep_read bad relation", "deep_read", map[string]any{"model": "res.partner", "id": 3, "relations": []any{"name"}}, "not a relation", "res.partner.read"},
		{"batch empty", "batch_execute", map[string]any{"operations": []any{}}, "1 to 50", ""},
		{"unknown argument", "search_records", map[string]any{"modle": "res.partner"}, "modle: is not an argument of search_records", ""},
		{"post bad type", "post_message", map[string]any{"model": "res.partner", "id": 3, "body": "x", "message_type": "email"}, "message_type", "res.partner.message_post"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := 0
			if c.notCalled != "" {
				before = s.count(c.notCalled)
			}
			s.fails(c.tool, c.args, c.want)
			if c.notCalled != "" && s.count(c.notCalled) != before {
				t.Errorf("%s reached Odoo for invalid input", c.notCalled)
			}
		})
	}
}

func TestSimErrorMapping(t *testing.T) {
	t.Run("fault 1 server error", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.Methods = []string{"no_such_method"} })
		text := s.fails("execute_method", map[string]any{"model": "res.partner", "method": "no_such_method"}, "Odoo AttributeError")
		if strings.Contains(text, "Traceback") || strings.Contains(text, "File \"") {
			t.Errorf("traceback leaked: %q", text)
		}
	})
	t.Run("fault 2 missing and validation", func(t *testing.T) {
		s := newSimHarness(t, nil)
		s.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{999999}, "values": map[string]any{"name": "x"}}, "Record does not exist")
		// XML-RPC's fault 2 names no class, JSON-2's body does.
		class := "UserError"
		if json2Mode() {
			class = "ValidationError"
		}
		s.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{1}, "values": map[string]any{"parent_id": 1}}, "Odoo "+class+" (write res.partner): You cannot create recursive")
		s.fails("delete_records", map[string]any{"model": "res.users", "ids": []any{2}}, "You cannot delete the admin user")
		s.fails("create_record", map[string]any{"model": "res.users", "values": map[string]any{"name": "No Login"}}, "a mandatory field is not set")
	})
	t.Run("fault 3 access denied", func(t *testing.T) {
		// A refused call holds for a reload with new credentials; the
		// test's clock runs that hold out instead of waiting it in real time.
		fc := newFakeClock()
		s := newSimHarness(t, nil, withClock(fc.clock()))
		s.setOdooSecret("changed")
		answers := s.background("count_records", map[string]any{"model": "res.partner", "context": map[string]any{"lang": "en_US"}})
		fc.advance(fc.held(t, answers))
		if a := wait(t, answers); !a.isErr || !strings.Contains(a.text, "AccessDenied") {
			t.Errorf("count_records with refused credentials = %q (error %v), want a tool error mentioning AccessDenied", a.text, a.isErr)
		}
		if st := s.tn.Stats(); st.State != "degraded" {
			t.Errorf("state after AccessDenied = %q, want degraded", st.State)
		}
	})
	t.Run("fault 4 access error", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { setCredentials(c, "demo", "demo") })
		s.fails("search_records", map[string]any{"model": "hr.employee"}, "Odoo AccessError")
	})
	t.Run("transport", func(t *testing.T) {
		s := newSimHarness(t, nil)
		s.ok("count_records", map[string]any{"model": "res.partner"})
		s.sim.SetDown(true)
		s.fails("count_records", map[string]any{"model": "res.partner"}, "could not be reached")
		s.sim.SetDown(false)
		s.sim.FailNext(3, odootest.FailProxy502)
		s.fails("count_records", map[string]any{"model": "res.partner"}, "Odoo")
	})
	t.Run("protocol unreadable reply", func(t *testing.T) {
		s := newSimHarness(t, nil)
		s.ok("count_records", map[string]any{"model": "res.partner"})
		s.sim.FailNext(3, odootest.FailGarbage)
		want := "malformed XML-RPC reply"
		if json2Mode() {
			want = "malformed JSON reply"
		}
		text := s.fails("count_records", map[string]any{"model": "res.partner"}, "the Odoo call failed (search_count res.partner): "+want)
		if strings.Contains(text, "refused") {
			t.Errorf("an unreadable reply is described as a refusal: %q", text)
		}
	})
	t.Run("protocol refused by a proxy", func(t *testing.T) {
		s := newSimHarness(t, nil)
		s.ok("count_records", map[string]any{"model": "res.partner"})
		before := s.count("res.partner.search_count")
		s.sim.FailNext(1, odootest.FailProxy403)
		path := "/xmlrpc/2/object"
		if json2Mode() {
			path = "/json/2/res.partner/search_count"
		}
		text := s.fails("count_records", map[string]any{"model": "res.partner"}, "refused at the HTTP level (HTTP 403, by Odoo or a proxy in front of it) (search_count res.partner): HTTP 403 Forbidden from POST "+path)
		if !strings.Contains(text, `"403 Forbidden"`) || strings.Contains(text, "could not be read") || strings.Contains(text, "<html") {
			t.Errorf("proxy refusal = %q, want the page's title and no HTML", text)
		}
		if s.count("res.partner.search_count") != before {
			t.Error("the refused request reached Odoo")
		}
		s.ok("count_records", map[string]any{"model": "res.partner"})
	})
	t.Run("protocol request not sent", func(t *testing.T) {
		sim := odootest.New(odootest.WithVersion(19))
		if err := sim.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sim.Close)
		cfg := simConfig(sim)
		cfg.Protocol, cfg.APIKey, cfg.Methods = "json2", odoo.NewSecret(odootest.AdminAPIKey), []string{"action_confirm"}
		h := newHarnessWith(t, cfg, newOdooClient)
		// JSON-2 takes named arguments only, and action_confirm's second
		// positional argument has no name the client knows.
		text := h.fails("execute_method", map[string]any{"model": "sale.order", "method": "action_confirm", "args": []any{[]any{1}, "x"}},
			"the Odoo call failed (action_confirm sale.order): JSON-2 takes named arguments only")
		if strings.Contains(text, "could not be read") || strings.Contains(text, "refused") {
			t.Errorf("a request the client would not send = %q", text)
		}
		if n := sim.Calls().Count("sale.order.action_confirm"); n != 0 {
			t.Errorf("action_confirm reached Odoo %d times", n)
		}
	})
	t.Run("no secret in output", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { setCredentials(c, "admin", "wrong-secret-pw") })
		text := s.fails("odoo_server_info", nil, "AccessDenied")
		res, _ := s.tn.Check(context.Background())
		if res.OK {
			t.Errorf("Check = %+v", res)
		}
		for _, secret := range secretForms("wrong-secret-pw") {
			if strings.Contains(text+s.logs.String()+s.audits.String()+res.Error, secret) {
				t.Error("the credential reached a tool answer, a log line or Check")
			}
		}
	})
}

func TestSimResources(t *testing.T) {
	s := newSimHarness(t, nil)
	dom := url.QueryEscape(`[["is_company","=",true]]`)
	for _, c := range []struct{ uri, want string }{
		{"odoo://server/info", `"odoo_version":"` + simVersion() + `"`},
		{"odoo://models", "res.partner"},
		{"odoo://model/res.partner", "main_fields"},
		{"odoo://model/res.partner/schema", "country_id"},
		{"odoo://model/res.partner/access", "odoo_user"},
		{"odoo://fields/res.partner", "country_id"},
		{"odoo://methods/sale.order", "search_read"},
		{"odoo://record/res.partner/3", "Mitchell Admin"},
		{"odoo://search/res.partner/" + dom, "Azure Interior"},
		{"odoo://workflows", "workflows"},
	} {
		text, err := s.readResource(c.uri)
		if err != nil {
			t.Errorf("read %s: %v", c.uri, err)
			continue
		}
		if !strings.Contains(text, c.want) {
			t.Errorf("read %s = %.300s, want it to contain %q", c.uri, text, c.want)
		}
	}
	if _, err := s.readResource("odoo://model/no.such.model"); err == nil {
		t.Error("an unknown model's resource was served")
	}
	res, err := s.cl.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	if err != nil || len(res.ResourceTemplates) != 7 {
		t.Errorf("resource templates = %v, %v", res, err)
	}
}

func TestSimPrompts(t *testing.T) {
	s := newSimHarness(t, nil)
	for _, c := range []struct {
		name string
		args map[string]string
		want string
	}{
		{"search-customers", map[string]string{"query": "Fremont"}, "search_records"},
		{"create-sales-order", map[string]string{"customer": "Azure Interior", "products": "2 x Desk"}, "action_confirm"},
		{"odoo-exploration", map[string]string{"model": "sale.order"}, "odoo_server_info"},
		{"overdue-invoices", map[string]string{"as_of": "2026-11-01"}, "amount_residual"},
		{"sales-summary", map[string]string{"start_date": "2026-01-01", "end_date": "2026-03-31"}, "aggregate_records"},
		{"lead-pipeline", nil, "crm.lead"},
	} {
		req := mcp.GetPromptRequest{}
		req.Params.Name = c.name
		req.Params.Arguments = c.args
		res, err := s.cl.GetPrompt(context.Background(), req)
		if err != nil {
			t.Errorf("prompt %s: %v", c.name, err)
			continue
		}
		text := res.Messages[0].Content.(mcp.TextContent).Text
		if !strings.Contains(text, c.want) {
			t.Errorf("prompt %s = %q, want it to mention %q", c.name, text, c.want)
		}
		for _, v := range c.args {
			if !strings.Contains(text, v) {
				t.Errorf("prompt %s does not use argument %q", c.name, v)
			}
		}
	}
	for _, bad := range []struct {
		name string
		args map[string]string
	}{
		{"search-customers", nil},
		{"sales-summary", map[string]string{"start_date": "last week", "end_date": "2026-01-01"}},
	} {
		req := mcp.GetPromptRequest{}
		req.Params.Name = bad.name
		req.Params.Arguments = bad.args
		if _, err := s.cl.GetPrompt(context.Background(), req); err == nil {
			t.Errorf("prompt %s accepted %v", bad.name, bad.args)
		}
	}
	comp, err := s.cl.Complete(context.Background(), mcp.CompleteRequest{Params: mcp.CompleteParams{
		Ref:      mcp.PromptReference{Type: "ref/prompt", Name: "odoo-exploration"},
		Argument: mcp.CompleteArgument{Name: "model", Value: "sale."},
	}})
	if err != nil || !slices.Contains(comp.Completion.Values, "sale.order") {
		t.Errorf("prompt completion = %v, %v", comp, err)
	}
}

func TestSimElicitation(t *testing.T) {
	for _, accept := range []bool{true, false} {
		name := map[bool]string{true: "accept", false: "decline"}[accept]
		t.Run(name, func(t *testing.T) {
			var s *simHarness
			asked := 0
			s = newSimHarness(t, func(c *Config) { c.ConfirmWrites = "destructive" }, withElicitation(elicitFunc(func(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
				asked++
				if n := s.count("res.partner.unlink"); n != 0 {
					t.Errorf("unlink reached Odoo (%d) before the user answered", n)
				}
				if accept {
					return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, nil
				}
				return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionDecline}}, nil
			})))
			created := s.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Delete me"}})
			if asked != 0 {
				t.Fatal("create was confirmed under confirm_writes=destructive")
			}
			text, isErr := s.call("delete_records", map[string]any{"model": "res.partner", "ids": []any{created["id"]}})
			if asked != 1 {
				t.Errorf("asked %d times, want 1", asked)
			}
			n := s.count("res.partner.unlink")
			if accept && (n != 1 || isErr) {
				t.Errorf("accepted delete: unlink calls %d, answer %q", n, text)
			}
			if !accept && (n != 0 || !isErr || !strings.Contains(text, "did not confirm")) {
				t.Errorf("declined delete: unlink calls %d, answer %q", n, text)
			}
		})
	}
	t.Run("client cannot elicit", func(t *testing.T) {
		s := newSimHarness(t, func(c *Config) { c.ConfirmWrites = "destructive" })
		s.fails("delete_records", map[string]any{"model": "res.partner", "ids": []any{3}}, "cannot ask them")
		if s.count("res.partner.unlink") != 0 {
			t.Error("unlink reached Odoo without confirmation")
		}
	})
}

func TestSimStartCheckStats(t *testing.T) {
	s := newSimHarness(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := s.tn.Check(ctx)
	if err != nil || !res.OK || res.OdooVersion != simVersion() || res.UID != 2 || res.Protocol != simProtocol() {
		t.Fatalf("Check = %+v, %v", res, err)
	}
	s.ok("count_records", map[string]any{"model": "res.partner"})
	st := s.tn.Stats()
	if st.State != "ready" || st.OdooVersion != simVersion() || st.Calls != 1 || st.OdooCalls == 0 || st.OdooLatency.Count != st.OdooCalls {
		t.Errorf("Stats = %+v", st)
	}

	// Update swaps the policy under the open session.
	cfg := s.tn.Config()
	cfg.Models = []string{"!res.partner"}
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	s.fails("count_records", map[string]any{"model": "res.partner"}, "not available")
	s.ok("count_records", map[string]any{"model": "sale.order"})
	if got := s.tn.Config().Models; !slices.Equal(got, cfg.Models) {
		t.Errorf("Config().Models = %v after Update", got)
	}

	if err := s.tn.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.tn.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestSimStartProbe(t *testing.T) {
	s := newSimHarness(t, nil)
	s.tn.Start(context.Background())
	select {
	case <-s.tn.startDone:
	case <-time.After(20 * time.Second):
		t.Fatal("the start probe did not finish")
	}
	if st := s.tn.Stats(); st.State != "ready" || st.OdooVersion != simVersion() || st.Protocol != simProtocol() {
		t.Errorf("after Start: %+v", st)
	}

	down := newSimHarness(t, nil)
	down.sim.SetDown(true)
	down.tn.Start(context.Background())
	select {
	case <-down.tn.startDone:
	case <-time.After(40 * time.Second):
		t.Fatal("the start probe did not finish against a dead Odoo")
	}
	if st := down.tn.Stats(); st.State != "degraded" || st.LastError == "" {
		t.Errorf("after Start against a dead Odoo: %+v", st)
	}
	// Serving goes on: a call answers with a tool error, not a hang.
	down.fails("count_records", map[string]any{"model": "res.partner"}, "Odoo")
}

// TestSimUpdateDuringCall checks that a call running when Update swaps the
// Odoo client finishes on the client it started with.
func TestSimUpdateDuringCall(t *testing.T) {
	s := newSimHarness(t, nil)
	s.ok("search_records", map[string]any{"model": "res.partner", "limit": 2}) // warm caches
	s.sim.SetLatency(200 * time.Millisecond)
	before := s.sim.Calls().Requests
	type answer struct {
		text  string
		isErr bool
	}
	done := make(chan answer, 1)
	go func() {
		text, isErr := s.call("search_records", map[string]any{"model": "res.partner", "limit": 2})
		done <- answer{text, isErr}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.sim.Calls().Requests == before {
		if time.Now().After(deadline) {
			t.Fatal("the call never reached the simulator")
		}
		time.Sleep(time.Millisecond)
	}
	cfg := s.tn.Config()
	cfg.MaxRecords = 7
	if err := s.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	a := <-done
	if a.isErr {
		t.Errorf("call spanning an Update failed: %s", a.text)
	}
	s.sim.SetLatency(0)
	s.ok("count_records", map[string]any{"model": "res.partner"})
}

func TestSimExecuteMethodDomains(t *testing.T) {
	s := newSimHarness(t, func(c *Config) { c.Models = []string{"!res.country"} })
	before := s.count("res.partner.search_count")
	s.fails("execute_method", map[string]any{"model": "res.partner", "method": "search_count", "args": []any{[]any{[]any{"signup_token", "=", "x"}}}}, "args[0][0][0]: field \"signup_token\" does not exist")
	s.fails("execute_method", map[string]any{"model": "res.partner", "method": "search_read", "kwargs": map[string]any{"domain": []any{[]any{"country_id.code", "=", "BE"}}}}, "not available on this tenant")
	s.fails("batch_execute", map[string]any{"operations": []any{map[string]any{"model": "res.partner", "method": "search", "args": []any{[]any{[]any{"name", "bogus", "x"}}}}}}, "operations[0].args[0][0][1]: unknown operator")
	if s.count("res.partner.search_count") != before {
		t.Error("a refused domain reached Odoo")
	}
	s.fails("execute_method", map[string]any{"model": "res.users", "method": "write", "args": []any{[]any{2}, map[string]any{"password": "x"}}}, "field \"password\" of res.users cannot be written")
	s.fails("batch_execute", map[string]any{"operations": []any{map[string]any{"model": "res.partner", "method": "create", "args": []any{[]any{map[string]any{"name": "a", "signup_token": "t"}}}}}}, "operations[0]: field \"signup_token\"")
	if s.count("res.users.write")+s.count("res.partner.create") != 0 {
		t.Error("a write of a hidden field reached Odoo")
	}
	res := s.ok("execute_method", map[string]any{"model": "res.partner", "method": "search_count", "args": []any{[]any{map[string]any{"field": "is_company", "operator": "=", "value": true}}}})
	if n, _ := res["result"].(float64); n == 0 {
		t.Errorf("search_count with an object domain = %v", res)
	}
}

// TestSimVersionAskedOnce checks that the calls whose form depends on the
// Odoo version (name_search, read_group, access rights) do not ask Odoo for
// its version each time: initialize learns it, the client keeps it.
func TestSimVersionAskedOnce(t *testing.T) {
	s := newSimHarness(t, nil)
	asked := func() int {
		c := s.sim.Calls()
		return c.Count("web.version_info") + c.Count("common.version")
	}
	if asked() != 1 {
		t.Fatalf("initialize asked Odoo's version %d times, want 1", asked())
	}
	for i := 0; i < 3; i++ {
		s.ok("name_search", map[string]any{"model": "res.partner", "text": "Deco"})
		s.ok("aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"state"}})
		s.ok("validate_before_execute", map[string]any{"model": "res.partner", "method": "write", "ids": []any{3}, "values": map[string]any{"phone": "1"}})
	}
	if n := asked(); n != 1 {
		t.Errorf("after nine version-dependent tool calls Odoo's version was asked %d times, want 1", n)
	}
}

// TestSimConcurrentCallsAndUpdates runs calls from many goroutines while
// the settings change underneath, for the race detector and for calls
// that must not fail because of a swap.
func TestSimConcurrentCallsAndUpdates(t *testing.T) {
	s := newSimHarness(t, nil)
	cfg := s.tn.Config()
	errs := make(chan string, 64)
	done := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				var text string
				var isErr bool
				switch (g + i) % 3 {
				case 0:
					text, isErr = s.call("search_records", map[string]any{"model": "res.partner", "limit": 5})
				case 1:
					text, isErr = s.call("count_records", map[string]any{"model": "sale.order", "domain": []any{[]any{"state", "=", "sale"}}})
				default:
					text, isErr = s.call("read_records", map[string]any{"model": "res.partner", "ids": []any{3}})
				}
				if isErr {
					errs <- text
				}
			}
		}(g)
	}
	go func() {
		defer close(done)
		for i := 0; i < 5; i++ {
			c := cfg
			c.MaxRecords = 10 + i
			if err := s.tn.Update(c); err != nil {
				errs <- err.Error()
			}
			_ = s.tn.Stats()
		}
	}()
	wg.Wait()
	<-done
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if st := s.tn.Stats(); st.Calls != 80 || st.Errors != 0 {
		t.Errorf("Stats after the run: calls %d errors %d", st.Calls, st.Errors)
	}
}

// A call that reaches a closed tenant (removed by a reload, or the daemon
// stopping) is answered at once with a clear error, as are resources and
// Check.
func TestClosedTenantAnswers(t *testing.T) {
	h := newSimHarness(t, nil)
	if _, isErr := h.call("count_records", map[string]any{"model": "res.partner"}); isErr {
		t.Fatal("count_records failed before Close")
	}
	calls := h.sim.Calls().Total()
	if err := h.tn.Close(); err != nil {
		t.Fatal(err)
	}
	text, isErr := h.call("count_records", map[string]any{"model": "res.partner"})
	if !isErr || !strings.Contains(text, "tenant is stopping") {
		t.Errorf("count_records after Close = %q (error %v), want the stopping error", text, isErr)
	}
	if _, err := h.readResource("odoo://model/res.partner"); err == nil || !strings.Contains(err.Error(), "tenant is stopping") {
		t.Errorf("resource after Close: %v, want the stopping error", err)
	}
	if res, err := h.tn.Check(context.Background()); err == nil || res.OK {
		t.Errorf("Check after Close = %+v, %v; want an error", res, err)
	}
	if got := h.sim.Calls().Total(); got != calls {
		t.Errorf("Odoo got %d calls after Close", got-calls)
	}
}
