package odoo

import (
	"fmt"
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

// readGroupCall builds the call ReadGroup makes: read_group up to 18,
// formatted_read_group from 19 (where read_group is deprecated). lazy groups
// by the first groupby only, as read_group does.
// aggregator names the default aggregator of a field for
// formatted_read_group ("" when it has none).
func readGroupCall(major int, model string, domain []any, fields, groupby []string, o *ReadGroupOptions, aggregator func(field string) string) call {
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
		return call{model: model, method: "read_group", args: []any{domainArg(domain), stringsArg(fields), stringsArg(groupby)}, kwargs: kw}
	}
	if order != "" {
		kw["order"] = order
	}
	gb := groupby
	if lazy && len(gb) > 1 {
		gb = gb[:1]
	}
	grouped := map[string]bool{}
	for _, g := range gb {
		grouped[strings.SplitN(g, ":", 2)[0]] = true
	}
	aggs := []string{"__count"}
	for _, f := range fields {
		name, agg, hasAgg := strings.Cut(f, ":")
		if grouped[name] || name == "__count" {
			continue
		}
		if !hasAgg {
			// read_group applies a field's own aggregator and ignores
			// fields without one; formatted_read_group wants it spelled
			// out.
			if agg = aggregator(name); agg == "" {
				continue
			}
		}
		aggs = append(aggs, name+":"+agg)
	}
	kw["groupby"] = stringsArg(gb)
	kw["aggregates"] = aggs
	return call{model: model, method: "formatted_read_group", args: []any{domainArg(domain)}, kwargs: kw}
}

// plainAggregates lists the fields of a read_group field list that name no
// aggregator and are not grouped by: ReadGroup must look up their
// aggregators before calling formatted_read_group.
func plainAggregates(fields, groupby []string) []string {
	grouped := map[string]bool{}
	for _, g := range groupby {
		grouped[strings.SplitN(g, ":", 2)[0]] = true
	}
	var out []string
	for _, f := range fields {
		if !strings.Contains(f, ":") && !grouped[f] && f != "__count" {
			out = append(out, f)
		}
	}
	return out
}

// readGroupRows reshapes formatted_read_group rows into read_group's form so
// callers see one shape: "amount:sum" becomes "amount", "__count" becomes
// "<groupby>_count" when lazy, "__extra_domain" becomes "__domain" (the
// full domain of the group).
func readGroupRows(method string, domain []any, groupby []string, lazy bool, rows []map[string]any) {
	if method != "formatted_read_group" {
		return
	}
	countKey := "__count"
	if lazy && len(groupby) > 0 {
		countKey = strings.SplitN(groupby[0], ":", 2)[0] + "_count"
	}
	for _, r := range rows {
		for k, v := range r {
			switch {
			case k == "__count" && countKey != k:
				delete(r, k)
				r[countKey] = v
			case k == "__extra_domain":
				delete(r, k)
				extra, _ := v.([]any)
				full := append(append([]any{}, domain...), extra...)
				r["__domain"] = full
			case strings.Contains(k, ":") && !isGroupKey(k, groupby):
				delete(r, k)
				r[k[:strings.IndexByte(k, ':')]] = v
			}
		}
	}
}

func isGroupKey(k string, groupby []string) bool {
	for _, g := range groupby {
		if g == k {
			return true
		}
	}
	return false
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
