package tenant

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// wantTools are the tool names users' prompts rely on.
var wantTools = []string{
	"odoo_server_info", "list_models", "get_model_fields", "search_records", "read_records",
	"count_records", "name_search", "aggregate_records", "create_record", "update_records",
	"delete_records", "deep_read", "post_message", "execute_method", "batch_execute",
	"validate_before_execute", "search_employee", "search_holidays",
}

func TestToolsListGolden(t *testing.T) {
	h := newSimHarness(t, nil)
	res, err := h.cl.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	tools := res.Tools
	slices.SortFunc(tools, func(a, b mcp.Tool) int { return strings.Compare(a.Name, b.Name) })
	var names []string
	for _, tl := range tools {
		names = append(names, tl.Name)
	}
	want := slices.Clone(wantTools)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("tools = %v\nwant %v", names, want)
	}
	got, err := json.MarshalIndent(tools, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "tools_list.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	golden, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./tenant -run TestToolsListGolden -update to create it)", err)
	}
	if !bytes.Equal(got, golden) {
		t.Errorf("tools/list differs from %s; if the change is deliberate, rerun with -update and review the diff", path)
	}
}

func TestEveryToolAndPromptIsDescribed(t *testing.T) {
	h := newSimHarness(t, nil)
	res, err := h.cl.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range res.Tools {
		if len(tl.Description) < 40 || !strings.Contains(tl.Description, "{") {
			t.Errorf("tool %s: description %q is missing or has no example argument", tl.Name, tl.Description)
		}
		a := tl.Annotations
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil || a.Title == "" {
			t.Errorf("tool %s: annotations not all set: %+v", tl.Name, a)
		}
		if *a.ReadOnlyHint && *a.DestructiveHint {
			t.Errorf("tool %s: read-only and destructive at once", tl.Name)
		}
		raw, err := json.Marshal(tl.InputSchema)
		if len(tl.RawInputSchema) > 0 {
			raw, err = tl.RawInputSchema, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		var schema map[string]any
		if err := json.Unmarshal(raw, &schema); err != nil {
			t.Fatalf("tool %s: schema: %v", tl.Name, err)
		}
		if schema["type"] != "object" {
			t.Errorf("tool %s: schema type %v, want object", tl.Name, schema["type"])
		}
		checkPlainSchema(t, tl.Name, schema)
	}
	pres, err := h.cl.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var pnames []string
	for _, p := range pres.Prompts {
		pnames = append(pnames, p.Name)
		if len(p.Description) < 20 {
			t.Errorf("prompt %s: description %q", p.Name, p.Description)
		}
		for _, a := range p.Arguments {
			if a.Description == "" {
				t.Errorf("prompt %s: argument %s has no description", p.Name, a.Name)
			}
		}
	}
	for _, want := range []string{"search-customers", "create-sales-order", "odoo-exploration", "overdue-invoices", "sales-summary", "lead-pipeline"} {
		if !slices.Contains(pnames, want) {
			t.Errorf("prompts %v lack %s", pnames, want)
		}
	}
}

// checkPlainSchema refuses what strict clients reject: anyOf/oneOf/allOf
// without a type beside them, and properties without a type or description.
func checkPlainSchema(t *testing.T, where string, s map[string]any) {
	t.Helper()
	for _, k := range []string{"anyOf", "oneOf", "allOf", "$ref"} {
		if _, ok := s[k]; ok {
			t.Errorf("%s: schema uses %s", where, k)
		}
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for name, p := range props {
			ps, _ := p.(map[string]any)
			if ps["type"] == nil {
				t.Errorf("%s.%s: no type", where, name)
			}
			if ps["description"] == nil {
				t.Errorf("%s.%s: no description", where, name)
			}
			checkPlainSchema(t, where+"."+name, ps)
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		checkPlainSchema(t, where+"[]", items)
	}
}
