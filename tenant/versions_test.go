package tenant

import (
	"strings"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// TestOtherOdooVersions runs the main tools on Odoo 17 over XML-RPC and on
// Odoo 19 over JSON-2 and XML-RPC, where name_search takes domain=,
// formatted_read_group replaces read_group and has_access replaces
// check_access_rights, and checks which method Odoo was actually asked.
func TestOtherOdooVersions(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		name     string
		version  int
		protocol string
		// the methods Odoo must see, and the ones it must not
		want, notWant []string
	}{
		{"17 xmlrpc", 17, "xmlrpc", []string{"sale.order.read_group", "res.partner.check_access_rights"}, []string{"sale.order.formatted_read_group", "res.partner.has_access"}},
		{"19 json2", 19, "json2", []string{"sale.order.formatted_read_group", "res.partner.has_access"}, []string{"sale.order.read_group", "res.partner.check_access_rights"}},
		{"19 xmlrpc", 19, "xmlrpc", []string{"sale.order.formatted_read_group", "res.partner.has_access"}, []string{"sale.order.read_group", "res.partner.check_access_rights"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sim := odootest.New(odootest.WithVersion(c.version))
			if err := sim.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sim.Close)
			if err := sim.AddAPIKey("admin", key); err != nil {
				t.Fatal(err)
			}
			cfg := Config{Name: "v", URL: sim.URL(), DB: "odoo_test", Username: "admin", Password: odoo.NewSecret("admin"),
				APIKey: odoo.NewSecret(key), Protocol: c.protocol, Timeout: 10 * time.Second}
			h := newHarnessWith(t, cfg, newOdooClient)
			info := h.ok("odoo_server_info", nil)
			if !strings.HasPrefix(info["odoo_version"].(string), strings.Split(c.name, " ")[0]) || info["protocol"] != c.protocol {
				t.Errorf("odoo_server_info = %v", info)
			}
			if m := records(t, h.ok("name_search", map[string]any{"model": "res.partner", "text": "Azure", "domain": []any{[]any{"is_company", "=", true}}}), "matches"); len(m) == 0 {
				t.Error("name_search found nothing")
			}
			if r := records(t, h.ok("search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"is_company", "=", true}}, "limit": 3}), "records"); len(r) != 3 {
				t.Errorf("search_records returned %d", len(r))
			}
			if g := records(t, h.ok("aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"state"}, "aggregates": []any{"amount_total:sum"}}), "groups"); len(g) == 0 || g[0]["count"] == nil || g[0]["amount_total"] == nil {
				t.Errorf("aggregate_records returned %v, want groups with count and amount_total", g)
			}
			if v := h.ok("validate_before_execute", map[string]any{"model": "res.partner", "method": "write", "ids": []any{3}, "values": map[string]any{"phone": "1"}}); v["ok"] != true {
				t.Errorf("validate_before_execute = %v", v)
			}
			if text, err := h.readResource("odoo://model/res.partner/access"); err != nil || !strings.Contains(text, `"write":true`) {
				t.Errorf("odoo://model/res.partner/access = %s, %v", text, err)
			}
			calls := sim.Calls()
			for _, m := range c.want {
				if calls.Count(m) == 0 {
					t.Errorf("Odoo %d was not asked %s; calls %v", c.version, m, calls.Calls)
				}
			}
			for _, m := range c.notWant {
				if n := calls.Count(m); n != 0 {
					t.Errorf("Odoo %d was asked %s %d times", c.version, m, n)
				}
			}
			if calls.Count("res.partner.name_search") != 1 {
				t.Errorf("name_search calls = %d, want 1", calls.Count("res.partner.name_search"))
			}
			id := h.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Version test"}})["id"]
			h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{id}, "values": map[string]any{"city": "Ghent"}})
			h.ok("post_message", map[string]any{"model": "res.partner", "id": id, "body": "hello"})
			h.ok("delete_records", map[string]any{"model": "res.partner", "ids": []any{id}})
			h.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{id}, "values": map[string]any{"city": "Ghent"}}, "does not exist")
		})
	}
}
