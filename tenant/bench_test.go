package tenant

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// BenchmarkSearchRecords measures one search_records call through the MCP
// server (in process) against the simulator: policy, domain validation,
// shaping and encoding on top of the Odoo round trips.
func BenchmarkSearchRecords(b *testing.B) {
	sim := startSim(b)
	h := newHarnessWith(b, simConfig(sim), newOdooClient)
	req := mcp.CallToolRequest{}
	req.Params.Name = "search_records"
	req.Params.Arguments = map[string]any{"model": "res.partner", "domain": []any{[]any{"is_company", "=", true}}, "fields": []any{"name", "email", "country_id"}, "limit": 20}
	ctx := context.Background()
	if res, err := h.cl.CallTool(ctx, req); err != nil || res.IsError {
		b.Fatalf("search_records: %v %v", res, err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.cl.CallTool(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDomain measures domain validation with cached fields.
func BenchmarkParseDomain(b *testing.B) {
	dom := []any{"|", []any{"name", "ilike", "azure"}, []any{"country_id.code", "=", "BE"}, []any{"is_company", "=", true}}
	ctx := context.Background()
	for b.Loop() {
		if _, err := parseDomain(ctx, "res.partner", dom, fakeFields, "domain"); err != nil {
			b.Fatal(err)
		}
	}
}
