package tenant

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

func memConfig() Config {
	return Config{Name: "acme", URL: "http://127.0.0.1:1", DB: "odoo_test", Username: "admin", ConfirmWrites: "off"}
}

func TestPlumbingReadAndWrite(t *testing.T) {
	mem := newMemOdoo()
	cfg := memConfig()
	cfg.Methods = []string{"no_such_*"}
	h := newHarnessWith(t, cfg, mem.factory)

	info := h.ok("odoo_server_info", nil)
	if info["odoo_version"] != "18.0" || info["company"] != "YourCompany" || info["tz"] != "Europe/Brussels" {
		t.Errorf("odoo_server_info = %v", info)
	}
	res := h.ok("search_records", map[string]any{"model": "res.partner"})
	if res["total"] != float64(2) || res["count"] != float64(2) || res["next_offset"] != nil {
		t.Errorf("search_records = %v, want 2 of 2 and no next page", res)
	}
	for _, r := range res["records"].([]any) {
		if _, ok := r.(map[string]any)["image_128"]; ok {
			t.Errorf("default fields include a binary field: %v", r)
		}
	}
	res = h.ok("read_records", map[string]any{"model": "res.partner", "ids": []any{7, 8, 99}, "fields": []any{"name", "email", "country_id", "is_company", "image_128"}})
	recs := res["records"].([]any)
	if len(recs) != 2 {
		t.Fatalf("read_records returned %d records, want 2: %v", len(recs), res)
	}
	first := recs[0].(map[string]any)
	if c, ok := first["country_id"].(map[string]any); !ok || c["name"] != "Belgium" {
		t.Errorf("country_id = %v, want {id, name}", first["country_id"])
	}
	second := recs[1].(map[string]any)
	if v, ok := second["email"]; !ok || v != nil {
		t.Errorf("empty email = %v (present %v), want null", v, ok)
	}
	if second["is_company"] != false {
		t.Errorf("boolean false became %v", second["is_company"])
	}
	if missing := res["missing_ids"].([]any); len(missing) != 1 || missing[0] != float64(99) {
		t.Errorf("missing_ids = %v, want [99]", res["missing_ids"])
	}
	h.fails("read_records", map[string]any{"model": "res.partner", "ids": []any{7}, "fields": []any{"signup_token"}}, "hidden")

	created := h.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "Acme", "is_company": true}})
	if created["id"] == nil {
		t.Fatalf("create_record = %v", created)
	}
	h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{created["id"]}, "values": map[string]any{"email": "a@acme.example"}})
	h.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{12345}, "values": map[string]any{"email": "x"}}, "MissingError")
	h.ok("delete_records", map[string]any{"model": "res.partner", "ids": []any{created["id"]}})

	h.fails("execute_method", map[string]any{"model": "res.partner", "method": "action_unknown"}, "allow-list")
	text := h.fails("execute_method", map[string]any{"model": "res.partner", "method": "no_such_method"}, "AttributeError")
	if strings.Contains(text, "Traceback") {
		t.Errorf("tool error carries a traceback: %q", text)
	}
	before := mem.count("res.partner._compute_display_name")
	h.fails("execute_method", map[string]any{"model": "res.partner", "method": "_compute_display_name", "args": []any{[]any{7}}}, "private")
	if mem.count("res.partner._compute_display_name") != before {
		t.Error("a private method reached Odoo")
	}

	audits := h.audits.lines(t)
	if ids, _ := audits[0]["ids"].([]any); audits[0]["method"] != "create" || len(ids) != 1 || ids[0] != created["id"] {
		t.Errorf("create audit line = %v, want the new id %v", audits[0], created["id"])
	}
	var methods []string
	for _, a := range audits {
		if a["audit"] != true || a["tenant"] != "acme" {
			t.Errorf("audit line without audit/tenant: %v", a)
		}
		methods = append(methods, a["method"].(string)+":"+a["outcome"].(string))
	}
	for _, want := range []string{"create:done", "write:done", "write:failed", "unlink:done", "_compute_display_name:refused"} {
		if !slices.Contains(methods, want) {
			t.Errorf("audit lines %v lack %s", methods, want)
		}
	}
	if strings.Contains(h.logs.String()+h.audits.String(), "tok-should-never-show") {
		t.Error("a secret field value reached the logs")
	}
	st := h.tn.Stats()
	if st.Calls == 0 || st.Errors == 0 || st.LastError == "" || st.ToolLatency.Count != st.Calls {
		t.Errorf("Stats = %+v", st)
	}
}

func TestPlumbingReadOnlyAndUpdate(t *testing.T) {
	mem := newMemOdoo()
	cfg := memConfig()
	cfg.ReadOnly = true
	h := newHarnessWith(t, cfg, mem.factory)
	names := h.toolNames()
	for _, w := range []string{"create_record", "update_records", "delete_records", "post_message", "validate_before_execute"} {
		if slices.Contains(names, w) {
			t.Errorf("read-only tenant lists %s", w)
		}
	}
	h.fails("execute_method", map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{7}, map[string]any{"name": "x"}}}, "read-only")
	if mem.count("res.partner.write") != 0 {
		t.Error("write reached Odoo on a read-only tenant")
	}

	cfg.ReadOnly = false
	if err := h.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(h.toolNames(), "create_record") {
		t.Error("write tools not listed after Update to read-write")
	}
	h.ok("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "After update"}})
	cfg.ReadOnly = true
	if err := h.tn.Update(cfg); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(h.toolNames(), "create_record") {
		t.Error("write tools still listed after Update to read-only")
	}
	bad := cfg
	bad.Name = "other"
	if err := h.tn.Update(bad); err == nil {
		t.Error("Update accepted another tenant's name")
	}
}

func TestPlumbingInstructionsAndCompletion(t *testing.T) {
	mem := newMemOdoo()
	h := newHarnessWith(t, memConfig(), mem.factory)
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	res, err := h.cl.Initialize(context.Background(), init)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Odoo 18.0", "Mitchell Admin", "YourCompany", "Europe/Brussels"} {
		if !strings.Contains(res.Instructions, want) {
			t.Errorf("instructions %q lack %q", res.Instructions, want)
		}
	}
	comp, err := h.cl.Complete(context.Background(), mcp.CompleteRequest{Params: mcp.CompleteParams{
		Ref:      mcp.ResourceReference{Type: "ref/resource", URI: "odoo://model/{model}"},
		Argument: mcp.CompleteArgument{Name: "model", Value: "res.p"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(comp.Completion.Values, []string{"res.partner"}) {
		t.Errorf("completion = %v, want [res.partner]", comp.Completion.Values)
	}
}

// elicitFunc answers elicitation requests in tests.
type elicitFunc func(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, req)
}

func TestPlumbingConfirmWrites(t *testing.T) {
	for _, c := range []struct {
		name    string
		answer  mcp.ElicitationResponseAction
		content any
		deleted bool
	}{
		{"accept", mcp.ElicitationResponseActionAccept, map[string]any{"confirm": true}, true},
		{"accept but unticked", mcp.ElicitationResponseActionAccept, map[string]any{"confirm": false}, false},
		{"decline", mcp.ElicitationResponseActionDecline, nil, false},
		{"cancel", mcp.ElicitationResponseActionCancel, nil, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := newMemOdoo()
			cfg := memConfig()
			cfg.ConfirmWrites = "destructive"
			asked := 0
			h := newHarnessWith(t, cfg, mem.factory, withElicitation(elicitFunc(func(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
				asked++
				if !strings.Contains(req.Params.Message, "delete res.partner records [8]") {
					t.Errorf("elicitation message = %q", req.Params.Message)
				}
				if n := mem.count("res.partner.unlink"); n != 0 {
					t.Errorf("unlink reached Odoo (%d) before the user answered", n)
				}
				return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: c.answer, Content: c.content}}, nil
			})))
			text, isErr := h.call("delete_records", map[string]any{"model": "res.partner", "ids": []any{8}})
			if asked != 1 {
				t.Errorf("asked %d times, want 1", asked)
			}
			if got := mem.count("res.partner.unlink"); (got == 1) != c.deleted || got > 1 {
				t.Errorf("unlink calls = %d, want deleted=%v (answer %q)", got, c.deleted, text)
			}
			if isErr == c.deleted {
				t.Errorf("isError = %v for %q", isErr, text)
			}
			// Non-destructive writes are not asked about under "destructive".
			h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{7}, "values": map[string]any{"email": "x@example.com"}})
			if asked != 1 {
				t.Errorf("an update was confirmed under confirm_writes=destructive")
			}
		})
	}
	t.Run("client cannot elicit", func(t *testing.T) {
		mem := newMemOdoo()
		cfg := memConfig()
		cfg.ConfirmWrites = "all"
		h := newHarnessWith(t, cfg, mem.factory)
		h.fails("delete_records", map[string]any{"model": "res.partner", "ids": []any{8}}, "cannot ask them")
		h.fails("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "x"}}, "does not support elicitation")
		if mem.count("res.partner.unlink")+mem.count("res.partner.create") != 0 {
			t.Error("a write reached Odoo without confirmation")
		}
		outcomes := ""
		for _, a := range h.audits.lines(t) {
			outcomes += a["method"].(string) + ":" + a["outcome"].(string) + " "
		}
		if !strings.Contains(outcomes, "unlink:refused") || !strings.Contains(outcomes, "create:refused") {
			t.Errorf("audit outcomes = %q, want refusals", outcomes)
		}
	})
}

func TestPlumbingResources(t *testing.T) {
	mem := newMemOdoo()
	h := newHarnessWith(t, memConfig(), mem.factory)
	text, err := h.readResource("odoo://record/res.partner/7")
	if err != nil || !strings.Contains(text, "Azure Interior") {
		t.Errorf("odoo://record/res.partner/7 = %q, %v", text, err)
	}
	if _, err := h.readResource("odoo://record/res.partner/x"); err == nil {
		t.Error("a non-numeric record id was accepted")
	}
}

func TestPlumbingStatus(t *testing.T) {
	mem := newMemOdoo()
	h := newHarnessWith(t, memConfig(), mem.factory)
	h.fails("count_records", map[string]any{"model": "nope.model"}, "does not exist")
	st := h.tn.Status()
	if st.Name != "acme" || st.DB != "odoo_test" || st.Calls != 1 || st.Errors != 1 || st.LastError == "" || st.LastErrorAt == nil {
		t.Errorf("Status = %+v", st)
	}
}

func TestPlumbingAuditNamesClient(t *testing.T) {
	mem := newMemOdoo()
	h := newHarnessWith(t, memConfig(), mem.factory)
	ctx := transports.WithClient(context.Background(), transports.Client{Addr: "192.0.2.7", Token: "ab12cd34", Transport: transports.TransportHTTP})
	req := mcp.CallToolRequest{}
	req.Params.Name = "delete_records"
	req.Params.Arguments = map[string]any{"model": "res.partner", "ids": []any{8}}
	if res, err := h.cl.CallTool(ctx, req); err != nil || res.IsError {
		t.Fatalf("delete_records = %v, %v", res, err)
	}
	lines := h.audits.lines(t)
	if len(lines) != 1 {
		t.Fatalf("audit lines = %v", lines)
	}
	cl, _ := lines[0]["client"].(map[string]any)
	if cl["addr"] != "192.0.2.7" || cl["token"] != "ab12cd34" || cl["transport"] != "http" {
		t.Errorf("audit client = %v", lines[0]["client"])
	}
	if ids, _ := lines[0]["ids"].([]any); len(ids) != 1 || ids[0] != float64(8) || lines[0]["model"] != "res.partner" || lines[0]["allowed"] != true {
		t.Errorf("audit line = %v", lines[0])
	}
}
