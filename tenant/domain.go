package tenant

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// termOperators are the leaf operators Odoo 16 to 19 accept in a domain
// list; "any"/"not any" need 17+, the "not =like" pair 19.
var termOperators = []string{
	"=", "!=", "<>", "<", "<=", ">", ">=", "=?", "=like", "=ilike", "like",
	"not like", "ilike", "not ilike", "in", "not in", "child_of", "parent_of",
	"any", "not any", "not =like", "not =ilike",
}

// fieldLookup returns a model's fields as fields_get describes them.
type fieldLookup func(ctx context.Context, model string) (map[string]fieldMeta, error)

// maxDomainTerms bounds a domain's size; a model does not need more and a
// hostile client should not make us walk a huge tree.
const maxDomainTerms = 200

// parseDomain accepts a domain as Odoo's list form (["&", ["a","=",1], ...]),
// as a list of {field, operator, value} objects (mixable with "&", "|",
// "!"), or as either of these encoded in a JSON string. It checks shape,
// operators and field names against fields_get and returns Odoo's list form.
// Errors name the element: domain[2][1], domain[0].field.
func parseDomain(ctx context.Context, model string, raw any, fields fieldLookup, arg string) ([]any, error) {
	if arg == "" {
		arg = "domain"
	}
	list, err := domainList(raw, arg)
	if err != nil {
		return nil, err
	}
	count := 0
	return checkDomain(ctx, model, list, fields, arg, &count, 0)
}

func domainList(raw any, arg string) ([]any, error) {
	if s, ok := raw.(string); ok {
		s = strings.TrimSpace(s)
		if s == "" {
			return []any{}, nil
		}
		var parsed any
		if err := json.Unmarshal([]byte(s), &parsed); err != nil {
			return nil, argError(arg, fmt.Sprintf("must be a JSON list such as [[\"name\", \"ilike\", \"acme\"]]; the string given is not valid JSON (%v)", err))
		}
		raw = parsed
	}
	switch v := raw.(type) {
	case nil:
		return []any{}, nil
	case []any:
		if isBareLeaf(v) {
			// ["name", "=", "x"]: one condition written without its list.
			return []any{v}, nil
		}
		return v, nil
	case map[string]any:
		// {"conditions": [...]}, the shape some existing clients send.
		if conds, ok := v["conditions"].([]any); ok && len(v) == 1 {
			return conds, nil
		}
	}
	return nil, argError(arg, fmt.Sprintf("must be a list of conditions such as [[\"name\", \"ilike\", \"acme\"]], got %s", jsonKind(raw)))
}

// isBareLeaf recognises a single condition given where a domain belongs.
func isBareLeaf(l []any) bool {
	if len(l) != 3 {
		return false
	}
	f, ok := l[0].(string)
	if !ok || f == "&" || f == "|" || f == "!" {
		return false
	}
	op, ok := l[1].(string)
	return ok && slices.Contains(termOperators, strings.ToLower(strings.TrimSpace(op)))
}

func checkDomain(ctx context.Context, model string, list []any, fields fieldLookup, arg string, count *int, depth int) ([]any, error) {
	if depth > 4 {
		return nil, argError(arg, "nests \"any\" sub-domains too deeply (more than 4 levels)")
	}
	out := make([]any, 0, len(list))
	// need counts the terms still owed to operators, scanning left to
	// right. When nothing is owed, Odoo's implicit "&" opens a new slot.
	need := 0
	for i, el := range list {
		*count++
		if *count > maxDomainTerms {
			return nil, argError(arg, fmt.Sprintf("has more than %d terms", maxDomainTerms))
		}
		at := fmt.Sprintf("%s[%d]", arg, i)
		if need == 0 {
			need = 1
		}
		switch v := el.(type) {
		case string:
			switch v {
			case "&", "|":
				need++
			case "!":
			default:
				return nil, argError(at, fmt.Sprintf("%q is not a logical operator; between conditions use \"&\", \"|\" or \"!\", and write each condition as [field, operator, value]", v))
			}
			out = append(out, v)
			continue
		case []any:
			if len(v) != 3 {
				return nil, argError(at, fmt.Sprintf("a condition must have 3 elements [field, operator, value], got %d", len(v)))
			}
			leaf, err := checkLeaf(ctx, model, v[0], v[1], v[2], fields, at, fmt.Sprintf("%s[0]", at), fmt.Sprintf("%s[1]", at), count, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, leaf)
		case map[string]any:
			for k := range v {
				if k != "field" && k != "operator" && k != "value" {
					return nil, argError(at, fmt.Sprintf("unexpected key %q; a condition object has keys field, operator and value", k))
				}
			}
			f, ok := v["field"]
			if !ok {
				return nil, argError(at+".field", "is required")
			}
			op, ok := v["operator"]
			if !ok {
				return nil, argError(at+".operator", "is required")
			}
			val, ok := v["value"]
			if !ok {
				return nil, argError(at+".value", "is required (use false to test for an empty field)")
			}
			leaf, err := checkLeaf(ctx, model, f, op, val, fields, at, at+".field", at+".operator", count, depth)
			if err != nil {
				return nil, err
			}
			out = append(out, leaf)
		default:
			return nil, argError(at, fmt.Sprintf("must be a condition [field, operator, value], an object {field, operator, value}, or one of \"&\", \"|\", \"!\"; got %s", jsonKind(el)))
		}
		need--
	}
	if need > 0 {
		return nil, argError(arg, fmt.Sprintf("ends before its logical operators have all their conditions (%d missing); \"&\" and \"|\" take the two conditions after them, \"!\" the one after it", need))
	}
	return out, nil
}

func checkLeaf(ctx context.Context, model string, f, op, val any, fields fieldLookup, at, fieldAt, opAt string, count *int, depth int) ([]any, error) {
	// (1, '=', 1) and (0, '=', 1) are Odoo's TRUE and FALSE leaves.
	if n, ok := f.(float64); ok && (n == 0 || n == 1) {
		if op != "=" {
			return nil, argError(opAt, "the constant conditions [1, \"=\", 1] and [0, \"=\", 1] use the operator \"=\"")
		}
		if v, ok := val.(float64); !ok || v != 1 {
			return nil, argError(at, "the constant conditions are [1, \"=\", 1] (true) and [0, \"=\", 1] (false)")
		}
		return []any{int64(n), "=", int64(1)}, nil
	}
	name, ok := f.(string)
	if !ok || name == "" {
		return nil, argError(fieldAt, fmt.Sprintf("the field must be a field name such as \"name\", got %s", jsonKind(f)))
	}
	opS, ok := op.(string)
	if !ok {
		return nil, argError(opAt, fmt.Sprintf("the operator must be a string such as \"=\" or \"ilike\", got %s", jsonKind(op)))
	}
	opS = strings.ToLower(strings.TrimSpace(opS))
	if !slices.Contains(termOperators, opS) {
		return nil, argError(opAt, fmt.Sprintf("unknown operator %q; use one of %s", op, strings.Join(termOperators, ", ")))
	}
	last, lastModel, err := resolvePath(ctx, model, name, fields, fieldAt)
	if err != nil {
		return nil, err
	}
	value := normalizeNumbers(val)
	switch opS {
	case "in", "not in":
		if _, isList := value.([]any); !isList {
			if _, isObj := value.(map[string]any); isObj {
				return nil, argError(at, fmt.Sprintf("operator %q needs a list of values, got an object", opS))
			}
		}
	case "any", "not any":
		if last.Relation == "" {
			return nil, argError(opAt, fmt.Sprintf("operator %q needs a relational field, and %s.%s is a %s field", opS, lastModel, last.Name, last.Type))
		}
		sub, err := domainList(val, at+"[2]")
		if err != nil {
			return nil, err
		}
		subDomain, err := checkDomain(ctx, last.Relation, sub, fields, at+"[2]", count, depth+1)
		if err != nil {
			return nil, err
		}
		value = subDomain
	default:
		if _, isObj := value.(map[string]any); isObj {
			return nil, argError(at, fmt.Sprintf("the value for operator %q must be a string, number, boolean or list, got an object", opS))
		}
	}
	return []any{name, opS, value}, nil
}

// resolvePath follows a dotted field path (partner_id.country_id.code)
// through relational fields, checking each name exists.
func resolvePath(ctx context.Context, model, path string, fields fieldLookup, at string) (fieldMeta, string, error) {
	parts := strings.Split(path, ".")
	if len(parts) > 5 {
		return fieldMeta{}, "", argError(at, fmt.Sprintf("field path %q is longer than 5 steps", path))
	}
	cur := model
	var f fieldMeta
	for i, p := range parts {
		fs, err := fields(ctx, cur)
		if err != nil {
			return fieldMeta{}, "", err
		}
		m, ok := fs[p]
		if !ok && p == "id" {
			m, ok = fieldMeta{Name: "id", Type: "integer"}, true
		}
		if !ok {
			return fieldMeta{}, "", argError(at, fmt.Sprintf("field %q does not exist on %s%s", p, cur, suggest(p, fs)))
		}
		f = m
		if i < len(parts)-1 {
			if m.Relation == "" {
				return fieldMeta{}, "", argError(at, fmt.Sprintf("%s.%s is a %s field, so %q cannot follow it in %q", cur, p, m.Type, parts[i+1], path))
			}
			cur = m.Relation
		}
	}
	return f, cur, nil
}

// suggest names close field names, since a model usually misspells rather
// than invents.
func suggest(name string, fs map[string]fieldMeta) string {
	var near []string
	low := strings.ToLower(name)
	for k := range fs {
		if strings.Contains(k, low) || strings.Contains(low, k) && len(k) > 3 {
			near = append(near, k)
		}
	}
	slices.Sort(near)
	if len(near) > 5 {
		near = near[:5]
	}
	if len(near) == 0 {
		return " (get_model_fields lists its fields)"
	}
	return fmt.Sprintf(" (did you mean %s? get_model_fields lists them all)", strings.Join(near, ", "))
}

// normalizeNumbers turns JSON's float64 integers into int64 so Odoo sees
// <int> ids rather than doubles; other values pass through.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeNumbers(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeNumbers(e)
		}
		return out
	}
	return v
}

// jsonKind names a decoded JSON value's type for error messages.
func jsonKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return fmt.Sprintf("the string %q", x)
	case float64, int, int64, json.Number:
		return fmt.Sprintf("the number %v", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// maxIDs bounds the ids one call may name.
const maxIDs = 1000

// toIDs checks a list of record ids: positive integers, not strings or
// fractions. A single integer is accepted as a list of one.
func toIDs(v any, arg string) ([]int64, error) {
	var list []any
	switch x := v.(type) {
	case nil:
		return nil, argError(arg, "is required: a list of record ids such as [7, 12]")
	case []any:
		list = x
	case float64, json.Number, int64, int:
		list = []any{x}
	default:
		return nil, argError(arg, fmt.Sprintf("must be a list of record ids such as [7, 12], got %s", jsonKind(v)))
	}
	if len(list) > maxIDs {
		return nil, argError(arg, fmt.Sprintf("names %d ids; at most %d per call", len(list), maxIDs))
	}
	ids := make([]int64, 0, len(list))
	for i, e := range list {
		id, ok := toInt(e)
		if !ok || id <= 0 {
			return nil, argError(fmt.Sprintf("%s[%d]", arg, i), fmt.Sprintf("must be a positive integer record id, got %s", jsonKind(e)))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		if x != math.Trunc(x) || math.Abs(x) >= 1<<53 {
			return 0, false
		}
		return int64(x), true
	case int64:
		return x, true
	case int:
		return int64(x), true
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	}
	return 0, false
}
