package tenant

import (
	"strings"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// TestOtherOdooVersions runs the main tools on Odoo 17 over XML-RPC and on
// Odoo 19 over JSON-2, where name_search takes domain= and the API key is
// a bearer token.
func TestOtherOdooVersions(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		name     string
		version  int
		protocol string
	}{
		{"17 xmlrpc", 17, "xmlrpc"},
		{"19 json2", 19, "json2"},
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
			if g := records(t, h.ok("aggregate_records", map[string]any{"model": "sale.order", "groupby": []any{"state"}, "aggregates": []any{"amount_total:sum"}}), "groups"); len(g) == 0 {
				t.Error("aggregate_records returned no groups")
			}
			id := h.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Version test"}})["id"]
			h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{id}, "values": map[string]any{"city": "Ghent"}})
			h.ok("post_message", map[string]any{"model": "res.partner", "id": id, "body": "hello"})
			h.ok("delete_records", map[string]any{"model": "res.partner", "ids": []any{id}})
			h.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{id}, "values": map[string]any{"city": "Ghent"}}, "does not exist")
		})
	}
}
