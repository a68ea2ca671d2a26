package odootest

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestFormattedReadGroupRefuses checks that Odoo 19's formatted_read_group
// refuses what its _read_group refuses, read_group's loose forms included,
// with Odoo's ValueError over both protocols: fault 1 on XML-RPC, 500
// builtins.ValueError on JSON-2.
func TestFormattedReadGroupRefuses(t *testing.T) {
	s := New(WithVersion(19))
	c := newClient(t, s)
	tests := []struct {
		name string
		kw   dict
		want string
	}{
		{"date groupby without granularity", dict{{"groupby", l("date_order")}, {"aggregates", l("__count")}},
			"Granularity not set on a date(time) field: 'date_order'"},
		{"datetime groupby without granularity, second", dict{{"groupby", l("partner_id", "create_date")}},
			"Granularity not set on a date(time) field: 'create_date'"},
		{"order by a field name", dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total:sum")}, {"order", "amount_total desc"}},
			"Order term 'amount_total desc' is not a valid aggregate nor valid groupby"},
		{"order term keeps its spaces", dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total:sum")}, {"order", "partner_id, amount_total"}},
			"Order term ' amount_total' is not a valid aggregate nor valid groupby"},
		{"order by the field of a date groupby", dict{{"groupby", l("date_order:month")}, {"order", "date_order desc"}},
			"Order term 'date_order desc' is not a valid aggregate nor valid groupby"},
		{"order by an unknown aggregate", dict{{"groupby", l("partner_id")}, {"order", "amount_total:median"}},
			"Order term 'amount_total:median' is not a valid aggregate nor valid groupby"},
		{"order not parsable", dict{{"groupby", l("partner_id")}, {"order", "partner_id sideways"}},
			"Invalid order 'partner_id sideways' for _read_group()"},
		{"aggregate without function", dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total")}},
			"Aggregate method is mandatory for 'amount_total'"},
		{"aggregate on an unknown field", dict{{"groupby", l("partner_id")}, {"aggregates", l("nope:sum")}},
			"Invalid field 'nope' on model 'sale.order' for 'nope:sum'."},
		{"unknown aggregate function", dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total:median")}},
			"Invalid aggregate method 'median' for 'amount_total:median'."},
	}
	h := s.Handler()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg := newClient(t, s).fault("sale.order", "formatted_read_group", l(l()), tt.kw)
			if code != 1 || msg != "ValueError: "+tt.want {
				t.Errorf("XML-RPC fault = %d %q, want 1 %q", code, msg, "ValueError: "+tt.want)
			}
			body := map[string]any{"domain": []any{}}
			for _, e := range tt.kw {
				body[e.K] = e.V
			}
			b, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			rec := post(h, "/json/2/sale.order/formatted_read_group", "application/json", b, "Authorization", "bearer "+AdminAPIKey)
			var e struct{ Name, Message string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("JSON-2 body %q: %v", rec.Body.String(), err)
			}
			if rec.Code != 500 || e.Name != "builtins.ValueError" || e.Message != tt.want {
				t.Errorf("JSON-2 = %d %s: %q, want 500 builtins.ValueError: %q", rec.Code, e.Name, e.Message, tt.want)
			}
		})
	}
	// The deprecated read_group still converts the loose forms itself.
	rows := c.ok("sale.order", "read_group", l(l(), l("amount_total"), l("date_order")), dict{{"orderby", "amount_total desc"}})
	if len(rows.([]any)) == 0 {
		t.Error("read_group on 19 with a date groupby and a field order returned no groups")
	}
}

// TestFormattedReadGroupOrdersAndShapes checks formatted_read_group's
// ordering by aggregate specs (asked for or not) and by __count, and its
// row shape: groupby values, __extra_domain with the group's own domain,
// then the aggregates asked for, a date group as [range start, label].
func TestFormattedReadGroupOrdersAndShapes(t *testing.T) {
	c := newClient(t, New(WithVersion(19)))
	total := c.ok("sale.order", "search_count", l(l()), nil).(int64)
	for _, tt := range []struct{ order, key string }{
		{"amount_total:sum desc", "amount_total:sum"},
		{"amount_total:max DESC", "amount_total:max"},
		{"__count desc, partner_id", "__count"},
	} {
		rows := c.ok("sale.order", "formatted_read_group", l(l()), dict{{"groupby", l("partner_id")},
			{"aggregates", l("amount_total:sum", "amount_total:max", "__count")}, {"order", tt.order}}).([]any)
		if len(rows) < 3 {
			t.Fatalf("order %q: %d groups, want several", tt.order, len(rows))
		}
		var distinct bool
		for i := 1; i < len(rows); i++ {
			prev, cur := col(t, rows[i-1], tt.key), col(t, rows[i], tt.key)
			if c := compareValues(prev, cur); c < 0 {
				t.Errorf("order %q: group %d has %s %v after %v", tt.order, i, tt.key, cur, prev)
			} else if c > 0 {
				distinct = true
			}
		}
		if !distinct {
			t.Errorf("order %q: every group has the same %s; the test proves nothing", tt.order, tt.key)
		}
	}
	// Ordering by an aggregate not asked for.
	rows := c.ok("sale.order", "formatted_read_group", l(l()), dict{{"groupby", l("partner_id")},
		{"aggregates", l("__count")}, {"order", "amount_total:sum asc"}}).([]any)
	sums := map[int64]float64{}
	for _, r := range c.ok("sale.order", "formatted_read_group", l(l()), dict{{"groupby", l("partner_id")}, {"aggregates", l("amount_total:sum")}}).([]any) {
		sums[col(t, r, "partner_id").([]any)[0].(int64)] = col(t, r, "amount_total:sum").(float64)
	}
	for i := 1; i < len(rows); i++ {
		a, b := sums[col(t, rows[i-1], "partner_id").([]any)[0].(int64)], sums[col(t, rows[i], "partner_id").([]any)[0].(int64)]
		if a > b {
			t.Errorf("order by amount_total:sum not asked for: group %d sum %v after %v", i, b, a)
		}
	}

	rows = c.ok("sale.order", "formatted_read_group", l(l()), dict{{"groupby", l("date_order:month")}, {"aggregates", l("__count")}}).([]any)
	var n int64
	for _, r := range rows {
		d := r.(dict)
		var keys []string
		for _, e := range d {
			keys = append(keys, e.K)
		}
		if got := strings.Join(keys, ","); got != "date_order:month,__extra_domain,__count" {
			t.Errorf("row keys = %s, want date_order:month,__extra_domain,__count", got)
		}
		n += col(t, r, "__count").(int64)
		v, ok := col(t, r, "date_order:month").([]any)
		if !ok || len(v) != 2 {
			t.Errorf("date group value = %s, want [start, label]", pyReprValue(col(t, r, "date_order:month")))
			continue
		}
		start, _ := v[0].(string)
		label, _ := v[1].(string)
		if len(start) != len("2006-01-02 15:04:05") || !strings.HasSuffix(start, "-01 00:00:00") || label == "" {
			t.Errorf("date group value = %s, want a month start datetime and a label", pyReprValue(v))
		}
		dom := col(t, r, "__extra_domain").([]any)
		if len(dom) != 3 || dom[0] != "&" || pyReprValue(dom[1]) != pyReprValue(l("date_order", ">=", start)) {
			t.Errorf("__extra_domain = %s, want ['&', ('date_order', '>=', %q), ('date_order', '<', next month)]", pyReprValue(dom), start)
		}
	}
	if n != total {
		t.Errorf("date groups count %d orders, want %d", n, total)
	}
}
