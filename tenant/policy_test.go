package tenant

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustPolicy(t *testing.T, cfg Config) *policy {
	t.Helper()
	p, err := newPolicy(cfg)
	if err != nil {
		t.Fatalf("newPolicy: %v", err)
	}
	return p
}

func TestModelGlobs(t *testing.T) {
	p := mustPolicy(t, Config{Models: []string{"res.*", "sale.order", "!res.users*"}})
	for model, want := range map[string]bool{
		"res.partner":          true,
		"res.users":            false,
		"res.users.apikeys":    false,
		"sale.order":           true,
		"sale.order.line":      false,
		"account.move":         false,
		"res.partner.bank":     true,
		"ir.actions.server":    false,
		"res.country.state":    true,
		"res.company":          true,
		"hr.employee":          false,
		"res.partner.industry": true,
	} {
		if got := p.modelAllowed(model); got != want {
			t.Errorf("modelAllowed(%q) = %v, want %v", model, got, want)
		}
	}
	open := mustPolicy(t, Config{Models: []string{"!hr.*"}})
	if !open.modelAllowed("res.partner") || open.modelAllowed("hr.employee") {
		t.Errorf("deny-only globs: res.partner allowed=%v hr.employee allowed=%v, want true/false", open.modelAllowed("res.partner"), open.modelAllowed("hr.employee"))
	}
	if _, err := newPolicy(Config{Models: []string{"res.[partner"}}); err == nil {
		t.Error("newPolicy accepted a bad glob")
	}
	if _, err := newPolicy(Config{ConfirmWrites: "sometimes"}); err == nil {
		t.Error("newPolicy accepted confirm_writes \"sometimes\"")
	}
}

func TestCheckMethod(t *testing.T) {
	rw := mustPolicy(t, Config{Methods: []string{"action_confirm", "button_*"}})
	ro := mustPolicy(t, Config{ReadOnly: true, Methods: []string{"action_confirm"}})
	denied := mustPolicy(t, Config{Models: []string{"!res.partner"}})
	cases := []struct {
		p             *policy
		model, method string
		ok            bool
		want          string
	}{
		{rw, "res.partner", "search_read", true, ""},
		{rw, "res.partner", "write", true, ""},
		{rw, "sale.order", "action_confirm", true, ""},
		{rw, "purchase.order", "button_confirm", true, ""},
		{rw, "sale.order", "action_cancel", false, "allow-list"},
		{rw, "res.partner", "_compute_display_name", false, "private"},
		{rw, "res.partner", "_foo", false, "private"},
		{rw, "res.partner", "sudo", false, "escapes"},
		{rw, "res.partner", "with_user", false, "escapes"},
		{rw, "res.partner", "with_env", false, "escapes"},
		{rw, "res.partner", "execute_sql", false, "SQL"},
		{rw, "ir.actions.server", "run", false, "server actions"},
		{rw, "ir.cron", "method_direct_trigger", false, "server actions"},
		{rw, "ir.cron", "write", false, "server actions"},
		{rw, "ir.cron", "search_read", true, ""},
		{ro, "res.partner", "read", true, ""},
		{ro, "res.partner", "write", false, "read-only"},
		{ro, "sale.order", "action_confirm", false, "read-only"},
		{denied, "res.partner", "read", false, "denied"},
		{rw, "Res.Partner", "read", false, "not a model name"},
		{rw, "res.partner", "read; drop", false, "not a method name"},
		{rw, "", "read", false, "required"},
	}
	for _, c := range cases {
		err := c.p.checkMethod(c.model, c.method)
		if (err == nil) != c.ok {
			t.Errorf("checkMethod(%q, %q) = %v, want ok=%v", c.model, c.method, err, c.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkMethod(%q, %q) = %q, want it to mention %q", c.model, c.method, err, c.want)
		}
	}
}

func TestFieldHidden(t *testing.T) {
	p := mustPolicy(t, Config{HiddenFields: []string{"comment"}, DenyFields: map[string][]string{"res.partner": {"vat", "bank_*"}}})
	for _, c := range []struct {
		model, field string
		hidden       bool
	}{
		{"res.users", "password", true},
		{"res.users", "new_password", true},
		{"res.users", "api_key_ids", true},
		{"res.partner", "signup_token", true},
		{"res.users", "totp_secret", true},
		{"res.partner", "access_token", true},
		{"res.partner", "comment", true},
		{"res.partner", "vat", true},
		{"res.partner", "bank_ids", true},
		{"res.company", "vat", false},
		{"res.partner", "name", false},
		{"res.partner", "email", false},
	} {
		if got := p.fieldHidden(c.model, c.field); got != c.hidden {
			t.Errorf("fieldHidden(%q, %q) = %v, want %v", c.model, c.field, got, c.hidden)
		}
	}
}

func TestMergeContext(t *testing.T) {
	p := mustPolicy(t, Config{Context: map[string]any{"lang": "en_US", "tz": "UTC"}})
	got, err := p.mergeContext(map[string]any{"lang": "fr_FR", "active_test": false, "allowed_company_ids": []any{float64(1), float64(2)}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"lang": "fr_FR", "tz": "UTC", "active_test": false, "allowed_company_ids": []any{int64(1), int64(2)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mergeContext = %v, want %v", got, want)
	}
	for _, bad := range []any{
		map[string]any{"uid": float64(1)},
		map[string]any{"lang": float64(3)},
		map[string]any{"active_test": "no"},
		map[string]any{"allowed_company_ids": []any{"one"}},
		"fr_FR",
	} {
		if _, err := p.mergeContext(bad); err == nil {
			t.Errorf("mergeContext(%v) accepted it", bad)
		}
	}
	if p.context["lang"] != "en_US" {
		t.Error("mergeContext changed the tenant's default context")
	}
}

// fakeFields is a small res.partner / res.country schema for domain tests.
func fakeFields(_ context.Context, model string) (map[string]fieldMeta, error) {
	switch model {
	case "res.partner":
		return map[string]fieldMeta{
			"id":         {Name: "id", Type: "integer"},
			"name":       {Name: "name", Type: "char"},
			"email":      {Name: "email", Type: "char"},
			"is_company": {Name: "is_company", Type: "boolean"},
			"country_id": {Name: "country_id", Type: "many2one", Relation: "res.country"},
			"child_ids":  {Name: "child_ids", Type: "one2many", Relation: "res.partner"},
		}, nil
	case "res.country":
		return map[string]fieldMeta{"id": {Name: "id", Type: "integer"}, "code": {Name: "code", Type: "char"}, "name": {Name: "name", Type: "char"}}, nil
	}
	return nil, errors.New("no such model")
}

func TestParseDomain(t *testing.T) {
	ctx := context.Background()
	good := []struct {
		in   any
		want []any
	}{
		{nil, []any{}},
		{[]any{}, []any{}},
		{"", []any{}},
		{[]any{[]any{"is_company", "=", true}}, []any{[]any{"is_company", "=", true}}},
		{`[["name", "ilike", "azure"]]`, []any{[]any{"name", "ilike", "azure"}}},
		{[]any{"|", []any{"name", "ilike", "a"}, []any{"email", "ilike", "b"}}, []any{"|", []any{"name", "ilike", "a"}, []any{"email", "ilike", "b"}}},
		{[]any{map[string]any{"field": "country_id.code", "operator": "=", "value": "BE"}}, []any{[]any{"country_id.code", "=", "BE"}}},
		{[]any{[]any{"id", "in", []any{float64(1), float64(2)}}}, []any{[]any{"id", "in", []any{int64(1), int64(2)}}}},
		{[]any{"!", []any{"name", "=", false}}, []any{"!", []any{"name", "=", false}}},
		{[]any{[]any{"child_ids", "any", []any{[]any{"email", "!=", false}}}}, []any{[]any{"child_ids", "any", []any{[]any{"email", "!=", false}}}}},
		{[]any{[]any{float64(1), "=", float64(1)}}, []any{[]any{int64(1), "=", int64(1)}}},
		{[]any{[]any{"name", "NOT ILIKE", "x"}}, []any{[]any{"name", "not ilike", "x"}}},
		{[]any{"name", "=", "x"}, []any{[]any{"name", "=", "x"}}},
		{`["is_company", "=", true]`, []any{[]any{"is_company", "=", true}}},
		{map[string]any{"conditions": []any{map[string]any{"field": "name", "operator": "=", "value": "a"}}}, []any{[]any{"name", "=", "a"}}},
	}
	for _, c := range good {
		got, err := parseDomain(ctx, "res.partner", c.in, fakeFields, "domain")
		if err != nil {
			t.Errorf("parseDomain(%v) = %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseDomain(%v) = %#v, want %#v", c.in, got, c.want)
		}
	}
	bad := []struct {
		in   any
		want string
	}{
		{"name = x", "not valid JSON"},
		{float64(3), "must be a list"},
		{map[string]any{"field": "name"}, "must be a list"},
		{[]any{"name", "bogus", "x"}, "domain[0]: \"name\" is not a logical operator"},
		{[]any{[]any{"name", "bogus", "x"}}, "domain[0][1]: unknown operator \"bogus\""},
		{[]any{[]any{"no_such", "=", 1}}, "domain[0][0]: field \"no_such\" does not exist on res.partner"},
		{[]any{[]any{"name", "=", "a"}, []any{"name", "="}}, "domain[1]: a condition must have 3 elements"},
		{[]any{"&", []any{"name", "=", "a"}}, "ends before its logical operators"},
		{[]any{"and", []any{"name", "=", "a"}}, "domain[0]: \"and\" is not a logical operator"},
		{[]any{map[string]any{"field": "name", "op": "="}}, "domain[0]: unexpected key \"op\""},
		{[]any{map[string]any{"field": "name", "operator": "="}}, "domain[0].value: is required"},
		{[]any{map[string]any{"field": "nope", "operator": "=", "value": 1}}, "domain[0].field: field \"nope\""},
		{[]any{[]any{"country_id.nope", "=", "BE"}}, "field \"nope\" does not exist on res.country"},
		{[]any{[]any{"name.code", "=", "BE"}}, "is a char field"},
		{[]any{[]any{"name", "any", []any{}}}, "needs a relational field"},
		{[]any{[]any{float64(7), "=", "x"}}, "field must be a field name"},
		{[]any{true}, "domain[0]: must be a condition"},
		{[]any{[]any{"name", "=", map[string]any{"a": 1}}}, "got an object"},
	}
	for _, c := range bad {
		_, err := parseDomain(ctx, "res.partner", c.in, fakeFields, "domain")
		if err == nil {
			t.Errorf("parseDomain(%v) accepted it, want error mentioning %q", c.in, c.want)
			continue
		}
		var in *inputError
		if !errors.As(err, &in) {
			t.Errorf("parseDomain(%v) = %T %v, want an input error", c.in, err, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("parseDomain(%v) = %q, want it to mention %q", c.in, err, c.want)
		}
	}
}

func FuzzParseDomain(f *testing.F) {
	for _, s := range []string{`[["name","=","x"]]`, `["|",["a","=",1],["b","=",2]]`, `[{"field":"name","operator":"in","value":[1]}]`, `["!"]`, `[[1,"=",1]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := parseDomain(context.Background(), "res.partner", s, fakeFields, "domain")
		if err == nil && out == nil {
			t.Fatalf("parseDomain(%q) returned nil without error", s)
		}
	})
}

func TestToIDs(t *testing.T) {
	if ids, err := toIDs([]any{float64(3), float64(4)}, "ids"); err != nil || !reflect.DeepEqual(ids, []int64{3, 4}) {
		t.Errorf("toIDs([3,4]) = %v, %v", ids, err)
	}
	for _, bad := range []any{nil, "3", []any{"3"}, []any{1.5}, []any{float64(0)}, []any{float64(-2)}, map[string]any{}} {
		if _, err := toIDs(bad, "ids"); err == nil {
			t.Errorf("toIDs(%v) accepted it", bad)
		}
	}
}

func TestShapeRecord(t *testing.T) {
	p := mustPolicy(t, Config{DenyFields: map[string][]string{"res.partner": {"vat"}}})
	fs := map[string]fieldMeta{
		"name":       {Type: "char"},
		"email":      {Type: "char"},
		"is_company": {Type: "boolean"},
		"country_id": {Type: "many2one"},
		"child_ids":  {Type: "one2many"},
		"image_128":  {Type: "binary"},
		"credit":     {Type: "monetary"},
		"vat":        {Type: "char"},
		"date":       {Type: "date"},
	}
	rec := map[string]any{
		"id": int64(7), "name": "Azure", "email": false, "is_company": false,
		"country_id": []any{int64(21), "Belgium"}, "child_ids": []any{int64(8), int64(9)},
		"image_128": "iVBORw0KGgo=", "credit": float64(0), "vat": "BE0477472701", "date": "2026-01-31",
		"signup_token": "s3cr3t",
	}
	got := p.shapeRecord("res.partner", rec, fs, nil)
	want := map[string]any{
		"id": int64(7), "name": "Azure", "email": nil, "is_company": false,
		"country_id": map[string]any{"id": int64(21), "name": "Belgium"},
		"child_ids":  []any{int64(8), int64(9)}, "credit": float64(0), "date": "2026-01-31",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("shapeRecord = %v\nwant %v", got, want)
	}
	named := p.shapeRecord("res.partner", rec, fs, []string{"image_128"})
	if named["image_128"] != "iVBORw0KGgo=" {
		t.Errorf("a binary field named by the caller was dropped: %v", named)
	}
}

func TestCapRows(t *testing.T) {
	p := mustPolicy(t, Config{MaxRecords: 5, MaxResponseBytes: 300})
	var rows []map[string]any
	for i := 0; i < 8; i++ {
		rows = append(rows, map[string]any{"id": i, "name": strings.Repeat("x", 40)})
	}
	kept, note := p.capRows(rows, 10, func(r []map[string]any) any { return map[string]any{"records": r} })
	if len(kept) == 0 || len(kept) >= 5 {
		t.Fatalf("capRows kept %d rows, want between 1 and 4 (bytes cap)", len(kept))
	}
	if jsonSize(map[string]any{"records": kept}) > 300 {
		t.Errorf("capRows result is over the byte cap")
	}
	if !strings.Contains(note, "max_response_bytes") || !strings.Contains(note, "offset=") {
		t.Errorf("capRows note = %q, want it to say how it cut and how to page", note)
	}
}

func TestCheckOrder(t *testing.T) {
	fs := map[string]fieldMeta{"name": {}, "date": {}}
	if got, err := checkOrder("name desc,  date", fs); err != nil || got != "name desc, date" {
		t.Errorf("checkOrder = %q, %v", got, err)
	}
	for _, bad := range []string{"name; drop table", "nope asc", "name sideways", "name desc nulls first"} {
		if _, err := checkOrder(bad, fs); err == nil {
			t.Errorf("checkOrder(%q) accepted it", bad)
		}
	}
}

func TestClipNeverLeaksTraceback(t *testing.T) {
	s := clip("Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 1\nValueError: x")
	if strings.Contains(s, "Traceback") || strings.Contains(s, "dist-packages") {
		t.Errorf("clip kept the traceback: %q", s)
	}
}

func TestDeniedRelationKeepsOnlyID(t *testing.T) {
	p := mustPolicy(t, Config{Models: []string{"!res.country"}})
	fs := map[string]fieldMeta{"country_id": {Type: "many2one", Relation: "res.country"}, "parent_id": {Type: "many2one", Relation: "res.partner"}}
	got := p.shapeRecord("res.partner", map[string]any{"country_id": []any{int64(21), "Belgium"}, "parent_id": []any{int64(1), "Acme"}}, fs, nil)
	if c := got["country_id"].(map[string]any); c["name"] != nil || c["id"] != int64(21) {
		t.Errorf("country_id = %v, want the id only", c)
	}
	if pa := got["parent_id"].(map[string]any); pa["name"] != "Acme" {
		t.Errorf("parent_id = %v, want id and name", pa)
	}
}

func TestValueProblem(t *testing.T) {
	sel := fieldMeta{Name: "type", Type: "selection", Selection: []any{[]any{"contact", "Contact"}, []any{"invoice", "Invoice"}}}
	for _, c := range []struct {
		f    fieldMeta
		v    any
		want string
	}{
		{fieldMeta{Name: "partner_id", Type: "many2one", Relation: "res.partner"}, float64(7), ""},
		{fieldMeta{Name: "partner_id", Type: "many2one", Relation: "res.partner"}, "Acme", "takes a record id"},
		{fieldMeta{Name: "partner_id", Type: "many2one"}, false, ""},
		{fieldMeta{Name: "color", Type: "integer"}, 2.5, "integer"},
		{fieldMeta{Name: "amount", Type: "monetary"}, "12", "number"},
		{fieldMeta{Name: "active", Type: "boolean"}, "yes", "true or false"},
		{fieldMeta{Name: "name", Type: "char"}, float64(3), "string"},
		{sel, "invoice", ""},
		{sel, "other", "one of contact, invoice"},
		{fieldMeta{Name: "tag_ids", Type: "many2many"}, float64(3), "list of commands"},
	} {
		got := valueProblem(c.f, c.v)
		if (got == "") != (c.want == "") || !strings.Contains(got, c.want) {
			t.Errorf("valueProblem(%s %s, %v) = %q, want %q", c.f.Type, c.f.Name, c.v, got, c.want)
		}
	}
}

func TestClipLongMessage(t *testing.T) {
	long := strings.Repeat("é", maxErrorText)
	got := clip(long)
	if len(got) > maxErrorText+10 || !strings.HasSuffix(got, "[…]") || !utf8.ValidString(got) {
		t.Errorf("clip cut badly: %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
	}
}
