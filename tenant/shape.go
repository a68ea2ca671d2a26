package tenant

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// fieldMeta is one field as fields_get describes it.
type fieldMeta struct {
	Name      string
	Type      string
	Label     string
	Relation  string
	Required  bool
	ReadOnly  bool
	Store     bool
	Help      string
	Selection []any
}

// fieldAttributes are what the tools ask fields_get for.
var fieldAttributes = []string{"string", "type", "relation", "required", "readonly", "store", "help", "selection"}

func parseFields(raw any) (map[string]fieldMeta, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("fields_get answered %s, not an object", jsonKind(raw))
	}
	out := make(map[string]fieldMeta, len(m))
	for name, v := range m {
		attrs, _ := v.(map[string]any)
		f := fieldMeta{Name: name}
		f.Type, _ = attrs["type"].(string)
		f.Label, _ = attrs["string"].(string)
		f.Relation, _ = attrs["relation"].(string)
		f.Required, _ = attrs["required"].(bool)
		f.ReadOnly, _ = attrs["readonly"].(bool)
		f.Store, _ = attrs["store"].(bool)
		f.Help, _ = attrs["help"].(string)
		f.Selection, _ = attrs["selection"].([]any)
		out[name] = f
	}
	return out, nil
}

// visibleFields drops the fields the policy hides.
func (p *policy) visibleFields(model string, fs map[string]fieldMeta) map[string]fieldMeta {
	out := make(map[string]fieldMeta, len(fs))
	for k, f := range fs {
		if !p.fieldHidden(model, k) {
			out[k] = f
		}
	}
	return out
}

// preferredFields are picked first when a caller names no fields: they are
// what a person looks at to recognise a record.
var preferredFields = []string{
	"display_name", "name", "ref", "code", "default_code", "email", "phone", "mobile",
	"partner_id", "user_id", "employee_id", "state", "stage_id", "date", "date_order",
	"invoice_date", "date_deadline", "date_from", "date_to", "amount_total",
	"amount_residual", "list_price", "qty_available", "company_id", "currency_id",
	"is_company", "active", "type", "move_type", "payment_state", "expected_revenue",
	"probability", "holiday_status_id", "number_of_days", "job_title", "department_id",
	"work_email", "parent_id", "country_id", "city",
}

// maxDefaultFields bounds the fields chosen when a caller names none.
const maxDefaultFields = 12

// defaultFields picks a readable handful of fields for a model.
func defaultFields(fs map[string]fieldMeta) []string {
	out := []string{}
	for _, n := range preferredFields {
		if f, ok := fs[n]; ok && f.Type != "binary" && len(out) < maxDefaultFields {
			out = append(out, n)
		}
	}
	// display_name repeats name on most models; keep it only where it
	// says more (a contact's "Company, Person").
	if i := slices.Index(out, "display_name"); i >= 0 {
		if _, ok := fs["name"]; ok {
			out = slices.Delete(out, i, i+1)
		}
	}
	if len(out) < 3 {
		// An unfamiliar model: take required stored fields, then any
		// stored scalar fields, in name order.
		names := make([]string, 0, len(fs))
		for n := range fs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, pass := range []func(fieldMeta) bool{
			func(f fieldMeta) bool { return f.Required && f.Store },
			func(f fieldMeta) bool { return f.Store },
		} {
			for _, n := range names {
				f := fs[n]
				if len(out) >= maxDefaultFields {
					break
				}
				if n == "id" || slices.Contains(out, n) || f.Type == "binary" || f.Type == "one2many" || f.Type == "many2many" || f.Type == "html" || f.Type == "properties" {
					continue
				}
				if pass(f) {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

// checkFieldNames validates requested field names against fields_get and
// the policy. It returns the names to send to Odoo and those explicitly
// asked for (binary fields come back only when named).
func (p *policy) checkFieldNames(model string, raw any, fs map[string]fieldMeta, arg string) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok {
		if s, isStr := raw.(string); isStr && strings.TrimSpace(s) != "" {
			// "name, email" is a common way to write a list by hand.
			for _, part := range strings.Split(s, ",") {
				list = append(list, strings.TrimSpace(part))
			}
		} else {
			return nil, argError(arg, fmt.Sprintf("must be a list of field names such as [\"name\", \"email\"], got %s", jsonKind(raw)))
		}
	}
	if len(list) > 200 {
		return nil, argError(arg, "names more than 200 fields")
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		n, ok := e.(string)
		if !ok || n == "" {
			return nil, argError(fmt.Sprintf("%s[%d]", arg, i), fmt.Sprintf("must be a field name, got %s", jsonKind(e)))
		}
		if p.fieldHidden(model, n) {
			return nil, &refusal{msg: fmt.Sprintf("field %q of %s is hidden on this tenant", n, model)}
		}
		if _, ok := fs[n]; !ok && n != "id" {
			return nil, argError(fmt.Sprintf("%s[%d]", arg, i), fmt.Sprintf("field %q does not exist on %s%s", n, model, suggest(n, fs)))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// shapeRecord turns one record as Odoo sends it into what a model reads:
// many2one as {id, name}, false as null except for booleans, x2many as id
// lists, binary omitted unless named, hidden fields dropped.
func (p *policy) shapeRecord(model string, rec map[string]any, fs map[string]fieldMeta, named []string) map[string]any {
	out := make(map[string]any, len(rec))
	for k, v := range rec {
		if p.fieldHidden(model, k) {
			continue
		}
		f, known := fs[k]
		if known && f.Type == "binary" && !slices.Contains(named, k) {
			continue
		}
		out[k] = p.relationGuard(f, shapeValue(f, known, v))
	}
	return out
}

// relationGuard keeps the id but drops the display name of a record of a
// model the tenant denies: the name is that model's data.
func (p *policy) relationGuard(f fieldMeta, v any) any {
	if f.Type != "many2one" || f.Relation == "" || p.modelAllowed(f.Relation) {
		return v
	}
	if m, ok := v.(map[string]any); ok {
		return map[string]any{"id": m["id"]}
	}
	return v
}

func shapeValue(f fieldMeta, known bool, v any) any {
	if b, ok := v.(bool); ok && !b {
		if known && f.Type == "boolean" {
			return false
		}
		if !known {
			return v
		}
		return nil
	}
	switch f.Type {
	case "many2one":
		if l, ok := v.([]any); ok && len(l) == 2 {
			return map[string]any{"id": l[0], "name": l[1]}
		}
		if id, ok := toInt(v); ok {
			return map[string]any{"id": id}
		}
	case "one2many", "many2many":
		if l, ok := v.([]any); ok {
			return l
		}
	}
	return v
}

// shapeGroupKey renders a read_group row's group-by value.
func shapeGroupRow(row map[string]any, fs map[string]fieldMeta, p *policy, model string) map[string]any {
	out := make(map[string]any, len(row))
	for k, v := range row {
		switch k {
		case "__domain":
			out["domain"] = v
			continue
		case "__count":
			out[k] = v
			continue
		}
		if strings.HasPrefix(k, "__") {
			continue // __context, __fold, __range: the web client's
		}
		if p.fieldHidden(model, k) {
			continue
		}
		f, known := fs[k]
		if !known {
			// "partner_id:month" style keys and "<field>_count".
			if b, ok := v.(bool); ok && !b {
				out[k] = nil
				continue
			}
			out[k] = v
			continue
		}
		out[k] = p.relationGuard(f, shapeValue(f, true, v))
	}
	return out
}

// capRows applies max_records and max_response_bytes to a list result. It
// returns the rows kept and, when it cut, a note saying how and how to go on.
func (p *policy) capRows(rows []map[string]any, offset int, wrap func([]map[string]any) any) ([]map[string]any, string) {
	note := ""
	if len(rows) > p.maxRecords {
		rows = rows[:p.maxRecords]
		note = fmt.Sprintf("cut to %d records by this tenant's max_records; ask for the next page with offset=%d", p.maxRecords, offset+len(rows))
	}
	whole := wrap(rows)
	if n, ok := jsonBound(whole); ok && n <= p.maxBytes {
		return rows, note
	}
	if jsonSize(whole) <= p.maxBytes {
		return rows, note
	}
	// Binary search the largest prefix that fits.
	lo, hi := 0, len(rows)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if jsonSize(wrap(rows[:mid])) <= p.maxBytes {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	kept := rows[:lo]
	note = fmt.Sprintf("cut to %d records to stay under this tenant's max_response_bytes (%d bytes); ask for the next page with offset=%d, or name fewer fields", lo, p.maxBytes, offset+lo)
	return kept, note
}

func jsonSize(v any) int {
	b, err := marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

// jsonBound returns an upper bound of v's encoded JSON size without
// encoding it, for the values tools build (maps, slices, strings, numbers,
// booleans, null); ok is false for anything else. Encoding a result just to
// learn it is far under max_response_bytes cost as much as encoding it for
// the answer.
func jsonBound(v any) (n int, ok bool) {
	switch x := v.(type) {
	case nil, bool:
		return 5, true
	case string:
		// The worst escape, \u00XX, is six bytes for one; quotes add two.
		return 6*len(x) + 2, true
	case int:
		return 20, true
	case int64:
		return 20, true
	case float64:
		return 25, true
	case map[string]any:
		n = 2
		for k, e := range x {
			m, ok := jsonBound(e)
			if !ok {
				return 0, false
			}
			n += 6*len(k) + 4 + m
		}
		return n, true
	case []map[string]any:
		n = 2
		for _, e := range x {
			m, ok := jsonBound(e)
			if !ok {
				return 0, false
			}
			n += m + 1
		}
		return n, true
	case []any:
		n = 2
		for _, e := range x {
			m, ok := jsonBound(e)
			if !ok {
				return 0, false
			}
			n += m + 1
		}
		return n, true
	}
	return 0, false
}

// marshal encodes compact JSON without HTML escaping: domains hold "&",
// "<" and ">" and a model reads them better unescaped.
func marshal(v any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 1024), v)
}
