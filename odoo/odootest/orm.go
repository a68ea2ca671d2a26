package odootest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// search returns the ids matching domain, ordered, with offset and limit
// applied. A limit of 0 or less means none, as Odoo treats a falsy limit.
func (e *env) search(m *model, domain any, offset, limit int, order, method string) ([]int64, *pyErr) {
	root, err := e.parseDomain(m, domain, method)
	if err != nil {
		return nil, err
	}
	keys, err := e.parseOrder(m, order)
	if err != nil {
		return nil, err
	}
	hideArchived := m.has("active") && e.activeTest() && !mentionsActive(domain)
	var out []int64
	scanIDs, scanRows := m.ids, m.rows
	if cands, ok := e.candidates(m, root); ok && !e.fullScan {
		scanIDs = sortIDs(cands)
		scanRows = make([]*record, len(scanIDs))
		for i, id := range scanIDs {
			scanRows[i] = m.recs[id]
		}
	}
	for i, id := range scanIDs {
		r := scanRows[i]
		if r == nil {
			continue
		}
		if hideArchived {
			if a, ok := r.v["active"].(bool); ok && !a {
				continue
			}
		}
		if e.match(m, root, r) {
			out = append(out, id)
		}
	}
	e.sortRecords(m, out, keys)
	if offset > 0 {
		if offset >= len(out) {
			out = nil
		} else {
			out = out[offset:]
		}
	}
	if limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	if out == nil {
		out = []int64{}
	}
	return out, nil
}

// candidates narrows a search to the records an index can name: a leaf
// on id, or on an indexed many2one compared with ids or a subdomain
// (dotted paths), possibly inside a top-level AND. The whole domain is
// still evaluated on each candidate; ok is false when no index applies.
func (e *env) candidates(m *model, n *dnode) ([]int64, bool) {
	switch n.kind {
	case '&':
		a, okA := e.candidates(m, n.kids[0])
		b, okB := e.candidates(m, n.kids[1])
		switch {
		case okA && okB:
			if len(b) < len(a) {
				return b, true
			}
			return a, true
		case okA:
			return a, true
		case okB:
			return b, true
		}
		return nil, false
	case 'F':
		return nil, true
	case 'L':
	default:
		return nil, false
	}
	f := n.field
	targets, ok := leafTargets(e, n)
	if !ok {
		return nil, false
	}
	if f.name == "id" {
		return targets, true
	}
	if f.typ != "many2one" || !f.indexed() || n.comod == nil && n.op == "any" {
		return nil, false
	}
	var out []int64
	seen := map[int64]bool{}
	for _, t := range targets {
		for _, id := range m.inv[f.name][t] {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, true
}

// leafTargets gives the ids a positive leaf selects on its field's side.
func leafTargets(e *env, n *dnode) ([]int64, bool) {
	switch n.op {
	case "any":
		if n.comod == nil || n.sub == nil {
			return nil, false
		}
		var out []int64
		for i, id := range n.comod.ids {
			r := n.comod.rows[i]
			if (!n.activeOnly || activeRec(r)) && e.match(n.comod, n.sub, r) {
				out = append(out, id)
			}
		}
		return out, true
	case "=":
		if n.comod != nil {
			return nil, false // compared by name
		}
		if v, ok := n.value.(int64); ok && v != 0 {
			return []int64{v}, true
		}
	case "in":
		if n.comod != nil {
			return nil, false
		}
		list, _ := n.value.([]any)
		out := make([]int64, 0, len(list))
		for _, v := range list {
			x, ok := v.(int64)
			if !ok || x == 0 {
				return nil, false // False in the list also matches empty values
			}
			out = append(out, x)
		}
		return out, true
	}
	return nil, false
}

// mentionsActive reports whether the domain has a leaf on "active", which
// turns the implicit active_test filter off, as in Odoo.
func mentionsActive(domain any) bool {
	items, _ := domain.([]any)
	for _, it := range items {
		if leaf, ok := it.([]any); ok && len(leaf) == 3 {
			if s, ok := leaf[0].(string); ok && s == "active" {
				return true
			}
		}
	}
	return false
}

type orderKey struct {
	f     *field
	desc  bool
	nulls string // "", "first", "last"
}

var orderRe = regexp.MustCompile(`(?i)^(\s*([a-z0-9:_]+|"[a-z0-9:_]+")(\.id)?(\s+(desc|asc))?(\s+nulls\s+(first|last))?\s*(,|$))+$`)

func (e *env) parseOrder(m *model, order string) ([]orderKey, *pyErr) {
	if strings.TrimSpace(order) == "" {
		order = m.order
	}
	if !orderRe.MatchString(order) || strings.HasSuffix(strings.TrimSpace(order), ",") {
		return nil, errValue(fmt.Sprintf(`Invalid "order" specified (%s). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`, order), "")
	}
	var keys []orderKey
	for _, part := range strings.Split(order, ",") {
		words := strings.Fields(part)
		if len(words) == 0 {
			continue
		}
		name := strings.Trim(words[0], `"`)
		name = strings.TrimSuffix(name, ".id")
		f := m.byName[name]
		if f == nil {
			return nil, errValue(fmt.Sprintf("Invalid field %s on model %s", pyRepr(name), pyRepr(m.name)), "")
		}
		k := orderKey{f: f}
		for i := 1; i < len(words); i++ {
			switch strings.ToLower(words[i]) {
			case "desc":
				k.desc = true
			case "first", "last":
				k.nulls = strings.ToLower(words[i])
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// sortKey is a comparable projection of a field value; null sorts per SQL.
type sortVal struct {
	null bool
	num  float64
	str  string
	isS  bool
}

func (e *env) sortValue(m *model, r *record, f *field) sortVal {
	raw := e.db.rawValue(m, r, f)
	switch x := raw.(type) {
	case int64:
		if f.typ == "many2one" {
			if x == 0 {
				return sortVal{null: true}
			}
			cm := e.db.model(f.relation)
			if cm != nil && cm.recs[x] != nil {
				return sortVal{str: strings.ToLower(e.db.displayName(cm, cm.recs[x])), isS: true}
			}
			return sortVal{num: float64(x)}
		}
		return sortVal{num: float64(x)}
	case float64:
		return sortVal{num: x}
	case bool:
		if x {
			return sortVal{num: 1}
		}
		return sortVal{num: 0}
	case string:
		if x == "" {
			return sortVal{null: true}
		}
		if f.typ == "selection" {
			// Selections sort by their stored key, like the SQL column.
			return sortVal{str: x, isS: true}
		}
		return sortVal{str: strings.ToLower(x), isS: true}
	}
	return sortVal{null: true}
}

func cmpSort(a, b sortVal, k orderKey) int {
	if a.null || b.null {
		if a.null && b.null {
			return 0
		}
		// PostgreSQL: NULLS LAST for ASC, NULLS FIRST for DESC.
		nullsFirst := k.desc
		if k.nulls != "" {
			nullsFirst = k.nulls == "first"
		}
		if a.null == nullsFirst {
			return -1
		}
		return 1
	}
	c := 0
	if a.isS || b.isS {
		c = strings.Compare(a.str, b.str)
	} else if a.num < b.num {
		c = -1
	} else if a.num > b.num {
		c = 1
	}
	if k.desc {
		c = -c
	}
	return c
}

func (e *env) sortRecords(m *model, ids []int64, keys []orderKey) {
	if len(keys) == 1 && keys[0].f.name == "id" {
		if keys[0].desc {
			sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
		}
		return // m.ids is ascending already
	}
	vals := make(map[int64][]sortVal, len(ids))
	for _, id := range ids {
		r := m.recs[id]
		v := make([]sortVal, len(keys))
		for i, k := range keys {
			v[i] = e.sortValue(m, r, k.f)
		}
		vals[id] = v
	}
	sort.SliceStable(ids, func(i, j int) bool {
		a, b := vals[ids[i]], vals[ids[j]]
		for n, k := range keys {
			if c := cmpSort(a[n], b[n], k); c != 0 {
				return c < 0
			}
		}
		return false
	})
}

// readGroup implements read_group (Odoo 18 semantics, lazy or not) and,
// with formatted set, Odoo 19's formatted_read_group, which is stricter:
// fieldsArg is then its aggregates ("field:func" or "__count"), a date
// groupby needs a granularity, every order term must be a groupby or an
// aggregate ("amount_total:sum desc"), and rows take its shape.
func (e *env) readGroup(m *model, domain any, fieldsArg []string, groupby []string, offset, limit int, orderby string, lazy, formatted bool) ([]any, *pyErr) {
	ids, err := e.search(m, domain, 0, -1, "id", "search")
	if err != nil {
		return nil, err
	}
	var restGB []any
	if lazy && len(groupby) > 1 {
		for _, g := range groupby[1:] {
			restGB = append(restGB, g)
		}
		groupby = groupby[:1]
	}
	type gbSpec struct {
		name string // as given: "date_order:month"
		f    *field
		gran string
	}
	var gbs []gbSpec
	for _, g := range groupby {
		fname, gran, _ := strings.Cut(g, ":")
		f := m.byName[fname]
		if f == nil {
			return nil, errValue(fmt.Sprintf("Invalid field %s on model %s", pyRepr(fname), pyRepr(m.name)), "")
		}
		if gran != "" {
			if f.typ != "date" && f.typ != "datetime" {
				return nil, errValue(fmt.Sprintf("Granularity set on a no-datetime field or property: %s", pyRepr(g)), "")
			}
			switch gran {
			case "day", "week", "month", "quarter", "year":
			default:
				return nil, errValue(fmt.Sprintf("Granularity %s is not supported", pyRepr(gran)), "")
			}
		} else if f.typ == "date" || f.typ == "datetime" {
			if formatted {
				// Only the deprecated read_group defaults to months.
				return nil, errValue(fmt.Sprintf("Granularity not set on a date(time) field: %s", pyRepr(g)), "")
			}
			gran = "month"
		}
		gbs = append(gbs, gbSpec{name: g, f: f, gran: gran})
	}
	type aggSpec struct {
		key string
		f   *field // nil for __count
		fn  string
	}
	var aggs []aggSpec
	for _, spec := range fieldsArg {
		if !formatted {
			break
		}
		if spec == "__count" {
			aggs = append(aggs, aggSpec{key: spec})
			continue
		}
		f, fn, perr := m.aggregateSpec(spec)
		if perr != nil {
			return nil, perr
		}
		aggs = append(aggs, aggSpec{key: spec, f: f, fn: fn})
	}
	for _, spec := range fieldsArg {
		if formatted {
			break
		}
		spec = strings.TrimSpace(spec)
		if spec == "__count" {
			continue
		}
		key, fname, fn := spec, spec, ""
		if k, rest, ok := strings.Cut(spec, ":"); ok {
			key = k
			if i := strings.Index(rest, "("); i >= 0 && strings.HasSuffix(rest, ")") {
				fn, fname = rest[:i], rest[i+1:len(rest)-1]
			} else {
				fn, fname = rest, k
			}
		}
		f := m.byName[fname]
		if f == nil {
			return nil, errValue(fmt.Sprintf("Invalid field %s on model %s", pyRepr(fname), pyRepr(m.name)), "")
		}
		isGB := false
		for _, g := range gbs {
			isGB = isGB || g.f.name == fname
		}
		if isGB {
			continue
		}
		if fn == "" {
			fn = f.aggr()
			if fn == "" {
				continue
			}
		}
		switch fn {
		case "sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or", "array_agg":
		default:
			return nil, errValue(fmt.Sprintf("Invalid aggregation function %s.", pyRepr(fn)), "")
		}
		aggs = append(aggs, aggSpec{key: key, f: f, fn: fn})
	}
	// Order groups: read_group's orderby may name groupby fields,
	// aggregates or __count loosely; formatted_read_group's order terms
	// must each be a groupby as given or an aggregate spec.
	type ordSpec struct {
		key   string // read_group: as written
		gb    int    // formatted: index of the groupby, or -1
		agg   aggSpec
		desc  bool
		nulls string
	}
	var ords []ordSpec
	for _, part := range strings.Split(orderby, ",") {
		if !formatted {
			w := strings.Fields(part)
			if len(w) == 0 {
				continue
			}
			ords = append(ords, ordSpec{key: w[0], desc: len(w) > 1 && strings.EqualFold(w[1], "desc")})
			continue
		}
		if orderby == "" || len(gbs) == 0 {
			break // _read_group orders only grouped queries
		}
		mt := groupOrderPart.FindStringSubmatch(part)
		if mt == nil {
			return nil, errValue(fmt.Sprintf("Invalid order %s for _read_group()", pyRepr(orderby)), "")
		}
		o := ordSpec{gb: -1, desc: strings.EqualFold(mt[2], "desc"), nulls: strings.ToLower(mt[3])}
		for j, g := range gbs {
			if g.name == mt[1] {
				o.gb = j
				break
			}
		}
		if o.gb < 0 && mt[1] != "__count" {
			f, fn, perr := m.aggregateSpec(mt[1])
			if perr != nil {
				return nil, errValue(fmt.Sprintf("Order term %s is not a valid aggregate nor valid groupby", pyRepr(part)), "")
			}
			o.agg = aggSpec{key: mt[1], f: f, fn: fn}
		}
		ords = append(ords, o)
	}
	type group struct {
		keys []any
		sort []sortVal
		ids  []int64
		dom  []any
		rng  dict
	}
	groups := map[string]*group{}
	var order []string
	for _, id := range ids {
		r := m.recs[id]
		var keyParts []string
		var keys []any
		var svals []sortVal
		var dom []any
		var rng dict
		for _, g := range gbs {
			raw := e.db.rawValue(m, r, g.f)
			var k any
			var sv sortVal
			switch {
			case g.gran != "":
				s, _ := raw.(string)
				if s == "" {
					k, sv = false, sortVal{null: true}
					dom = append(dom, []any{g.f.name, "=", false})
				} else {
					label, from, to := dateBucket(s, g.gran, g.f.typ == "datetime")
					k, sv = label, sortVal{str: from, isS: true}
					dom = append(dom, "&", []any{g.f.name, ">=", from}, []any{g.f.name, "<", to})
					rng = append(rng, kv{g.name, dict{{"from", from}, {"to", to}}})
				}
			case g.f.typ == "many2one":
				t, _ := raw.(int64)
				k = e.db.m2oValue(g.f.relation, t)
				sv = e.sortValue(m, r, g.f)
				if t == 0 {
					dom = append(dom, []any{g.f.name, "=", false})
				} else {
					dom = append(dom, []any{g.f.name, "=", t})
				}
			case g.f.typ == "many2many":
				// Grouping by a many2many puts a record in each related group;
				// kept simple: group by the first related id.
				ids, _ := raw.([]int64)
				var t int64
				if len(ids) > 0 {
					t = ids[0]
				}
				k = e.db.m2oValue(g.f.relation, t)
				sv = sortVal{num: float64(t), null: t == 0}
				dom = append(dom, []any{g.f.name, "=", t})
			default:
				k = e.db.readValue(m, r, g.f, true, false)
				sv = e.sortValue(m, r, g.f)
				dom = append(dom, []any{g.f.name, "=", k})
			}
			keys = append(keys, k)
			svals = append(svals, sv)
			keyParts = append(keyParts, pyReprValue(k))
		}
		ks := strings.Join(keyParts, "\x00")
		gr := groups[ks]
		if gr == nil {
			gr = &group{keys: keys, sort: svals, dom: dom, rng: rng}
			groups[ks] = gr
			order = append(order, ks)
		}
		gr.ids = append(gr.ids, id)
	}
	rows := make([]*group, 0, len(order))
	for _, k := range order {
		rows = append(rows, groups[k])
	}
	countKey := "__count"
	if lazy && len(gbs) > 0 {
		countKey = gbs[0].f.name + "_count"
	}
	result := make([]dict, 0, len(rows))
	rowGroup := map[int]*group{}
	for i, gr := range rows {
		d := dict{}
		if formatted {
			// Groupby values, the group's own domain, then the
			// aggregates asked for: formatted_read_group's keys and
			// order. A date group is [range start, label].
			for j, g := range gbs {
				v := gr.keys[j]
				if r, ok := gr.rng.get(g.name); ok {
					from, _ := r.(dict).get("from")
					v = []any{from, v}
				}
				d = append(d, kv{g.name, v})
			}
			d = append(d, kv{"__extra_domain", andDomains(gr.dom, nil)})
			for _, a := range aggs {
				if a.f == nil {
					d = append(d, kv{a.key, int64(len(gr.ids))})
				} else {
					d = append(d, kv{a.key, e.aggregate(m, gr.ids, a.f, a.fn)})
				}
			}
			result = append(result, d)
			rowGroup[i] = gr
			continue
		}
		for j, g := range gbs {
			d = append(d, kv{g.name, gr.keys[j]})
		}
		d = append(d, kv{countKey, int64(len(gr.ids))})
		for _, a := range aggs {
			d = append(d, kv{a.key, e.aggregate(m, gr.ids, a.f, a.fn)})
		}
		if len(gr.rng) > 0 {
			d = append(d, kv{"__range", gr.rng})
		}
		d = append(d, kv{"__domain", andDomains(gr.dom, domain)})
		if restGB != nil {
			d = append(d, kv{"__context", dict{{"group_by", restGB}}})
		}
		result = append(result, d)
		rowGroup[i] = gr
	}
	idx := make([]int, len(result))
	for i := range idx {
		idx[i] = i
	}
	// Aggregates ordered by, per group: an order term need not be one of
	// the aggregates asked for.
	ordVals := make([][]any, len(rows))
	if formatted {
		for i, gr := range rows {
			ordVals[i] = make([]any, len(ords))
			for n, o := range ords {
				switch {
				case o.gb >= 0:
				case o.agg.f == nil:
					ordVals[i][n] = int64(len(gr.ids))
				default:
					ordVals[i][n] = e.aggregate(m, gr.ids, o.agg.f, o.agg.fn)
				}
			}
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := result[idx[a]], result[idx[b]]
		ga, gb := rowGroup[idx[a]], rowGroup[idx[b]]
		for n, o := range ords {
			var c int
			found := false
			if formatted {
				if o.gb >= 0 {
					c = cmpSort(ga.sort[o.gb], gb.sort[o.gb], orderKey{desc: o.desc, nulls: o.nulls})
				} else if c = compareValues(ordVals[idx[a]][n], ordVals[idx[b]][n]); o.desc {
					c = -c
				}
				if c != 0 {
					return c < 0
				}
				continue
			}
			for j, g := range gbs {
				if g.name == o.key || g.f.name == o.key {
					c = cmpSort(ga.sort[j], gb.sort[j], orderKey{desc: o.desc})
					found = true
					break
				}
			}
			if !found {
				key := o.key
				if key == "__count" || key == "count" {
					key = countKey
				}
				va, _ := ra.get(key)
				vb, _ := rb.get(key)
				c = compareValues(va, vb)
				if o.desc {
					c = -c
				}
			}
			if c != 0 {
				return c < 0
			}
		}
		for j := range gbs {
			if c := cmpSort(ga.sort[j], gb.sort[j], orderKey{}); c != 0 {
				return c < 0
			}
		}
		return false
	})
	out := make([]any, 0, len(idx))
	for _, i := range idx {
		out = append(out, result[i])
	}
	if offset > 0 {
		if offset >= len(out) {
			out = out[:0]
		} else {
			out = out[offset:]
		}
	}
	if limit > 0 && limit < len(out) {
		out = out[:limit]
	}
	return out, nil
}

// groupOrderPart is one term of _read_group's order (Odoo's
// regex_order_part_read_group, matched whole).
var groupOrderPart = regexp.MustCompile(`(?i)^\s*([a-z0-9_]+(?:\.[\w.]+)?(?::[a-z_]+)?)(?:\s+(desc|asc))?(?:\s+(nulls first|nulls last))?\s*$`)

// aggregateSpec checks an aggregate spec "field:func" as Odoo 19's
// _read_group_select does, with its messages.
func (m *model) aggregateSpec(spec string) (*field, string, *pyErr) {
	fname, fn, _ := strings.Cut(spec, ":")
	if strings.Contains(fname, ".") {
		return nil, "", errValue(fmt.Sprintf("Invalid %s, this dot notation is not supported", pyRepr(spec)), "")
	}
	f := m.byName[fname]
	if f == nil {
		return nil, "", errValue(fmt.Sprintf("Invalid field %s on model %s for %s.", pyRepr(fname), pyRepr(m.name), pyRepr(spec)), "")
	}
	if fn == "" {
		return nil, "", errValue(fmt.Sprintf("Aggregate method is mandatory for %s", pyRepr(fname)), "")
	}
	switch fn {
	case "sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or", "array_agg":
	default:
		return nil, "", errValue(fmt.Sprintf("Invalid aggregate method %s for %s.", pyRepr(fn), pyRepr(spec)), "")
	}
	return f, fn, nil
}

// andDomains combines a group's leaves with the caller's domain in prefix form.
func andDomains(leaves []any, domain any) []any {
	base, _ := domain.([]any)
	terms := countTerms(leaves) + countTerms(base)
	out := make([]any, 0, terms+len(leaves)+len(base))
	for i := 1; i < terms; i++ {
		out = append(out, "&")
	}
	out = append(out, leaves...)
	out = append(out, base...)
	return out
}

// countTerms counts top-level terms of a normalized-or-implicit domain.
func countTerms(d []any) int {
	n := 0
	need := 1
	for _, it := range d {
		if s, ok := it.(string); ok && (s == "&" || s == "|") {
			need++
			continue
		}
		if s, ok := it.(string); ok && s == "!" {
			continue
		}
		need--
		if need == 0 {
			n++
			need = 1
		}
	}
	return n
}

func (e *env) aggregate(m *model, ids []int64, f *field, fn string) any {
	var sum, mn, mx float64
	cnt := 0
	distinct := map[string]bool{}
	var arr []any
	boolAnd, boolOr := true, false
	isInt := f.typ == "integer"
	for i, id := range ids {
		raw := e.db.rawValue(m, m.recs[id], f)
		x, isNum := toFloat(raw)
		if isNum {
			sum += x
			if i == 0 || x < mn {
				mn = x
			}
			if i == 0 || x > mx {
				mx = x
			}
		}
		if !isEmpty(f, raw) {
			cnt++
			distinct[pyReprValue(raw)] = true
		}
		b := truthy(raw)
		boolAnd = boolAnd && b
		boolOr = boolOr || b
		arr = append(arr, e.db.readValue(m, m.recs[id], f, false, false))
	}
	num := func(x float64) any {
		if isInt && x == math.Trunc(x) {
			return int64(x)
		}
		return x
	}
	switch fn {
	case "sum":
		return num(sum)
	case "avg":
		if len(ids) == 0 {
			return false
		}
		return sum / float64(len(ids))
	case "min":
		if len(ids) == 0 {
			return false
		}
		return num(mn)
	case "max":
		if len(ids) == 0 {
			return false
		}
		return num(mx)
	case "count":
		return int64(cnt)
	case "count_distinct":
		return int64(len(distinct))
	case "bool_and":
		return boolAnd
	case "bool_or":
		return boolOr
	case "array_agg":
		if arr == nil {
			arr = []any{}
		}
		return arr
	}
	return false
}

// dateBucket gives read_group's label and [from, to) bounds for a date value.
func dateBucket(s, gran string, isDatetime bool) (label, from, to string) {
	t, err := time.Parse("2006-01-02", s[:min(10, len(s))])
	if err != nil {
		return s, s, s
	}
	var start, end time.Time
	switch gran {
	case "day":
		start = t
		end = t.AddDate(0, 0, 1)
		label = t.Format("02 Jan 2006")
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // ISO: Monday first
		start = t.AddDate(0, 0, -wd)
		end = start.AddDate(0, 0, 7)
		y, w := t.ISOWeek()
		label = "W" + strconv.Itoa(w) + " " + strconv.Itoa(y)
	case "month":
		start = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(0, 1, 0)
		label = t.Format("January 2006")
	case "quarter":
		q := (int(t.Month())-1)/3 + 1
		start = time.Date(t.Year(), time.Month((q-1)*3+1), 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(0, 3, 0)
		label = "Q" + strconv.Itoa(q) + " " + strconv.Itoa(t.Year())
	case "year":
		start = time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		end = start.AddDate(1, 0, 0)
		label = strconv.Itoa(t.Year())
	}
	layout := "2006-01-02"
	if isDatetime {
		layout = "2006-01-02 15:04:05"
	}
	return label, start.Format(layout), end.Format(layout)
}
