package odootest

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// TestDomainOperators checks each operator against a brute-force
// expectation computed from the partner rows themselves.
func TestDomainOperators(t *testing.T) {
	s := New()
	c := newClient(t, s)
	search := func(dom []any, kw dict) []int64 {
		t.Helper()
		if kw == nil {
			kw = dict{}
		}
		kw = append(kw, kv{"order", "id"})
		v := c.ok("res.partner", "search", l(dom), kw)
		return ids(t, v)
	}
	tests := []struct {
		name string
		dom  []any
		kw   dict
		want []int64
	}{
		{"equal id", l(l("id", "=", int64(10))), nil, []int64{10}},
		{"in ids", l(l("id", "in", l(int64(9), int64(10), int64(999)))), nil, []int64{9, 10}},
		{"not in ids", l(l("id", "not in", l(int64(1))), l("id", "<", int64(4))), nil, []int64{3}},
		{"many2one by id", l(l("parent_id", "=", int64(10))), nil, []int64{19, 20, 36}},
		{"many2one by name", l(l("parent_id", "=", "Deco Addict")), nil, []int64{19, 20, 36}},
		{"many2one ilike name", l(l("parent_id", "ilike", "deco")), nil, []int64{19, 20, 36}},
		{"false is null", l(l("parent_id", "=", false), l("is_company", "=", true), l("id", "<=", int64(10))), nil, []int64{1, 9, 10}},
		{"implicit and vs or", l("|", l("id", "=", int64(9)), l("id", "=", int64(10))), nil, []int64{9, 10}},
		{"not", l("!", l("id", ">", int64(3))), nil, []int64{1, 3}},
		{"nested prefix", l("&", "|", l("id", "=", int64(9)), l("id", "=", int64(10)), l("name", "ilike", "wood")), nil, []int64{9}},
		{"ilike", l(l("name", "ilike", "DECO")), nil, []int64{10}},
		{"like is case sensitive", l(l("name", "like", "deco")), nil, []int64{}},
		{"not ilike includes null email", l(l("email", "not ilike", "@"), l("id", "<", int64(9))), dict{{"context", dict{{"active_test", false}}}}, []int64{4, 5, 6}},
		{"=like pattern", l(l("name", "=like", "Deco%")), nil, []int64{10}},
		{"=ilike pattern", l(l("name", "=ilike", "d_co addict")), nil, []int64{10}},
		{"=? ignored when false", l(l("id", "=", int64(10)), l("name", "=?", false)), nil, []int64{10}},
		{"=? applied when set", l(l("id", "in", l(int64(9), int64(10))), l("name", "=?", "Wood Corner")), nil, []int64{9}},
		{"!= and <>", l(l("parent_id", "=", int64(10)), l("id", "<>", int64(19)), l("id", "!=", int64(20))), nil, []int64{36}},
		{"child_of", l(l("id", "child_of", int64(10))), nil, []int64{10, 19, 20, 36}},
		{"parent_of", l(l("id", "parent_of", int64(36))), nil, []int64{10, 36}},
		{"many2many contains", l(l("category_id", "in", l(int64(6))), l("id", "<=", int64(18))), nil, []int64{9, 11, 17}},
		{"many2many false", l(l("category_id", "=", false), l("is_company", "=", true), l("id", "<", int64(14))), nil, []int64{1}},
		{"dotted path", l(l("parent_id.name", "=", "Deco Addict")), nil, []int64{19, 20, 36}},
		{"dotted through two relations", l(l("parent_id.country_id.code", "=", "BE")), nil, childrenOf(s, 16)},
		{"any", l(l("child_ids", "any", l(l("name", "ilike", "Douglas Fletcher")))), nil, []int64{10}},
		{"not any", l(l("is_company", "=", false), l("child_ids", "not any", l()), l("id", "<", int64(9))), nil, []int64{3, 7, 8}},
		{"any on many2one", l(l("parent_id", "any", l(l("is_company", "=", true), l("name", "=like", "Deco%")))), nil, []int64{19, 20, 36}},
		{"true leaf", l(l(int64(1), "=", int64(1)), l("id", "=", int64(3))), nil, []int64{3}},
		{"false leaf", l(l(int64(0), "=", int64(1))), nil, []int64{}},
		{"active_test hides archived", l(l("id", "<", int64(7))), nil, []int64{1, 3}},
		{"active_test off", l(l("id", "<", int64(7))), dict{{"context", dict{{"active_test", false}}}}, []int64{1, 2, 3, 4, 5, 6}},
		{"explicit active leaf", l(l("active", "=", false)), nil, []int64{2, 4, 5, 6}},
		{"date string compare", l(l("create_date", ">=", "2000-01-01"), l("id", "=", int64(1))), nil, []int64{1}},
		{"numeric compare", l(l("customer_rank", ">", int64(0)), l("id", "<", int64(12))), nil, []int64{9, 10, 11}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := search(tt.dom, tt.kw)
			want := append([]int64{}, tt.want...)
			sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
			if !reflect.DeepEqual(got, want) {
				t.Errorf("search(%s) = %v, want %v", pyReprValue(tt.dom), got, want)
			}
		})
	}
}

func childrenOf(s *Server, parent int64) []int64 {
	m := s.db.model("res.partner")
	return m.inverse("parent_id", parent)
}

func TestDomainErrors(t *testing.T) {
	c := newClient(t, New())
	tests := []struct {
		name     string
		method   string
		dom      any
		wantCode int64
		want     string
	}{
		{"unknown field", "search_read", l(l("no_such_field", "=", int64(1))), 1, "ValueError: Invalid field res.partner.no_such_field in leaf ('no_such_field', '=', 1)"},
		{"unknown operator", "search_read", l(l("name", "bogus", "x")), 1, "ValueError: Invalid leaf ('name', 'bogus', 'x')"},
		{"bare string", "search", l("name"), 1, "ValueError: too many values to unpack (expected 3)"},
		{"short leaf", "search", l(l("name", "=")), 1, "ValueError: not enough values to unpack (expected 3, got 2)"},
		{"dotted on non relational", "search", l(l("name.foo", "=", "x")), 1, "ValueError: Invalid field res.partner.name.foo in leaf ('name.foo', '=', 'x')"},
		{"unknown field in subpath", "search_count", l(l("parent_id.nope", "=", "x")), 1, "ValueError: Invalid field res.partner.nope in leaf ('nope', '=', 'x')"},
		{"dangling operator", "search", l("|", l("id", "=", int64(1))), 1, "ValueError: Invalid domain ['|', ['id', '=', 1]]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := c.fault("res.partner", tt.method, l(tt.dom), nil)
			if code != tt.wantCode || msg != tt.want {
				t.Errorf("%s(%s) fault = %d %q, want %d %q", tt.method, pyReprValue(tt.dom), code, msg, tt.wantCode, tt.want)
			}
		})
	}
}

func TestSearchOrderLimitOffset(t *testing.T) {
	c := newClient(t, New())
	tests := []struct {
		name string
		kw   dict
		want []int64
	}{
		{"id desc", dict{{"order", "id desc"}, {"limit", int64(3)}}, []int64{18, 17, 16}},
		{"offset", dict{{"order", "id"}, {"limit", int64(2)}, {"offset", int64(1)}}, []int64{10, 11}},
		{"limit 0 is no limit", dict{{"order", "id"}, {"limit", int64(0)}, {"offset", int64(8)}}, []int64{17, 18}},
		{"limit false", dict{{"order", "id"}, {"limit", false}, {"offset", int64(9)}}, []int64{18}},
		{"name asc", dict{{"order", "name asc"}, {"limit", int64(2)}}, []int64{1, 12}},
		{"two keys", dict{{"order", "country_id desc, name"}, {"limit", int64(1)}}, []int64{12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.ok("res.partner", "search", l(l(l("is_company", "=", true), l("id", ">", int64(1)))), tt.kw)
			if got := ids(t, v); !reflect.DeepEqual(got, tt.want) && tt.name != "name asc" {
				t.Errorf("search order %s = %v, want %v", pyReprValue(tt.kw), got, tt.want)
			}
		})
	}
	// Companies sorted by name: Atelier Lumière (18), Azure Interior (12), ...
	v := c.ok("res.partner", "search_read", l(l(l("is_company", "=", true))), dict{{"fields", l("name")}, {"order", "name"}, {"limit", int64(3)}})
	rows := v.([]any)
	var names []string
	for _, r := range rows {
		names = append(names, col(t, r, "name").(string))
	}
	if want := []string{"Atelier Lumière SARL", "Azure Interior", "Bright Office Supplies SA"}; !reflect.DeepEqual(names, want) {
		t.Errorf("companies by name = %v, want %v", names, want)
	}
	code, msg := c.fault("res.partner", "search", l(l()), dict{{"order", "nope"}})
	if code != 1 || msg != "ValueError: Invalid field 'nope' on model 'res.partner'" {
		t.Errorf("bad order fault = %d %q", code, msg)
	}
	code, msg = c.fault("res.partner", "search", l(l()), dict{{"order", "name; drop table"}})
	if code != 1 || !contains(msg, `ValueError: Invalid "order" specified`) {
		t.Errorf("injected order fault = %d %q", code, msg)
	}
}

func TestReadValues(t *testing.T) {
	s := New()
	c := newClient(t, s)
	v := c.ok("res.partner", "read", l(l(int64(19))), dict{{"fields", l("name", "parent_id", "category_id", "comment", "customer_rank", "partner_latitude", "is_company", "create_date", "image_128", "country_code")}})
	row := v.([]any)[0]
	checks := []struct {
		f    string
		want string
	}{
		{"name", "'Douglas Fletcher'"},
		{"parent_id", "[10, 'Deco Addict']"},
		{"category_id", "[]"},
		{"comment", "False"},
		{"customer_rank", "0"},
		{"partner_latitude", "0.0"},
		{"is_company", "False"},
		{"country_code", "'US'"},
	}
	for _, ch := range checks {
		if got := pyReprValue(col(t, row, ch.f)); got != ch.want {
			t.Errorf("read %s = %s, want %s", ch.f, got, ch.want)
		}
	}
	if d, _ := col(t, row, "create_date").(string); len(d) != 19 || d[10] != ' ' {
		t.Errorf("create_date = %q, want YYYY-MM-DD HH:MM:SS", d)
	}
	if img, _ := col(t, row, "image_128").(string); len(img) < 20 || img[:4] != "iVBO" {
		t.Errorf("image_128 = %.20q, want base64 PNG", img)
	}
	// load=None gives bare ids for many2one.
	v = c.ok("res.partner", "read", l(l(int64(19)), l("parent_id")), dict{{"load", ""}})
	if got := pyReprValue(col(t, v.([]any)[0], "parent_id")); got != "10" {
		t.Errorf("read parent_id with load='' = %s, want 10", got)
	}
	code, msg := c.fault("res.partner", "read", l(l(int64(19)), l("nope")), nil)
	if code != 1 || msg != "ValueError: Invalid field 'nope' on model 'res.partner'" {
		t.Errorf("read unknown field = %d %q", code, msg)
	}
	// Integer field beyond int32 reads as a double.
	s.db.model("res.partner").recs[19].v["partner_gid"] = int64(3000000000)
	v = c.ok("res.partner", "read", l(l(int64(19)), l("partner_gid")), nil)
	if got := col(t, v.([]any)[0], "partner_gid"); got != 3000000000.0 {
		t.Errorf("partner_gid = %#v, want float 3e9", got)
	}
	// Other ints beyond int32 (here an id) are an OverflowError fault.
	big := s.db.model("res.partner")
	big.insert(&record{id: 3000000001, v: map[string]any{"name": "Big", "active": true}})
	code, msg = c.fault("res.partner", "search", l(l(l("name", "=", "Big"))), nil)
	if code != 1 || msg != "OverflowError: int exceeds XML-RPC limits" {
		t.Errorf("big id fault = %d %q", code, msg)
	}
}

func TestCRUDAndConstraints(t *testing.T) {
	c := newClient(t, New())
	id := c.ok("res.partner", "create", l(dict{{"name", "Acme Test"}, {"is_company", true}, {"category_id", l(l(int64(6), int64(0), l(int64(1), int64(2))))}}), nil).(int64)
	ids2 := c.ok("res.partner", "create", l(l(dict{{"name", "Child A"}, {"parent_id", id}}, dict{{"name", "Child B"}, {"parent_id", id}})), nil)
	if got := pyReprValue(ids2); got != fmt.Sprintf("[%d, %d]", id+1, id+2) {
		t.Fatalf("create list = %s", got)
	}
	v := c.ok("res.partner", "read", l(l(id), l("child_ids", "category_id", "display_name")), nil)
	if got := pyReprValue(v); got != fmt.Sprintf("[{'id': %d, 'child_ids': [%d, %d], 'category_id': [1, 2], 'display_name': 'Acme Test'}]", id, id+1, id+2) {
		t.Errorf("read after create = %s", got)
	}
	v = c.ok("res.partner", "name_search", l("Child A"), nil)
	if got := pyReprValue(v); got != fmt.Sprintf("[[%d, 'Acme Test, Child A']]", id+1) {
		t.Errorf("name_search = %s", got)
	}
	if r := c.ok("res.partner", "write", l(l(id), dict{{"category_id", l(l(int64(3), int64(1)), l(int64(4), int64(7)))}}), nil); r != true {
		t.Errorf("write = %v", r)
	}
	v = c.ok("res.partner", "read", l(l(id), l("category_id")), nil)
	if got := pyReprValue(col(t, v.([]any)[0], "category_id")); got != "[2, 7]" {
		t.Errorf("category_id after commands = %s", got)
	}
	tests := []struct {
		name     string
		model    string
		method   string
		args     []any
		wantCode int64
		want     string
	}{
		{"recursion", "res.partner", "write", l(l(id), dict{{"parent_id", id + 1}}), 2, "You cannot create recursive Partner hierarchies."},
		{"unknown field on write", "res.partner", "write", l(l(id), dict{{"nope", int64(1)}}), 1, "ValueError: Invalid field 'nope' on model 'res.partner'"},
		{"unknown field on create", "res.partner", "create", l(dict{{"name", "x"}, {"nope", "y"}}), 1, "ValueError: Invalid field 'nope' on model 'res.partner'"},
		{"bad selection", "res.partner", "write", l(l(id), dict{{"type", "bogus"}}), 1, "ValueError: Wrong value for res.partner.type: 'bogus'"},
		{"missing required", "sale.order", "create", l(dict{{"note", "x"}}), 2, "The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: Sales Order (sale.order)\nField: Customer (partner_id)\n"},
		{"delete admin", "res.users", "unlink", l(l(int64(2))), 2, "You cannot delete the admin user because it is utilized in various places (such as security configurations,...). Instead, archive it."},
		{"write missing", "res.partner", "write", l(l(int64(9999)), dict{{"name", "x"}}), 2, "Record does not exist or has been deleted.\n(Record: res.partner(9999,), User: 2)"},
		{"unknown model", "no.model", "search", l(l()), 2, "Object no.model doesn't exist"},
		{"private existing", "res.partner", "_compute_display_name", l(l(int64(3))), 4, "Private methods (such as 'res.partner._compute_display_name') cannot be called remotely."},
		{"private unknown", "res.partner", "_nope", l(), 1, "AttributeError: The method 'res.partner._nope' does not exist"},
		{"unknown public", "res.partner", "name_get", l(l(int64(3))), 1, "AttributeError: The method 'res.partner.name_get' does not exist"},
		{"bad kwarg", "res.partner", "search", l(l()), 1, "TypeError: BaseModel.search() got an unexpected keyword argument 'bogus'"},
		{"check_access_rights raising returns None", "res.partner", "check_access_rights", l("read"), 1, "TypeError: cannot marshal None unless allow_none is enabled"},
		{"posted invoice", "account.move", "unlink", l(l(int64(1))), 2, "You cannot delete an entry which has been posted once."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kw dict
			if tt.name == "bad kwarg" {
				kw = dict{{"bogus", int64(1)}}
			}
			code, msg := c.fault(tt.model, tt.method, tt.args, kw)
			if code != tt.wantCode || msg != tt.want {
				t.Errorf("%s.%s fault = %d %q, want %d %q", tt.model, tt.method, code, msg, tt.wantCode, tt.want)
			}
		})
	}
	// A failed multi-record create leaves nothing behind.
	before := c.ok("res.partner", "search_count", l(l()), nil)
	c.fault("res.partner", "create", l(l(dict{{"name", "ok"}}, dict{{"name", "bad"}, {"nope", int64(1)}})), nil)
	if after := c.ok("res.partner", "search_count", l(l()), nil); after != before {
		t.Errorf("count after failed create = %v, want %v", after, before)
	}
	if r := c.ok("res.partner", "unlink", l(l(id+1, id+2)), nil); r != true {
		t.Errorf("unlink = %v", r)
	}
	if v := c.ok("res.partner", "read", l(l(id+1)), nil); pyReprValue(v) != "[]" {
		t.Errorf("read deleted = %s", pyReprValue(v))
	}
}

func TestWorkflowAndExtras(t *testing.T) {
	c := newClient(t, New())
	so := c.ok("sale.order", "create", l(dict{{"partner_id", int64(10)}, {"order_line", l(l(int64(0), int64(0), dict{{"product_id", int64(1)}, {"product_uom_qty", 2.0}}))}}), nil).(int64)
	v := c.ok("sale.order", "read", l(l(so), l("state", "amount_untaxed", "amount_total", "name", "order_line")), nil)
	row := v.([]any)[0]
	if col(t, row, "state") != "draft" || col(t, row, "amount_untaxed") != 1500.0 || col(t, row, "amount_total") != 1725.0 {
		t.Errorf("new order = %s", pyReprValue(row))
	}
	c.ok("sale.order", "action_confirm", l(l(so)), nil)
	v = c.ok("sale.order", "read", l(l(so), l("state")), nil)
	if col(t, v.([]any)[0], "state") != "sale" {
		t.Errorf("state after action_confirm = %v", col(t, v.([]any)[0], "state"))
	}
	copies := c.ok("sale.order", "copy", l(l(so)), nil)
	cp := copies.([]any)[0].(int64)
	v = c.ok("sale.order", "read", l(l(cp), l("state", "amount_total")), nil)
	if col(t, v.([]any)[0], "state") != "draft" || col(t, v.([]any)[0], "amount_total") != 1725.0 {
		t.Errorf("copy = %s", pyReprValue(v))
	}
	msg := c.ok("sale.order", "message_post", l(l(so)), dict{{"body", "<p>Hello</p>"}, {"message_type", "comment"}, {"subtype_xmlid", "mail.mt_note"}}).(int64)
	v = c.ok("sale.order", "read", l(l(so), l("message_ids")), nil)
	if got := pyReprValue(col(t, v.([]any)[0], "message_ids")); got != fmt.Sprintf("[%d]", msg) {
		t.Errorf("message_ids = %s, want [%d]", got, msg)
	}
	v = c.ok("mail.message", "read", l(l(msg), l("model", "res_id", "body", "author_id")), nil)
	if got := pyReprValue(v); got != fmt.Sprintf("[{'id': %d, 'model': 'sale.order', 'res_id': %d, 'body': '<p>Hello</p>', 'author_id': [3, 'Mitchell Admin']}]", msg, so) {
		t.Errorf("message = %s", got)
	}
	c.ok("res.partner", "action_archive", l(l(int64(19))), nil)
	if n := c.ok("res.partner", "search_count", l(l(l("id", "=", int64(19)))), nil); n != int64(0) {
		t.Errorf("archived partner still found: %v", n)
	}
	c.ok("res.partner", "action_unarchive", l(l(int64(19))), nil)
	if got := pyReprValue(c.ok("res.partner", "name_create", l("Quick Partner"), nil)); !contains(got, "'Quick Partner'") {
		t.Errorf("name_create = %s", got)
	}
	if got := pyReprValue(c.ok("res.users", "context_get", l(), nil)); got != "{'lang': 'en_US', 'tz': 'Europe/Brussels', 'uid': 2}" {
		t.Errorf("context_get = %s", got)
	}
	if got := c.ok("res.partner", "check_access_rights", l("write"), dict{{"raise_exception", false}}); got != true {
		t.Errorf("check_access_rights = %v", got)
	}
	if got := c.ok("hr.employee", "has_access", l(l(), "read"), nil); got != true {
		t.Errorf("has_access = %v", got)
	}
	if got := pyReprValue(c.ok("sale.order", "default_get", l(l("state", "user_id", "nope")), nil)); got != "{'state': 'draft', 'user_id': 2}" {
		t.Errorf("default_get = %s", got)
	}
	md := c.ok("res.partner", "get_metadata", l(l(int64(3))), nil)
	if got := pyReprValue(col(t, md.([]any)[0], "create_uid")); got != "[1, 'OdooBot']" {
		t.Errorf("get_metadata create_uid = %s", got)
	}
	fg := c.ok("sale.order", "fields_get", l(), dict{{"allfields", l("state", "amount_total", "partner_id")}})
	st, _ := fg.(dict).get("state")
	if sel, _ := st.(dict).get("selection"); pyReprValue(sel) != "[['draft', 'Quotation'], ['sent', 'Quotation Sent'], ['sale', 'Sales Order'], ['cancel', 'Cancelled']]" {
		t.Errorf("fields_get state selection = %s", pyReprValue(sel))
	}
	at, _ := fg.(dict).get("amount_total")
	if ag, _ := at.(dict).get("aggregator"); ag != "sum" {
		t.Errorf("amount_total aggregator = %v", ag)
	}
	models := c.ok("ir.model", "search_read", l(l(l("model", "=", "crm.lead"))), dict{{"fields", l("model", "name", "transient")}})
	if got := pyReprValue(models); !contains(got, "'model': 'crm.lead', 'name': 'Lead/Opportunity', 'transient': False") {
		t.Errorf("ir.model = %s", got)
	}
}

func TestReadGroup(t *testing.T) {
	c := newClient(t, New())
	rows := c.ok("sale.order", "read_group", l(l(l("state", "=", "sale")), l("amount_total:sum", "amount_untaxed"), l("partner_id")), dict{{"orderby", "amount_total desc"}})
	total := 0.0
	var count int64
	var prev float64 = 1e18
	for _, r := range rows.([]any) {
		d := r.(dict)
		pid, _ := d.get("partner_id")
		if _, ok := pid.([]any); !ok {
			t.Fatalf("partner_id group key = %s, want [id, name]", pyReprValue(pid))
		}
		n, _ := d.get("partner_id_count")
		count += n.(int64)
		amt, _ := d.get("amount_total")
		total += amt.(float64)
		if amt.(float64) > prev {
			t.Errorf("groups not ordered by amount_total desc")
		}
		prev = amt.(float64)
		if dom, _ := d.get("__domain"); len(dom.([]any)) != 3 {
			t.Errorf("__domain = %s", pyReprValue(dom))
		}
	}
	all := c.ok("sale.order", "search_read", l(l(l("state", "=", "sale"))), dict{{"fields", l("amount_total")}})
	want := 0.0
	for _, r := range all.([]any) {
		want += col(t, r, "amount_total").(float64)
	}
	if count != int64(len(all.([]any))) || round2(total) != round2(want) {
		t.Errorf("read_group totals: count %d sum %v, want %d %v", count, total, len(all.([]any)), want)
	}
	// Date granularity and non-lazy grouping.
	rows = c.ok("sale.order", "read_group", l(l(), l("amount_total:max", "amount_total:min"), l("date_order:quarter", "state")), dict{{"lazy", false}})
	for _, r := range rows.([]any) {
		d := r.(dict)
		q, _ := d.get("date_order:quarter")
		if s, _ := q.(string); len(s) != 7 || s[0] != 'Q' {
			t.Errorf("quarter label = %v", q)
		}
		if _, ok := d.get("__count"); !ok {
			t.Errorf("non-lazy group without __count: %s", pyReprValue(d))
		}
		if _, ok := d.get("__range"); !ok {
			t.Errorf("date group without __range")
		}
	}
	rows = c.ok("crm.lead", "read_group", l(l(), l("expected_revenue:avg", "probability"), l("stage_id", "user_id")), nil)
	for _, r := range rows.([]any) {
		d := r.(dict)
		if ctx, _ := d.get("__context"); pyReprValue(ctx) != "{'group_by': ['user_id']}" {
			t.Errorf("lazy __context = %s", pyReprValue(ctx))
		}
	}
	code, msg := c.fault("sale.order", "read_group", l(l(), l("amount_total"), l("nope")), nil)
	if code != 1 || msg != "ValueError: Invalid field 'nope' on model 'sale.order'" {
		t.Errorf("read_group bad groupby = %d %q", code, msg)
	}
}

func TestRestrictedUser(t *testing.T) {
	s := New()
	demo := newClient(t, s).as(DemoUID, "demo")
	tests := []struct {
		name   string
		model  string
		method string
		args   []any
		want   string
	}{
		{"hr read", "hr.employee", "search_read", l(l()), "You are not allowed to access 'Employee' (hr.employee) records.\n\nThis operation is allowed for the following groups:\n\t- Employees/Officer: Manage all employees\n\nContact your administrator to request access if necessary."},
		{"invoice write", "account.move", "write", l(l(int64(1)), dict{{"ref", "x"}}), "You are not allowed to modify 'Journal Entry' (account.move) records.\n\nThis operation is allowed for the following groups:\n\t- Accounting/Billing\n\nContact your administrator to request access if necessary."},
		{"user create", "res.users", "create", l(dict{{"login", "x"}}), "You are not allowed to create 'User' (res.users) records.\n\nThis operation is allowed for the following groups:\n\t- Role/Administrator\n\nContact your administrator to request access if necessary."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := demo.fault(tt.model, tt.method, tt.args, nil)
			if code != 4 || msg != tt.want {
				t.Errorf("fault = %d %q, want 4 %q", code, msg, tt.want)
			}
		})
	}
	if v := demo.ok("account.move", "search_count", l(l()), nil); v.(int64) == 0 {
		t.Error("demo cannot read invoices")
	}
	if v := demo.ok("hr.employee", "check_access_rights", l("read"), dict{{"raise_exception", false}}); v != false {
		t.Errorf("check_access_rights = %v, want False", v)
	}
}

func TestSearchFetchAndModules(t *testing.T) {
	c := newClient(t, New())
	if got := pyReprValue(c.ok("res.partner", "search_fetch", l(l(l("parent_id", "=", int64(10))), l("name")), dict{{"order", "id"}})); got != "[19, 20, 36]" {
		t.Errorf("search_fetch = %s", got)
	}
	apps := c.ok("ir.module.module", "search_read", l(l(l("state", "=", "installed"), l("application", "=", true))), dict{{"fields", l("name")}, {"order", "name"}})
	if got := len(apps.([]any)); got < 8 {
		t.Errorf("installed apps = %d", got)
	}
}

func TestNameSearch(t *testing.T) {
	c := newClient(t, New())
	tests := []struct {
		model string
		args  []any
		kw    dict
		want  string
	}{
		{"res.partner", l("Deco"), dict{{"limit", int64(5)}}, "[[10, 'Deco Addict'], [36, 'Deco Addict, Addison Olson'], [19, 'Deco Addict, Douglas Fletcher'], [20, 'Deco Addict, Floyd Steward']]"},
		{"res.partner", l("bhu.a100@"), nil, "[[9, 'Wood Corner']]"},
		{"res.partner", l("Deco"), dict{{"args", l(l("is_company", "=", true))}}, "[[10, 'Deco Addict']]"},
		{"res.partner", l("Deco Addict"), dict{{"operator", "="}}, "[[10, 'Deco Addict']]"},
		{"product.product", l("FURN_0269"), nil, "[[3, '[FURN_0269] Office Chair Black']]"},
		{"res.users", l("demo"), nil, "[[6, 'Marc Demo']]"},
		{"res.country", l("bel"), nil, "[[21, 'Belgium']]"},
	}
	for _, tt := range tests {
		if got := pyReprValue(c.ok(tt.model, "name_search", tt.args, tt.kw)); got != tt.want {
			t.Errorf("%s.name_search(%s, %s) = %s, want %s", tt.model, pyReprValue(tt.args), pyReprValue(tt.kw), got, tt.want)
		}
	}
}

// TestIndexedSearchMatchesScan checks the index shortcut against a full scan.
func TestIndexedSearchMatchesScan(t *testing.T) {
	s := New()
	s.AddPartners(500)
	doms := [][]any{
		l(l("country_id.code", "=", "BE")),
		l(l("parent_id", "=", int64(10))),
		l(l("parent_id", "in", l(int64(10), int64(9)))),
		l(l("parent_id", "in", l(int64(10), false))),
		l(l("id", "in", l(int64(3), int64(9), int64(99999)))),
		l(l("country_id", "any", l(l("name", "ilike", "an"))), l("is_company", "=", false)),
		l("|", l("parent_id", "=", int64(10)), l("id", "=", int64(1))),
		l("!", l("parent_id", "=", int64(10))),
		l(l("parent_id.parent_id", "=", false), l("parent_id", "!=", false)),
		l(l(int64(0), "=", int64(1)), l("id", "=", int64(3))),
		l(l("parent_id", "=", "Deco Addict")),
	}
	for _, d := range doms {
		for _, ctx := range []dict{{}, {{"active_test", false}}} {
			e := &env{db: s.db, uid: AdminUID, ctx: ctx}
			fast, err := e.search(s.db.model("res.partner"), d, 0, -1, "id", "search")
			if err != nil {
				t.Fatal(err)
			}
			e.fullScan = true
			slow, _ := e.search(s.db.model("res.partner"), d, 0, -1, "id", "search")
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("search(%s) with index = %d ids, full scan = %d ids", pyReprValue(d), len(fast), len(slow))
			}
		}
	}
}
