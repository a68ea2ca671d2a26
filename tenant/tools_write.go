package tenant

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// checkValues validates a values object against the model's fields: known
// names, not hidden, not read-only computed fields.
func (c *call) checkValues(model string, fs map[string]fieldMeta) (map[string]any, error) {
	raw, ok := c.args["values"]
	if !ok || raw == nil {
		return nil, argError("values", "is required, e.g. {\"name\": \"Acme\"}")
	}
	vals, ok := raw.(map[string]any)
	if !ok {
		return nil, argError("values", fmt.Sprintf("must be an object of field values such as {\"name\": \"Acme\"}, got %s", jsonKind(raw)))
	}
	if len(vals) == 0 {
		return nil, argError("values", "is empty; give at least one field")
	}
	for _, k := range sortedKeys(vals) {
		if c.st.pol.fieldHidden(model, k) {
			return nil, &refusal{msg: fmt.Sprintf("field %q of %s cannot be written on this tenant", k, model)}
		}
		if _, ok := fs[k]; !ok {
			return nil, argError("values."+k, fmt.Sprintf("field %q does not exist on %s%s", k, model, suggest(k, fs)))
		}
	}
	return normalizeNumbers(vals).(map[string]any), nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// writePrep is the common start of create/update/delete: model, policy,
// context.
func (c *call) writePrep(ctx context.Context) (string, map[string]any, error) {
	m, err := c.str("model", true)
	if err != nil {
		return "", nil, err
	}
	if err := c.st.pol.checkWrite(m); err != nil {
		return m, nil, err
	}
	if err := c.st.requireModel(ctx, m); err != nil {
		return m, nil, err
	}
	octx, err := c.context()
	return m, octx, err
}

func (t *Tenant) toolCreate(ctx context.Context, c *call) (out any, err error) {
	var created []int64
	model, octx, err := c.writePrep(ctx)
	defer func() {
		if !asking(out) {
			c.audit(ctx, model, "create", created, outcomeOf(err), err)
		}
	}()
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	vals, err := c.checkValues(model, fs)
	if err != nil {
		return nil, err
	}
	if r, err := c.confirm(ctx, false, fmt.Sprintf("create a %s record with %s", model, strings.Join(sortedKeys(vals), ", "))); err != nil {
		return nil, err
	} else if r != nil {
		return r, nil
	}
	raw, err := c.st.call(ctx, model, "create", []any{vals}, nil, octx)
	if err != nil {
		return nil, err
	}
	id, ok := toInt(raw)
	if !ok {
		if l, isList := raw.([]any); isList && len(l) == 1 {
			id, ok = toInt(l[0])
		}
	}
	if !ok {
		return nil, fmt.Errorf("create: Odoo answered %s, not an id", jsonKind(raw))
	}
	created = []int64{id}
	return map[string]any{"model": model, "id": id}, nil
}

func (t *Tenant) toolUpdate(ctx context.Context, c *call) (out any, err error) {
	var ids []int64
	model, octx, err := c.writePrep(ctx)
	defer func() {
		if !asking(out) {
			c.audit(ctx, model, "write", ids, outcomeOf(err), err)
		}
	}()
	if err != nil {
		return nil, err
	}
	if ids, err = toIDs(c.args["ids"], "ids"); err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	vals, err := c.checkValues(model, fs)
	if err != nil {
		return nil, err
	}
	if r, err := c.confirm(ctx, false, fmt.Sprintf("change %s on %s records %v", strings.Join(sortedKeys(vals), ", "), model, ids)); err != nil {
		return nil, err
	} else if r != nil {
		return r, nil
	}
	if _, err := c.st.call(ctx, model, "write", []any{anyList(ids), vals}, nil, octx); err != nil {
		return nil, err
	}
	return map[string]any{"model": model, "updated": ids}, nil
}

func (t *Tenant) toolDelete(ctx context.Context, c *call) (out any, err error) {
	var ids []int64
	model, octx, err := c.writePrep(ctx)
	defer func() {
		if !asking(out) {
			c.audit(ctx, model, "unlink", ids, outcomeOf(err), err)
		}
	}()
	if err != nil {
		return nil, err
	}
	if ids, err = toIDs(c.args["ids"], "ids"); err != nil {
		return nil, err
	}
	if r, err := c.confirm(ctx, true, fmt.Sprintf("delete %s records %v for good", model, ids)); err != nil {
		return nil, err
	} else if r != nil {
		return r, nil
	}
	if _, err := c.st.call(ctx, model, "unlink", []any{anyList(ids)}, nil, octx); err != nil {
		return nil, err
	}
	return map[string]any{"model": model, "deleted": ids}, nil
}

func (t *Tenant) toolPostMessage(ctx context.Context, c *call) (out any, err error) {
	var ids []int64
	model, octx, err := c.writePrep(ctx)
	defer func() {
		if !asking(out) {
			c.audit(ctx, model, "message_post", ids, outcomeOf(err), err)
		}
	}()
	if err != nil {
		return nil, err
	}
	idv, ok := c.args["id"]
	if !ok {
		return nil, argError("id", "is required, e.g. 7")
	}
	id, ok := toInt(idv)
	if !ok || id <= 0 {
		return nil, argError("id", fmt.Sprintf("must be a positive integer record id, got %s", jsonKind(idv)))
	}
	ids = []int64{id}
	body, err := c.str("body", true)
	if err != nil {
		return nil, err
	}
	if len(body) > 100000 {
		return nil, argError("body", "is longer than 100000 bytes")
	}
	kind, err := c.str("message_type", false)
	if err != nil {
		return nil, err
	}
	subtype := "mail.mt_note"
	switch kind {
	case "", "note":
		kind = "note"
	case "comment":
		subtype = "mail.mt_comment"
	default:
		return nil, argError("message_type", fmt.Sprintf("must be \"note\" or \"comment\", got %q", kind))
	}
	if r, err := c.confirm(ctx, false, fmt.Sprintf("post a %s on %s record %d", kind, model, id)); err != nil {
		return nil, err
	} else if r != nil {
		return r, nil
	}
	raw, err := c.st.call(ctx, model, "message_post", []any{[]any{id}}, map[string]any{"body": body, "message_type": "comment", "subtype_xmlid": subtype}, octx)
	if err != nil {
		return nil, err
	}
	res := map[string]any{"model": model, "id": id, "posted": kind}
	if mid, ok := toInt(raw); ok {
		res["message_id"] = mid
	} else if l, ok := raw.([]any); ok && len(l) == 1 {
		res["message_id"] = l[0]
	}
	return res, nil
}

// operation is one method call of execute_method or batch_execute.
type operation struct {
	Model  string
	Method string
	Args   []any
	Kwargs map[string]any
}

// parseOperation reads model, method, args/args_json and kwargs/kwargs_json
// from m; prefix names the arguments in errors.
func parseOperation(m map[string]any, prefix string) (operation, error) {
	op := operation{}
	get := func(k string) (string, error) {
		v, ok := m[k]
		if !ok || v == nil {
			return "", argError(prefix+k, "is required")
		}
		s, ok := v.(string)
		if !ok || s == "" {
			return "", argError(prefix+k, fmt.Sprintf("must be a non-empty string, got %s", jsonKind(v)))
		}
		return s, nil
	}
	var err error
	if op.Model, err = get("model"); err != nil {
		return op, err
	}
	if op.Method, err = get("method"); err != nil {
		return op, err
	}
	args, hasArgs := m["args"]
	if aj, ok := m["args_json"]; ok && aj != nil {
		if hasArgs && args != nil {
			return op, argError(prefix+"args_json", "give args or args_json, not both")
		}
		s, ok := aj.(string)
		if !ok {
			return op, argError(prefix+"args_json", fmt.Sprintf("must be JSON text such as \"[[7]]\", got %s", jsonKind(aj)))
		}
		if err := json.Unmarshal([]byte(s), &args); err != nil {
			return op, argError(prefix+"args_json", fmt.Sprintf("is not valid JSON: %v", err))
		}
	}
	switch a := args.(type) {
	case nil:
		op.Args = []any{}
	case []any:
		op.Args = normalizeNumbers(a).([]any)
	default:
		return op, argError(prefix+"args", fmt.Sprintf("must be a list of positional arguments such as [[7]], got %s", jsonKind(args)))
	}
	kwargs, hasKw := m["kwargs"]
	if kj, ok := m["kwargs_json"]; ok && kj != nil {
		if hasKw && kwargs != nil {
			return op, argError(prefix+"kwargs_json", "give kwargs or kwargs_json, not both")
		}
		s, ok := kj.(string)
		if !ok {
			return op, argError(prefix+"kwargs_json", fmt.Sprintf("must be JSON text such as \"{\\\"limit\\\": 5}\", got %s", jsonKind(kj)))
		}
		if err := json.Unmarshal([]byte(s), &kwargs); err != nil {
			return op, argError(prefix+"kwargs_json", fmt.Sprintf("is not valid JSON: %v", err))
		}
	}
	switch k := kwargs.(type) {
	case nil:
		op.Kwargs = map[string]any{}
	case map[string]any:
		op.Kwargs = normalizeNumbers(k).(map[string]any)
	default:
		return op, argError(prefix+"kwargs", fmt.Sprintf("must be an object of keyword arguments such as {\"limit\": 5}, got %s", jsonKind(kwargs)))
	}
	if _, ok := op.Kwargs["context"]; ok {
		return op, argError(prefix+"kwargs.context", "set the Odoo context with the tool's context argument instead")
	}
	return op, nil
}

// idsOf picks the record ids a method call targets (its first argument),
// for the audit line.
func (op operation) idsOf() []int64 {
	if len(op.Args) == 0 {
		return nil
	}
	ids, _ := toIDs(op.Args[0], "args[0]")
	return ids
}

// domainMethods take a domain as their first argument (or domain=): it is
// validated like the search tools' domains, so execute_method cannot
// filter on hidden fields or reach denied models through relations.
var domainMethods = []string{"search", "search_read", "search_count", "search_fetch", "read_group", "formatted_read_group", "web_search_read", "web_read_group"}

// checkOperation applies the policy to an operation, and validates its
// domain when the method takes one.
func (c *call) checkOperation(ctx context.Context, op *operation, prefix string) error {
	if err := c.st.pol.checkMethod(op.Model, op.Method); err != nil {
		var in *inputError
		if ok := asInput(err, &in); ok {
			in.arg = prefix + in.arg
		}
		return err
	}
	if err := c.st.requireModel(ctx, op.Model); err != nil {
		return err
	}
	if err := c.checkWrittenFields(*op, prefix); err != nil {
		return err
	}
	if !slices.Contains(domainMethods, op.Method) {
		return nil
	}
	if d, ok := op.Kwargs["domain"]; ok {
		dom, err := parseDomain(ctx, op.Model, d, c.st.lookup, prefix+"kwargs.domain")
		if err != nil {
			return err
		}
		op.Kwargs["domain"] = dom
	} else if len(op.Args) > 0 {
		dom, err := parseDomain(ctx, op.Model, op.Args[0], c.st.lookup, prefix+"args[0]")
		if err != nil {
			return err
		}
		op.Args[0] = dom
	}
	return nil
}

func asInput(err error, target **inputError) bool {
	e, ok := err.(*inputError)
	if ok {
		*target = e
	}
	return ok
}

func (t *Tenant) toolExecuteMethod(ctx context.Context, c *call) (out any, err error) {
	op, err := parseOperation(c.args, "")
	write := err == nil && !isReadMethod(op.Method)
	defer func() {
		if !asking(out) && (write || outcomeOf(err) == "refused") {
			c.audit(ctx, op.Model, op.Method, op.idsOf(), outcomeOf(err), err)
		}
	}()
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	if err := c.checkOperation(ctx, &op, ""); err != nil {
		return nil, err
	}
	if write {
		if r, err := c.confirm(ctx, op.Method == "unlink", fmt.Sprintf("call %s on %s with %s", op.Method, op.Model, brief(op.Args))); err != nil {
			return nil, err
		} else if r != nil {
			return r, nil
		}
	}
	raw, err := c.st.call(ctx, op.Model, op.Method, op.Args, op.Kwargs, octx)
	if err != nil {
		return nil, err
	}
	return map[string]any{"model": op.Model, "method": op.Method, "result": c.shapeAny(ctx, op, raw)}, nil
}

// shapeAny cleans a method's raw answer: records from read/search_read
// are shaped like the read tools do, and hidden fields are dropped
// wherever records appear.
func (c *call) shapeAny(ctx context.Context, op operation, raw any) any {
	if op.Method == "read" || op.Method == "search_read" {
		if recs, err := rows(raw, op.Method); err == nil {
			if fs, err := c.st.lookup(ctx, op.Model); err == nil {
				out := make([]any, len(recs))
				for i, r := range recs {
					out[i] = c.st.pol.shapeRecord(op.Model, r, fs, nil)
				}
				return out
			}
		}
	}
	return c.scrub(op.Model, raw)
}

// scrub removes hidden fields from any maps inside a value.
func (c *call) scrub(model string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if c.st.pol.fieldHidden(model, k) {
				continue
			}
			out[k] = c.scrub(model, e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = c.scrub(model, e)
		}
		return out
	}
	return v
}

func brief(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func (t *Tenant) toolBatchExecute(ctx context.Context, c *call) (any, error) {
	raw, ok := c.args["operations"]
	if !ok || raw == nil {
		return nil, argError("operations", "is required: a list of {model, method, args, kwargs}")
	}
	list, ok := raw.([]any)
	if !ok {
		return nil, argError("operations", fmt.Sprintf("must be a list of {model, method, args, kwargs}, got %s", jsonKind(raw)))
	}
	if len(list) == 0 || len(list) > 50 {
		return nil, argError("operations", fmt.Sprintf("must hold 1 to 50 operations, got %d", len(list)))
	}
	stop, err := c.boolArg("stop_on_error", true)
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	ops := make([]operation, len(list))
	writes, destructive := 0, false
	var summary []string
	for i, e := range list {
		prefix := fmt.Sprintf("operations[%d].", i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, argError(fmt.Sprintf("operations[%d]", i), fmt.Sprintf("must be an object {model, method, args, kwargs}, got %s", jsonKind(e)))
		}
		for k := range m {
			switch k {
			case "model", "method", "args", "kwargs", "args_json", "kwargs_json":
			default:
				return nil, argError(prefix+k, "is not an operation key; use model, method, args, kwargs, args_json, kwargs_json")
			}
		}
		op, err := parseOperation(m, prefix)
		if err != nil {
			return nil, err
		}
		// Every operation passes the policy before the first one runs:
		// Odoo commits each call, so a refusal halfway would leave half a
		// batch done.
		if err := c.checkOperation(ctx, &op, prefix); err != nil {
			c.audit(ctx, op.Model, op.Method, op.idsOf(), outcomeOf(err), err)
			return nil, fmt.Errorf("operations[%d] (%s.%s): %w; nothing was run", i, op.Model, op.Method, err)
		}
		if !isReadMethod(op.Method) {
			writes++
			destructive = destructive || op.Method == "unlink"
			summary = append(summary, op.Method+" on "+op.Model)
		}
		ops[i] = op
	}
	if writes > 0 {
		r, err := c.confirm(ctx, destructive, fmt.Sprintf("run %d changes: %s", writes, strings.Join(summary, ", ")))
		if err != nil {
			for _, op := range ops {
				if !isReadMethod(op.Method) {
					c.audit(ctx, op.Model, op.Method, op.idsOf(), "refused", err)
				}
			}
			return nil, err
		}
		if r != nil {
			return r, nil
		}
	}
	results := make([]map[string]any, 0, len(ops))
	failed := 0
	for i, op := range ops {
		raw, err := c.st.call(ctx, op.Model, op.Method, op.Args, op.Kwargs, octx)
		if !isReadMethod(op.Method) {
			c.audit(ctx, op.Model, op.Method, op.idsOf(), outcomeOf(err), err)
		}
		r := map[string]any{"index": i, "model": op.Model, "method": op.Method}
		if err != nil {
			failed++
			r["ok"] = false
			r["error"] = describeError(err)
			results = append(results, r)
			if stop {
				break
			}
			continue
		}
		r["ok"] = true
		r["result"] = c.shapeAny(ctx, op, raw)
		results = append(results, r)
	}
	res := map[string]any{"results": results, "ran": len(results), "failed": failed, "total": len(ops)}
	if failed > 0 && stop && len(results) < len(ops) {
		res["note"] = fmt.Sprintf("stopped at operation %d; the %d operations before it were committed by Odoo and stay done", len(results)-1, len(results)-1)
	}
	return res, nil
}

func (t *Tenant) toolValidate(ctx context.Context, c *call) (any, error) {
	model, err := c.str("model", true)
	if err != nil {
		return nil, err
	}
	method, err := c.str("method", true)
	if err != nil {
		return nil, err
	}
	var problems, warnings []string
	if err := c.st.pol.checkMethod(model, method); err != nil {
		return map[string]any{"ok": false, "problems": []string{describeError(err)}}, nil
	}
	if err := c.st.requireModel(ctx, model); err != nil {
		return map[string]any{"ok": false, "problems": []string{describeError(err)}}, nil
	}
	var ids []int64
	if v, ok := c.args["ids"]; ok && v != nil {
		if ids, err = toIDs(v, "ids"); err != nil {
			return nil, err
		}
	}
	op := map[string]string{"create": "create", "write": "write", "unlink": "unlink"}[method]
	if op == "" {
		op = "write"
	}
	if ok, err := c.st.odoo.HasAccess(ctx, model, op, callOptions(c.st.pol.context)); err != nil {
		warnings = append(warnings, "could not check access rights: "+describeError(err))
	} else if !ok {
		problems = append(problems, fmt.Sprintf("the Odoo user has no %s access to %s", op, model))
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	if raw, ok := c.args["values"]; ok && raw != nil {
		vals, isObj := raw.(map[string]any)
		if !isObj {
			return nil, argError("values", fmt.Sprintf("must be an object of field values, got %s", jsonKind(raw)))
		}
		for _, k := range sortedKeys(vals) {
			f, ok := fs[k]
			switch {
			case c.st.pol.fieldHidden(model, k):
				problems = append(problems, fmt.Sprintf("field %q cannot be written on this tenant", k))
			case !ok:
				problems = append(problems, fmt.Sprintf("field %q does not exist on %s%s", k, model, suggest(k, fs)))
			case f.ReadOnly:
				warnings = append(warnings, fmt.Sprintf("field %q is read-only in the form view; Odoo may ignore or recompute it", k))
			default:
				if p := valueProblem(f, vals[k]); p != "" {
					problems = append(problems, p)
				}
			}
		}
		if method == "create" {
			var missing []string
			for n, f := range fs {
				if f.Required && !f.ReadOnly {
					if _, ok := vals[n]; !ok {
						missing = append(missing, n)
					}
				}
			}
			sort.Strings(missing)
			if len(missing) > 0 {
				warnings = append(warnings, fmt.Sprintf("required fields not given (Odoo fills some with defaults): %s", strings.Join(missing, ", ")))
			}
		}
	}
	if len(ids) > 0 {
		raw, err := c.st.call(ctx, model, "search", []any{[]any{[]any{"id", "in", anyList(ids)}}}, map[string]any{}, mergeNoActive(c.st.pol.context))
		if err == nil {
			if l, ok := raw.([]any); ok {
				have := map[int64]bool{}
				for _, e := range l {
					if id, ok := toInt(e); ok {
						have[id] = true
					}
				}
				for _, id := range ids {
					if !have[id] {
						problems = append(problems, fmt.Sprintf("record %s %d does not exist", model, id))
					}
				}
			}
		}
	}
	return map[string]any{"ok": len(problems) == 0, "model": model, "method": method, "problems": nonNil(problems), "warnings": nonNil(warnings)}, nil
}

func mergeNoActive(ctx map[string]any) map[string]any {
	out := map[string]any{"active_test": false}
	for k, v := range ctx {
		if k != "active_test" {
			out[k] = v
		}
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// valueProblem catches values of the wrong JSON type for a field.
func valueProblem(f fieldMeta, v any) string {
	if b, ok := v.(bool); ok && !b {
		return "" // false clears any field
	}
	switch f.Type {
	case "many2one":
		if _, ok := toInt(v); !ok {
			return fmt.Sprintf("field %q is a many2one to %s and takes a record id, got %s", f.Name, f.Relation, jsonKind(v))
		}
	case "integer":
		if _, ok := toInt(v); !ok {
			return fmt.Sprintf("field %q takes an integer, got %s", f.Name, jsonKind(v))
		}
	case "float", "monetary":
		if _, ok := v.(float64); !ok {
			return fmt.Sprintf("field %q takes a number, got %s", f.Name, jsonKind(v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("field %q takes true or false, got %s", f.Name, jsonKind(v))
		}
	case "char", "text", "html", "selection", "date", "datetime":
		s, ok := v.(string)
		if !ok {
			return fmt.Sprintf("field %q takes a string, got %s", f.Name, jsonKind(v))
		}
		if f.Type == "selection" && len(f.Selection) > 0 {
			var keys []string
			for _, o := range f.Selection {
				if p, ok := o.([]any); ok && len(p) == 2 {
					if k, ok := p[0].(string); ok {
						if k == s {
							return ""
						}
						keys = append(keys, k)
					}
				}
			}
			return fmt.Sprintf("field %q takes one of %s, got %q", f.Name, strings.Join(keys, ", "), s)
		}
	case "one2many", "many2many":
		if _, ok := v.([]any); !ok {
			return fmt.Sprintf("field %q takes a list of commands such as [[6, 0, [1, 2]]], got %s", f.Name, jsonKind(v))
		}
	}
	return ""
}

// asking reports whether a tool's answer is a request for the user's
// confirmation rather than a final result.
func asking(out any) bool {
	r, ok := out.(*mcp.CallToolResult)
	return ok && r != nil && r.NeedsInput()
}

// checkWrittenFields refuses create and write calls that set a field the
// tenant hides, as create_record and update_records do.
func (c *call) checkWrittenFields(op operation, prefix string) error {
	var vals []any
	switch op.Method {
	case "create":
		if len(op.Args) > 0 {
			vals = append(vals, op.Args[0])
		}
		vals = append(vals, op.Kwargs["vals_list"], op.Kwargs["vals"])
	case "write":
		if len(op.Args) > 1 {
			vals = append(vals, op.Args[1])
		}
		vals = append(vals, op.Kwargs["vals"])
	default:
		return nil
	}
	var check func(v any) error
	check = func(v any) error {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if err := check(e); err != nil {
					return err
				}
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				if c.st.pol.fieldHidden(op.Model, k) {
					where := ""
					if prefix != "" {
						where = strings.TrimSuffix(prefix, ".") + ": "
					}
					return &refusal{msg: fmt.Sprintf("%sfield %q of %s cannot be written on this tenant", where, k, op.Model)}
				}
			}
		}
		return nil
	}
	for _, v := range vals {
		if err := check(v); err != nil {
			return err
		}
	}
	return nil
}
