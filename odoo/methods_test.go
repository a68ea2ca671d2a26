package odoo

import (
	"reflect"
	"testing"
)

// TestReadGroupCall19 checks the formatted_read_group call ReadGroup makes
// on 19: read_group's arguments converted as Odoo 19's read_group converts
// them for _read_group.
func TestReadGroupCall19(t *testing.T) {
	info := map[string]fieldInfo{
		"date_order":   {typ: "datetime"},
		"validity":     {typ: "date"},
		"partner_id":   {typ: "many2one"},
		"amount_total": {typ: "monetary", aggregator: "sum"},
		"name":         {typ: "char"},
	}
	lookup := func(f string) fieldInfo { return info[f] }
	tests := []struct {
		name            string
		fields, groupby []string
		o               ReadGroupOptions
		wantGB, wantAgg []any
		wantOrder       any // nil: none sent
	}{
		{"dates default to months", []string{"amount_total"}, []string{"date_order", "validity:week", "partner_id"}, ReadGroupOptions{},
			[]any{"date_order:month", "validity:week", "partner_id"}, []any{"__count", "amount_total:sum"}, nil},
		{"order terms name what is sent", []string{"amount_total:max", "name"}, []string{"date_order"}, ReadGroupOptions{Lazy: true, OrderBy: "amount_total desc, date_order_count,date_order DESC NULLS LAST, __count"},
			[]any{"date_order:month"}, []any{"__count", "amount_total:max"}, "amount_total:max desc,__count,date_order:month DESC NULLS LAST,__count"},
		{"aliases and overridden keys", []string{"total:sum(amount_total)", "amount_total", "amount_total:avg"}, []string{"partner_id"}, ReadGroupOptions{OrderBy: "total, amount_total desc, partner_id"},
			[]any{"partner_id"}, []any{"__count", "amount_total:sum", "amount_total:avg"}, "amount_total:sum,amount_total:avg desc,partner_id"},
		{"unknown names go as given", []string{"nope"}, []string{"partner_id"}, ReadGroupOptions{OrderBy: "nope desc, name"},
			[]any{"partner_id"}, []any{"__count", "nope"}, "nope desc,name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, shape := readGroupCall(19, "sale.order", nil, tt.fields, tt.groupby, &tt.o, lookup)
			if cl.method != "formatted_read_group" || shape == nil {
				t.Fatalf("method = %s", cl.method)
			}
			if !reflect.DeepEqual(cl.kwargs["groupby"], tt.wantGB) || !reflect.DeepEqual(cl.kwargs["aggregates"], tt.wantAgg) || !reflect.DeepEqual(cl.kwargs["order"], tt.wantOrder) {
				t.Errorf("kwargs = %v\nwant groupby %v aggregates %v order %v", cl.kwargs, tt.wantGB, tt.wantAgg, tt.wantOrder)
			}
		})
	}
	// The rows come back in read_group's shape.
	_, shape := readGroupCall(19, "sale.order", []any{[]any{"state", "=", "sale"}}, []string{"total:sum(amount_total)"}, []string{"date_order", "partner_id"}, &ReadGroupOptions{Lazy: true}, lookup)
	extra := []any{"&", []any{"date_order", ">=", "2026-03-01 00:00:00"}, []any{"date_order", "<", "2026-04-01 00:00:00"}}
	got := shape.rows([]map[string]any{{"date_order:month": []any{"2026-03-01 00:00:00", "March 2026"}, "__extra_domain": extra, "__count": int64(4), "amount_total:sum": 12.5}})
	want := []map[string]any{{
		"date_order": "March 2026", "date_order_count": int64(4), "total": 12.5,
		"__range":   map[string]any{"date_order": map[string]any{"from": "2026-03-01 00:00:00", "to": "2026-04-01 00:00:00"}},
		"__domain":  append([]any{[]any{"state", "=", "sale"}}, extra...),
		"__context": map[string]any{"group_by": []any{"partner_id"}},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %v\nwant %v", got, want)
	}
}
