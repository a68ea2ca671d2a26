package tenant

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// Records of the simulator's demo data the plumbing tests use.
const (
	simCompany    = "My Company (San Francisco)" // the admin's company
	azureID       = 12                           // Azure Interior, a company
	brightID      = 16                           // Bright Office Supplies SA, a company in Belgium
	publicUserPID = 4                            // "Public user": no email, no country, not a company
)

func TestPlumbingReadAndWrite(t *testing.T) {
	h := newSimHarness(t, func(c *Config) { c.Methods = []string{"no_such_*"} })
	// signup_type is a real res.partner field whose name marks it as a
	// credential; give it a value that must never come out.
	const secret = "tok-should-never-show"
	if err := simAdmin(t, h.sim).Write(context.Background(), "res.partner", []int64{brightID}, map[string]any{"signup_type": secret}, nil); err != nil {
		t.Fatal(err)
	}

	info := h.ok("odoo_server_info", nil)
	if info["odoo_version"] != simVersion() || info["company"] != simCompany || info["tz"] != "Europe/Brussels" {
		t.Errorf("odoo_server_info = %v", info)
	}
	res := h.ok("search_records", map[string]any{"model": "res.partner", "domain": []any{[]any{"id", "in", []any{azureID, brightID}}}})
	if res["total"] != float64(2) || res["count"] != float64(2) || res["next_offset"] != nil {
		t.Errorf("search_records = %v, want 2 of 2 and no next page", res)
	}
	for _, r := range res["records"].([]any) {
		if _, ok := r.(map[string]any)["image_128"]; ok {
			t.Errorf("default fields include a binary field: %v", r)
		}
	}
	res = h.ok("read_records", map[string]any{"model": "res.partner", "ids": []any{brightID, publicUserPID, 999999}, "fields": []any{"name", "email", "country_id", "is_company", "image_128"}})
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
	if missing := res["missing_ids"].([]any); len(missing) != 1 || missing[0] != float64(999999) {
		t.Errorf("missing_ids = %v, want [999999]", res["missing_ids"])
	}
	h.fails("read_records", map[string]any{"model": "res.partner", "ids": []any{brightID}, "fields": []any{"signup_type"}}, "hidden")
	// A read of every field gets the secret from Odoo; the tenant drops it.
	if all := mustJSON(t, h.ok("execute_method", map[string]any{"model": "res.partner", "method": "read", "args": []any{[]any{brightID}}})); strings.Contains(all, secret) || strings.Contains(all, "signup_type") || !strings.Contains(all, "Bright Office") {
		t.Errorf("execute_method read of every field = %.300s, want the record without signup_type", all)
	}

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
	before := h.count("res.partner._compute_display_name")
	h.fails("execute_method", map[string]any{"model": "res.partner", "method": "_compute_display_name", "args": []any{[]any{azureID}}}, "private")
	if h.count("res.partner._compute_display_name") != before {
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
	if strings.Contains(h.logs.String()+h.audits.String(), secret) {
		t.Error("a secret field value reached the logs")
	}
	st := h.tn.Stats()
	if st.Calls == 0 || st.Errors == 0 || st.LastError == "" || st.ToolLatency.Count != st.Calls {
		t.Errorf("Stats = %+v", st)
	}
}

func TestPlumbingReadOnlyAndUpdate(t *testing.T) {
	h := newSimHarness(t, func(c *Config) { c.ReadOnly = true })
	cfg := h.tn.Config()
	names := h.toolNames()
	for _, w := range []string{"create_record", "update_records", "delete_records", "post_message", "validate_before_execute"} {
		if slices.Contains(names, w) {
			t.Errorf("read-only tenant lists %s", w)
		}
	}
	h.fails("execute_method", map[string]any{"model": "res.partner", "method": "write", "args": []any{[]any{azureID}, map[string]any{"name": "x"}}}, "read-only")
	if h.count("res.partner.write") != 0 {
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
	h := newSimHarness(t, nil)
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	res, err := h.cl.Initialize(context.Background(), init)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Odoo " + simVersion(), "Mitchell Admin", simCompany, "Europe/Brussels"} {
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
	// Every model of the simulator's ir.model starting with "res.p".
	if want := []string{"res.partner", "res.partner.category"}; !slices.Equal(comp.Completion.Values, want) {
		t.Errorf("completion = %v, want %v", comp.Completion.Values, want)
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
			asked := 0
			var h *simHarness
			var victim int64
			h = newSimHarness(t, func(c *Config) { c.ConfirmWrites = "destructive" }, withElicitation(elicitFunc(func(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
				asked++
				if want := fmt.Sprintf("delete res.partner records [%d]", victim); !strings.Contains(req.Params.Message, want) {
					t.Errorf("elicitation message = %q, want it to say %q", req.Params.Message, want)
				}
				if n := h.count("res.partner.unlink"); n != 0 {
					t.Errorf("unlink reached Odoo (%d) before the user answered", n)
				}
				return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: c.answer, Content: c.content}}, nil
			})))
			victim = simPartner(t, h.sim, "Delete me")
			text, isErr := h.call("delete_records", map[string]any{"model": "res.partner", "ids": []any{victim}})
			if asked != 1 {
				t.Errorf("asked %d times, want 1", asked)
			}
			if got := h.count("res.partner.unlink"); (got == 1) != c.deleted || got > 1 {
				t.Errorf("unlink calls = %d, want deleted=%v (answer %q)", got, c.deleted, text)
			}
			if isErr == c.deleted {
				t.Errorf("isError = %v for %q", isErr, text)
			}
			// Non-destructive writes are not asked about under "destructive".
			h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{azureID}, "values": map[string]any{"email": "x@example.com"}})
			if asked != 1 {
				t.Errorf("an update was confirmed under confirm_writes=destructive")
			}
		})
	}
	t.Run("client cannot elicit", func(t *testing.T) {
		h := newSimHarness(t, func(c *Config) { c.ConfirmWrites = "all" })
		h.fails("delete_records", map[string]any{"model": "res.partner", "ids": []any{azureID}}, "cannot ask them")
		h.fails("create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "x"}}, "does not support elicitation")
		if h.count("res.partner.unlink")+h.count("res.partner.create") != 0 {
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
	h := newSimHarness(t, nil)
	uri := fmt.Sprintf("odoo://record/res.partner/%d", azureID)
	text, err := h.readResource(uri)
	if err != nil || !strings.Contains(text, "Azure Interior") {
		t.Errorf("%s = %q, %v", uri, text, err)
	}
	if _, err := h.readResource("odoo://record/res.partner/x"); err == nil {
		t.Error("a non-numeric record id was accepted")
	}
}

func TestPlumbingStatus(t *testing.T) {
	h := newSimHarness(t, nil)
	h.fails("count_records", map[string]any{"model": "nope.model"}, "does not exist")
	st := h.tn.Status()
	if st.Name != "acme" || st.DB != "odoo_test" || st.Calls != 1 || st.Errors != 1 || st.LastError == "" || st.LastErrorAt == nil {
		t.Errorf("Status = %+v", st)
	}
}

func TestPlumbingAuditNamesClient(t *testing.T) {
	h := newSimHarness(t, nil)
	victim := simPartner(t, h.sim, "Audited delete")
	ctx := transports.WithClient(context.Background(), transports.Client{Addr: "192.0.2.7", Token: "ab12cd34", Transport: transports.TransportHTTP})
	req := mcp.CallToolRequest{}
	req.Params.Name = "delete_records"
	req.Params.Arguments = map[string]any{"model": "res.partner", "ids": []any{victim}}
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
	if ids, _ := lines[0]["ids"].([]any); len(ids) != 1 || ids[0] != float64(victim) || lines[0]["model"] != "res.partner" || lines[0]["allowed"] != true {
		t.Errorf("audit line = %v", lines[0])
	}
}
