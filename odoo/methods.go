package odoo

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// This file is the one place that knows how ORM method signatures differ
// between Odoo versions and protocols. XML-RPC takes positional arguments;
// JSON-2 takes named ones only; Odoo 19 renamed some parameters and methods.

// ormMethod is an ORM method's positional signature.
type ormMethod struct {
	records bool     // args[0] is the record ids (not an @api.model method)
	params  []string // names of the other positional parameters, in order
}

// ormMethods maps positional arguments to their names, as of Odoo 19 (the
// first version with JSON-2).
var ormMethods = map[string]ormMethod{
	"search":               {params: []string{"domain", "offset", "limit", "order"}},
	"search_read":          {params: []string{"domain", "fields", "offset", "limit", "order"}},
	"search_count":         {params: []string{"domain", "limit"}},
	"search_fetch":         {params: []string{"domain", "field_names", "offset", "limit", "order"}},
	"read":                 {records: true, params: []string{"fields", "load"}},
	"fields_get":           {params: []string{"allfields", "attributes"}},
	"name_search":          {params: []string{"name", "domain", "operator", "limit"}},
	"name_create":          {params: []string{"name"}},
	"create":               {params: []string{"vals_list"}},
	"write":                {records: true, params: []string{"vals"}},
	"unlink":               {records: true},
	"copy":                 {records: true, params: []string{"default"}},
	"exists":               {records: true},
	"get_metadata":         {records: true},
	"action_archive":       {records: true},
	"action_unarchive":     {records: true},
	"read_group":           {params: []string{"domain", "fields", "groupby", "offset", "limit", "orderby", "lazy"}},
	"formatted_read_group": {params: []string{"domain", "groupby", "aggregates", "having", "offset", "limit", "order"}},
	"check_access_rights":  {params: []string{"operation", "raise_exception"}},
	"has_access":           {records: true, params: []string{"operation"}},
	"context_get":          {},
}

// adaptCall rewrites a call, in positional form, for a server of the given
// major version (0 when unknown: the forms that every version up to 19
// still accepts are kept).
func adaptCall(major int, cl call) call {
	switch cl.method {
	case "name_search":
		// 19 renamed the domain parameter "args" to "domain".
		from, to := "domain", "args"
		if major >= 19 {
			from, to = "args", "domain"
		}
		if v, ok := cl.kwargs[from]; ok {
			if _, clash := cl.kwargs[to]; !clash {
				kw := copyMap(cl.kwargs)
				delete(kw, from)
				kw[to] = v
				cl.kwargs = kw
			}
		}
	case "check_access_rights":
		// 18 deprecated it: with raise_exception=True it returns None,
		// which XML-RPC cannot marshal. has_access(operation) answers the
		// same question with a bool.
		if major >= 18 {
			op, ok := cl.kwargs["operation"]
			if len(cl.args) > 0 {
				op, ok = cl.args[0], true
			}
			if ok {
				cl.method = "has_access"
				cl.args = []any{[]any{}, op}
				kw := copyMap(cl.kwargs)
				delete(kw, "operation")
				delete(kw, "raise_exception")
				cl.kwargs = kw
			}
		}
	}
	return cl
}

// namedArgs turns a positional call into JSON-2's body: the record ids
// (nil for @api.model methods) and every other argument by name.
func namedArgs(cl call) (ids any, named map[string]any, err error) {
	named = make(map[string]any, len(cl.kwargs)+len(cl.args))
	for k, v := range cl.kwargs {
		named[k] = v
	}
	args := cl.args
	spec, known := ormMethods[cl.method]
	if !known {
		// Unknown methods follow Odoo's convention for record methods:
		// the only positional argument is the ids; the rest goes by name.
		switch len(args) {
		case 0:
			return nil, named, nil
		case 1:
			if isIDList(args[0]) {
				return args[0], named, nil
			}
		}
		return nil, nil, fmt.Errorf("JSON-2 takes named arguments only: pass the arguments of %s.%s other than the record ids in kwargs", cl.model, cl.method)
	}
	if spec.records && len(args) > 0 {
		ids, args = args[0], args[1:]
	}
	if len(args) > len(spec.params) {
		return nil, nil, fmt.Errorf("%s takes at most %d positional arguments, got %d", cl.method, len(spec.params)+boolInt(spec.records), len(cl.args))
	}
	for i, a := range args {
		name := spec.params[i]
		if _, dup := named[name]; dup {
			return nil, nil, fmt.Errorf("%s: argument %q given both by position and by name", cl.method, name)
		}
		named[name] = a
	}
	if name, ok := named["args"]; ok && cl.method == "name_search" {
		if _, clash := named["domain"]; !clash {
			named["domain"] = name
			delete(named, "args")
		}
	}
	return ids, named, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isIDList(v any) bool {
	switch x := v.(type) {
	case []int64, []int:
		return true
	case []any:
		for _, e := range x {
			if _, ok := asInt64(e); !ok {
				return false
			}
		}
		return true
	}
	return false
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fieldInfo is what ReadGroup must know of a field to call
// formatted_read_group the way Odoo 19's own (deprecated) read_group does.
type fieldInfo struct {
	typ        string // fields_get type: "date", "many2one", ...; "" if unknown
	aggregator string // default aggregator; "" when the field has none
}

// timeGranularities are the granularities whose groups formatted_read_group
// returns as [range start, label] and read_group as the label alone.
var timeGranularities = map[string]bool{"day": true, "week": true, "month": true, "quarter": true, "year": true}

// fieldAggSpec is read_group's field specification: "name",
// "name:func" or "name:func(field)" (Odoo's regex_field_agg, matched at the
// start of the string).
var fieldAggSpec = regexp.MustCompile(`^(\w+)(?::(\w+)(?:\((\w+)\))?)?`)

// groupShape says how to turn formatted_read_group rows back into the rows
// read_group returns for the same request.
type groupShape struct {
	domain []any
	groups []groupKey
	aggs   map[string][]string // aggregate spec sent -> read_group keys
	rest   []any               // lazy: the groupbys left for the next level
}

// groupKey is one groupby: as the caller gave it, and as sent.
type groupKey struct {
	spec, sent, field string
	timeGran          bool
}

// groupField is the field a groupby spec ("partner_id", "date:week",
// "partner_id.country_id") groups on, and its granularity.
func groupField(spec string) (field, gran string) {
	path, gran, _ := strings.Cut(spec, ":")
	field, _, _ = strings.Cut(path, ".")
	return field, gran
}

// groupLookups lists the fields ReadGroup must describe before calling
// formatted_read_group: plain field names (their default aggregator) and
// groupbys without a granularity (a date needs one). groupby is the lazy
// groupby when lazy.
func groupLookups(fields, groupby []string) []string {
	var out []string
	seen := map[string]bool{"__count": true}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	for _, f := range fields {
		if !strings.Contains(f, ":") {
			add(f)
		}
	}
	for _, g := range groupby {
		if f, gran := groupField(g); gran == "" {
			add(f)
		}
	}
	return out
}

// readGroupCall builds the call ReadGroup makes: read_group up to 18,
// formatted_read_group from 19 (where read_group is deprecated), converted
// as 19's read_group converts its arguments for _read_group: a date or
// datetime groupby without granularity groups by month, plain fields get
// their default aggregator (fields without one are left out), and order
// terms naming a groupby or an aggregate by its read_group key are
// rewritten to the spec sent ("amount_total desc" -> "amount_total:sum
// desc"). lazy groups by the first groupby only. The groupShape (nil before
// 19) maps the rows back.
func readGroupCall(major int, model string, domain []any, fields, groupby []string, o *ReadGroupOptions, info func(field string) fieldInfo) (call, *groupShape) {
	kw := map[string]any{}
	var ctx map[string]any
	var offset, limit int
	var order string
	lazy := false
	if o != nil {
		ctx, offset, limit, order, lazy = o.Context, o.Offset, o.Limit, o.OrderBy, o.Lazy
	}
	if len(ctx) > 0 {
		kw["context"] = ctx
	}
	if offset > 0 {
		kw["offset"] = offset
	}
	if limit > 0 {
		kw["limit"] = limit
	}
	if major < 19 {
		if order != "" {
			kw["orderby"] = order
		}
		kw["lazy"] = lazy
		return call{model: model, method: "read_group", args: []any{domainArg(domain), stringsArg(fields), stringsArg(groupby)}, kwargs: kw}, nil
	}
	gb := groupby
	if lazy && len(gb) > 1 {
		gb = gb[:1]
	}
	shape := &groupShape{domain: domainArg(domain), aggs: map[string][]string{}}
	if len(gb) < len(groupby) {
		shape.rest = stringsArg(groupby[len(gb):])
	}
	// An annotation maps a read_group key to the spec formatted_read_group
	// takes; order terms are matched against these.
	type annotation struct{ key, sent string }
	var groupAnn []annotation
	sentGB := make([]string, len(gb))
	for i, g := range gb {
		field, gran := groupField(g)
		sent := g
		if t := info(field).typ; t == "date" || t == "datetime" {
			if gran == "" {
				gran = "month"
			}
			sent = field + ":" + gran
		}
		sentGB[i] = sent
		groupAnn = append(groupAnn, annotation{g, sent})
		shape.groups = append(shape.groups, groupKey{spec: g, sent: sent, field: field, timeGran: timeGranularities[gran]})
	}
	countKey := "__count"
	if lazy && len(gb) == 1 {
		countKey = strings.SplitN(gb[0], ":", 2)[0] + "_count"
	}
	aggAnn := []annotation{{countKey, "__count"}}
	at := map[string]int{countKey: 0}
	set := func(key, sent string) {
		if i, ok := at[key]; ok {
			aggAnn[i].sent = sent // a later spec for the same key wins, in place
			return
		}
		at[key] = len(aggAnn)
		aggAnn = append(aggAnn, annotation{key, sent})
	}
	for _, f := range fields {
		if f == "__count" {
			continue
		}
		m := fieldAggSpec.FindStringSubmatch(f)
		switch {
		case m == nil:
			// Not a field specification: sent as is for Odoo to refuse.
			set(f, f)
		case m[3] != "":
			set(m[1], m[3]+":"+m[2])
		case m[2] != "":
			set(m[1], m[1]+":"+m[2])
		case info(f).typ == "":
			// Unknown to fields_get (no such field, or not readable):
			// sent as is, for Odoo to say which.
			set(f, f)
		case !slices.Contains(gb, f):
			// read_group applies a field's own aggregator and ignores
			// fields without one; formatted_read_group wants it spelled
			// out.
			if agg := info(f).aggregator; agg != "" {
				set(f, f+":"+agg)
			}
		}
	}
	var aggs []any
	for _, a := range aggAnn {
		if _, dup := shape.aggs[a.sent]; !dup {
			aggs = append(aggs, a.sent)
		}
		shape.aggs[a.sent] = append(shape.aggs[a.sent], a.key)
	}
	if order != "" {
		// Groupbys first, last one first, then aggregates: the order in
		// which Odoo 19's read_group tries them.
		cands := make([]annotation, 0, len(groupAnn)+len(aggAnn))
		for i := len(groupAnn) - 1; i >= 0; i-- {
			cands = append(cands, groupAnn[i])
		}
		cands = append(cands, aggAnn...)
		terms := strings.Split(order, ",")
		for i, t := range terms {
			t = strings.TrimSpace(t)
			for _, c := range cands {
				k, _, _ := strings.Cut(c.key, ":")
				if t == k || strings.HasPrefix(t, k+" ") {
					t = c.sent + t[len(k):]
					break
				}
			}
			terms[i] = t
		}
		kw["order"] = strings.Join(terms, ",")
	}
	kw["groupby"] = stringsArg(sentGB)
	kw["aggregates"] = aggs
	return call{model: model, method: "formatted_read_group", args: []any{domainArg(domain)}, kwargs: kw}, shape
}

// rows reshapes formatted_read_group rows into read_group's form, so callers
// see one shape whatever the version: group values under the caller's
// groupby keys (a date group's [start, label] becomes the label, with its
// bounds in __range), aggregates under read_group's keys ("amount_total",
// "<groupby>_count"), "__extra_domain" as the group's full "__domain", and
// "__context" naming the groupbys a lazy call left.
func (s *groupShape) rows(rows []map[string]any) []map[string]any {
	if s == nil {
		return rows
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		d := make(map[string]any, len(r)+2)
		extra, _ := r["__extra_domain"].([]any)
		for k, v := range r {
			if keys, ok := s.aggs[k]; ok {
				for _, key := range keys {
					d[key] = v
				}
				continue
			}
			if k == "__extra_domain" {
				d["__domain"] = append(append([]any{}, s.domain...), extra...)
				continue
			}
			d[k] = v
		}
		for _, g := range s.groups {
			if g.sent != g.spec {
				delete(d, g.sent)
			}
		}
		var rng map[string]any
		for _, g := range s.groups {
			v, ok := r[g.sent]
			if !ok {
				continue
			}
			if l, isPair := v.([]any); g.timeGran && isPair && len(l) == 2 {
				v = l[1]
				if from, ok := l[0].(string); ok {
					if to, ok := rangeEnd(extra, g.field, from); ok {
						if rng == nil {
							rng = map[string]any{}
						}
						rng[g.spec] = map[string]any{"from": from, "to": to}
					}
				}
			}
			d[g.spec] = v
		}
		if rng != nil {
			d["__range"] = rng
		}
		if s.rest != nil {
			d["__context"] = map[string]any{"group_by": s.rest}
		}
		out[i] = d
	}
	return out
}

// rangeEnd finds the end of a date group in its domain: the leaf
// (field, '<', end) that follows (field, '>=', from).
func rangeEnd(domain []any, field, from string) (string, bool) {
	for i := 0; i+1 < len(domain); i++ {
		if leafIs(domain[i], field, ">=", from) {
			if l, ok := domain[i+1].([]any); ok && len(l) == 3 && l[0] == field && l[1] == "<" {
				to, ok := l[2].(string)
				return to, ok
			}
		}
	}
	return "", false
}

func leafIs(v any, field, op, value string) bool {
	l, ok := v.([]any)
	return ok && len(l) == 3 && l[0] == field && l[1] == op && l[2] == value
}

func domainArg(d []any) []any {
	if d == nil {
		return []any{}
	}
	return d
}

func stringsArg(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
