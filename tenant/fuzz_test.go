package tenant

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

// FuzzToolArguments feeds arbitrary JSON arguments to every tool: each
// call must answer (a result or a tool error), never panic or fail at the
// protocol level.
func FuzzToolArguments(f *testing.F) {
	for _, s := range []string{
		`{"model":"res.partner","domain":[["name","ilike","a"]],"limit":3}`,
		`{"model":"res.partner","ids":[12,16],"fields":["name"]}`,
		`{"model":"res.partner","domain":"[[\"id\",\"in\",[1,2]]]"}`,
		`{"operations":[{"model":"res.partner","method":"read","args":[[12]]}]}`,
		`{"model":"res.partner","method":"search_read","args_json":"[[]]","kwargs_json":"{\"limit\":1}"}`,
		`{"model":"res.partner","id":12,"relations":["child_ids"],"depth":2}`,
		`{"model":"res.partner","groupby":["is_company"],"aggregates":["id:count"]}`,
		`{"start_date":"2026-01-01","end_date":"2026-02-01"}`,
		`[]`, `null`, `{"model":{"a":1}}`, `{"model":"res.partner","domain":[["|"]]}`,
	} {
		f.Add(s)
	}
	h := newSimHarness(f, nil)
	f.Fuzz(func(t *testing.T, raw string) {
		var args any
		if json.Unmarshal([]byte(raw), &args) != nil {
			return
		}
		for _, name := range wantTools {
			if name == "delete_records" || name == "update_records" || name == "create_record" {
				continue // keep the simulator's data stable between inputs
			}
			req := mcp.CallToolRequest{}
			req.Params.Name = name
			req.Params.Arguments = args
			if _, err := h.cl.CallTool(context.Background(), req); err != nil {
				t.Fatalf("%s(%s): protocol error %v", name, raw, err)
			}
		}
	})
}
