package odootest

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// Domain evaluation. A domain is parsed once into a tree (validating field
// names, operators and shape exactly where Odoo 18's expression.py does,
// with the same messages) and then evaluated against records in memory.

type dnode struct {
	kind  byte // '&', '|', '!', 'L' leaf, 'T' true, 'F' false
	kids  []*dnode
	field *field
	op    string
	value any
	sub   *dnode // any / not any subdomain on field's comodel
	comod *model
	// activeOnly hides archived comodel records inside any (active_test).
	activeOnly bool
	cost       int
}

// combine builds a binary node with the cheaper operand first; & and | are
// commutative here (no side effects), and following relations is what costs.
func combine(kind byte, a, b *dnode) *dnode {
	if b.cost < a.cost {
		a, b = b, a
	}
	return &dnode{kind: kind, kids: []*dnode{a, b}, cost: a.cost + b.cost}
}

var termOperators = map[string]bool{
	"=": true, "!=": true, "<=": true, "<": true, ">": true, ">=": true, "=?": true,
	"=like": true, "=ilike": true, "like": true, "not like": true, "ilike": true,
	"not ilike": true, "in": true, "not in": true, "child_of": true, "parent_of": true,
	"any": true, "not any": true,
}

// parseDomain validates and compiles a domain for model m. method names the
// ORM entry point, for the traceback.
func (e *env) parseDomain(m *model, domain any, method string) (*dnode, *pyErr) {
	items, perr := domainItems(domain, method)
	if perr != nil {
		return nil, perr
	}
	// Stage 1 (_anyfy_leaves): shape and field names.
	type tok struct {
		op   string
		leaf []any
	}
	toks := make([]tok, 0, len(items))
	for _, it := range items {
		if s, ok := it.(string); ok && (s == "&" || s == "|" || s == "!") {
			toks = append(toks, tok{op: s})
			continue
		}
		leaf, err := leafTuple(it, method)
		if err != nil {
			return nil, err
		}
		if isConstLeaf(leaf) {
			toks = append(toks, tok{leaf: leaf})
			continue
		}
		left, ok := leaf[0].(string)
		if !ok || left == "" {
			return nil, errValue("Invalid leaf "+pyTuple(leaf), methodFrame(method)+framesDomainOperator)
		}
		head, _, _ := strings.Cut(left, ".")
		if m.byName[head] == nil {
			return nil, errValue(fmt.Sprintf("Invalid field %s.%s in leaf %s", m.name, head, pyTuple(leaf)), methodFrame(method)+framesDomainField)
		}
		toks = append(toks, tok{leaf: leaf})
	}
	// Stage 2 (parse): prefix notation with implicit '&'.
	var stack []*dnode
	for i := len(toks) - 1; i >= 0; i-- {
		t := toks[i]
		switch t.op {
		case "!":
			if len(stack) < 1 {
				return nil, errValue("Invalid domain "+pyReprValue(items), methodFrame(method)+framesWhereCalc)
			}
			n := len(stack) - 1
			stack[n] = &dnode{kind: '!', kids: []*dnode{stack[n]}, cost: stack[n].cost}
		case "&", "|":
			if len(stack) < 2 {
				return nil, errValue("Invalid domain "+pyReprValue(items), methodFrame(method)+framesWhereCalc)
			}
			n := len(stack)
			a, b := stack[n-1], stack[n-2]
			stack = append(stack[:n-2], combine(t.op[0], a, b))
		default:
			node, err := e.compileLeaf(m, t.leaf, method)
			if err != nil {
				return nil, err
			}
			stack = append(stack, node)
		}
	}
	if len(stack) == 0 {
		return &dnode{kind: 'T'}, nil
	}
	root := stack[len(stack)-1]
	for i := len(stack) - 2; i >= 0; i-- {
		root = combine('&', root, stack[i])
	}
	return root, nil
}

// domainItems gives the domain's items; a string iterates as its characters,
// as Python would.
func domainItems(domain any, method string) ([]any, *pyErr) {
	switch d := domain.(type) {
	case nil, pyNone:
		return nil, nil
	case bool:
		if !d {
			return nil, nil
		}
		return nil, errType("'bool' object is not iterable")
	case []any:
		return d, nil
	case string:
		out := make([]any, 0, len(d))
		for _, r := range d {
			out = append(out, string(r))
		}
		return out, nil
	case dict:
		out := make([]any, 0, len(d))
		for _, e := range d {
			out = append(out, e.K)
		}
		return out, nil
	}
	return nil, &pyErr{class: "TypeError", msg: fmt.Sprintf("'%s' object is not iterable", pyTypeName(domain)), frames: framesCallKW + methodFrame(method) + framesAnyfy}
}

func leafTuple(it any, method string) ([]any, *pyErr) {
	var leaf []any
	switch x := it.(type) {
	case []any:
		leaf = x
	case string:
		for _, r := range x {
			leaf = append(leaf, string(r))
		}
	case dict:
		for _, e := range x {
			leaf = append(leaf, e.K)
		}
	default:
		return nil, &pyErr{class: "TypeError", msg: fmt.Sprintf("'%s' object is not iterable", pyTypeName(it)), frames: framesCallKW + methodFrame(method) + framesDomainShape}
	}
	if len(leaf) > 3 {
		return nil, &pyErr{class: "ValueError", msg: "too many values to unpack (expected 3)", frames: framesCallKW + methodFrame(method) + framesDomainShape}
	}
	if len(leaf) < 3 {
		return nil, &pyErr{class: "ValueError", msg: fmt.Sprintf("not enough values to unpack (expected 3, got %d)", len(leaf)), frames: framesCallKW + methodFrame(method) + framesDomainShape}
	}
	return leaf, nil
}

func isConstLeaf(leaf []any) bool {
	a, ok1 := leaf[0].(int64)
	op, _ := leaf[1].(string)
	c, ok2 := leaf[2].(int64)
	return ok1 && ok2 && op == "=" && c == 1 && (a == 0 || a == 1)
}

func (e *env) compileLeaf(m *model, leaf []any, method string) (*dnode, *pyErr) {
	if isConstLeaf(leaf) {
		if leaf[0].(int64) == 1 {
			return &dnode{kind: 'T'}, nil
		}
		return &dnode{kind: 'F'}, nil
	}
	left := leaf[0].(string)
	opRaw, ok := leaf[1].(string)
	op := strings.ToLower(opRaw)
	if op == "<>" {
		op = "!="
	}
	if !ok || !termOperators[op] || (e.db.version < 17 && (op == "any" || op == "not any")) {
		return nil, errValue("Invalid leaf "+pyTuple(leaf), methodFrame(method)+framesDomainOperator)
	}
	head, rest, dotted := strings.Cut(left, ".")
	f := m.byName[head]
	if f == nil {
		return nil, errValue(fmt.Sprintf("Invalid field %s.%s in leaf %s", m.name, head, pyTuple(leaf)), methodFrame(method)+framesDomainField)
	}
	val := leaf[2]
	if _, isNone := val.(pyNone); isNone {
		val = false
	}
	if dotted {
		if !f.relational() {
			return nil, errValue(fmt.Sprintf("Invalid field %s.%s in leaf %s", m.name, left, pyTuple(leaf)), methodFrame(method)+framesDomainField)
		}
		cm := e.db.model(f.relation)
		if cm == nil {
			return &dnode{kind: 'F'}, nil
		}
		sub, err := e.parseDomain(cm, []any{[]any{rest, opRaw, val}}, method)
		if err != nil {
			return nil, err
		}
		return &dnode{kind: 'L', field: f, op: "any", sub: sub, comod: cm, activeOnly: cm.has("active") && e.activeTest(), cost: 4 + sub.cost}, nil
	}
	n := &dnode{kind: 'L', field: f, op: op, value: val, cost: 1}
	if f.compute != nil || f.typ == "one2many" || f.name == "display_name" {
		n.cost = 3
	}
	switch op {
	case "any", "not any":
		if !f.relational() {
			return nil, errValue(fmt.Sprintf("Invalid field %s.%s in leaf %s", m.name, left, pyTuple(leaf)), methodFrame(method)+framesDomainField)
		}
		cm := e.db.model(f.relation)
		if cm == nil {
			return &dnode{kind: 'F'}, nil
		}
		sub, err := e.parseDomain(cm, val, method)
		if err != nil {
			return nil, err
		}
		n.sub, n.comod = sub, cm
		n.activeOnly = cm.has("active") && e.activeTest()
		n.cost = 4 + sub.cost
	case "child_of", "parent_of":
		target := m
		if f.relational() {
			target = e.db.model(f.relation)
		} else if f.name != "id" {
			return nil, errValue(fmt.Sprintf("Invalid field %s.%s in leaf %s", m.name, left, pyTuple(leaf)), methodFrame(method)+framesDomainField)
		}
		if target == nil {
			return &dnode{kind: 'F'}, nil
		}
		ids := e.hierarchy(target, val, op == "child_of")
		return &dnode{kind: 'L', field: f, op: "in", value: idsToAny(ids)}, nil
	case "=?":
		if !truthy(val) {
			return &dnode{kind: 'T'}, nil
		}
		n.op = "="
	case "in", "not in":
		if _, isList := val.([]any); !isList {
			if f.relational() || f.name == "id" {
				val = []any{val}
				n.value = val
			} else if _, isBool := val.(bool); !isBool {
				return nil, errValue(fmt.Sprintf("The domain term '%s' should use the '=' or '!=' operator.", pyTuple(leaf)), methodFrame(method)+framesDomainOperator)
			}
		}
	}
	if f.typ == "many2one" || f.x2many() {
		// A name given for an id: resolve it with name_search semantics.
		switch op {
		case "=", "!=", "like", "not like", "ilike", "not ilike", "=like", "=ilike", "in", "not in":
			if needsNameResolve(n.value) {
				cm := e.db.model(f.relation)
				if cm != nil {
					n.comod = cm
				}
			}
		}
	}
	return n, nil
}

func needsNameResolve(v any) bool {
	switch x := v.(type) {
	case string:
		return true
	case []any:
		for _, e := range x {
			if _, ok := e.(string); ok {
				return true
			}
		}
	}
	return false
}

func idsToAny(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// hierarchy expands ids (or a name) to descendants (child_of) or ancestors (parent_of).
func (e *env) hierarchy(m *model, val any, down bool) []int64 {
	var start []int64
	switch x := val.(type) {
	case int64:
		start = []int64{x}
	case []any:
		for _, v := range x {
			if n, ok := v.(int64); ok {
				start = append(start, n)
			}
		}
	case string:
		for _, id := range m.ids {
			if strings.Contains(strings.ToLower(e.db.displayName(m, m.recs[id])), strings.ToLower(x)) {
				start = append(start, id)
			}
		}
	}
	pf := m.parentField
	seen := map[int64]bool{}
	var out []int64
	queue := append([]int64(nil), start...)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] || m.recs[id] == nil {
			continue
		}
		seen[id] = true
		out = append(out, id)
		if pf == "" {
			continue
		}
		if down {
			queue = append(queue, m.inverse(pf, id)...)
		} else if p, _ := m.recs[id].v[pf].(int64); p != 0 {
			queue = append(queue, p)
		}
	}
	return out
}

// match evaluates the compiled domain on r.
func (e *env) match(m *model, n *dnode, r *record) bool {
	switch n.kind {
	case 'T':
		return true
	case 'F':
		return false
	case '!':
		return !e.match(m, n.kids[0], r)
	case '&':
		return e.match(m, n.kids[0], r) && e.match(m, n.kids[1], r)
	case '|':
		return e.match(m, n.kids[0], r) || e.match(m, n.kids[1], r)
	}
	return e.matchLeaf(m, n, r)
}

func (e *env) matchLeaf(m *model, n *dnode, r *record) bool {
	f := n.field
	raw := e.db.rawValue(m, r, f)
	switch n.op {
	case "any", "not any":
		found := false
		for _, id := range relIDs(f, raw) {
			if cr := n.comod.recs[id]; cr != nil && (!n.activeOnly || activeRec(cr)) && e.match(n.comod, n.sub, cr) {
				found = true
				break
			}
		}
		return found == (n.op == "any")
	}
	if f.typ == "many2one" || f.x2many() || f.name == "id" {
		return e.matchRelational(m, n, f, raw)
	}
	return matchScalar(f, n.op, raw, n.value)
}

func activeRec(r *record) bool {
	a, ok := r.v["active"].(bool)
	return !ok || a
}

func relIDs(f *field, raw any) []int64 {
	switch x := raw.(type) {
	case int64:
		if x == 0 {
			return nil
		}
		return []int64{x}
	case []int64:
		return x
	}
	return nil
}

func (e *env) matchRelational(m *model, n *dnode, f *field, raw any) bool {
	ids := relIDs(f, raw)
	if f.name == "id" {
		ids = []int64{raw.(int64)}
	}
	if n.comod != nil {
		// Compare by name on the related records.
		names := make([]string, 0, len(ids))
		for _, id := range ids {
			if cr := n.comod.recs[id]; cr != nil {
				names = append(names, e.db.displayName(n.comod, cr))
			}
		}
		negative := n.op == "!=" || n.op == "not like" || n.op == "not ilike" || n.op == "not in"
		pos := n.op
		switch n.op {
		case "!=":
			pos = "="
		case "not like":
			pos = "like"
		case "not ilike":
			pos = "ilike"
		case "not in":
			pos = "in"
		}
		hit := false
		for _, nm := range names {
			if pos == "in" {
				for _, v := range n.value.([]any) {
					if s, ok := v.(string); ok && s == nm {
						hit = true
					}
					if id, ok := v.(int64); ok {
						for _, x := range ids {
							hit = hit || x == id
						}
					}
				}
			} else if matchScalar(&field{typ: "char"}, pos, nm, n.value) {
				hit = true
			}
		}
		return hit != negative
	}
	switch n.op {
	case "=", "!=":
		var hit bool
		switch v := n.value.(type) {
		case bool:
			hit = (len(ids) == 0) == !v
			if v {
				hit = len(ids) > 0
			}
		case int64:
			for _, x := range ids {
				hit = hit || x == v
			}
		case float64:
			for _, x := range ids {
				hit = hit || float64(x) == v
			}
		}
		return hit == (n.op == "=")
	case "in", "not in":
		hit := false
		list, _ := n.value.([]any)
		for _, v := range list {
			switch t := v.(type) {
			case int64:
				for _, x := range ids {
					hit = hit || x == t
				}
			case bool:
				if !t && len(ids) == 0 {
					hit = true
				}
			case pyNone:
				if len(ids) == 0 {
					hit = true
				}
			}
		}
		return hit == (n.op == "in")
	case "<", "<=", ">", ">=":
		v, ok := n.value.(int64)
		if !ok {
			if fv, okf := n.value.(float64); okf {
				v, ok = int64(fv), true
			}
		}
		if !ok {
			return false
		}
		for _, x := range ids {
			if cmpNum(float64(x), float64(v), n.op) {
				return true
			}
		}
		return false
	case "like", "ilike", "=like", "=ilike", "not like", "not ilike":
		// Matching an id column against a pattern compares its text.
		for _, x := range ids {
			if matchScalar(&field{typ: "char"}, n.op, fmt.Sprint(x), n.value) != strings.HasPrefix(n.op, "not") {
				return !strings.HasPrefix(n.op, "not")
			}
		}
		return strings.HasPrefix(n.op, "not")
	}
	return false
}

func cmpNum(a, b float64, op string) bool {
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	case ">=":
		return a >= b
	}
	return false
}

// matchScalar applies op to a stored scalar with SQL NULL semantics: an
// empty char/date/selection is NULL, numeric fields are never NULL here.
func matchScalar(f *field, op string, raw any, val any) bool {
	isNull := false
	switch x := raw.(type) {
	case string:
		isNull = x == ""
	case nil:
		isNull = true
	}
	if f.typ == "boolean" {
		b, _ := raw.(bool)
		switch op {
		case "=":
			return b == truthy(val)
		case "!=":
			return b != truthy(val)
		case "in", "not in":
			hit := false
			list, _ := val.([]any)
			for _, v := range list {
				hit = hit || truthy(v) == b
			}
			return hit == (op == "in")
		}
		return false
	}
	switch op {
	case "=", "!=":
		var eq bool
		if vb, ok := val.(bool); ok && !vb {
			eq = isNull || (f.numeric() && isZero(raw))
		} else if isNull {
			eq = false
		} else {
			eq = compareValues(raw, val) == 0
		}
		if op == "=" {
			return eq
		}
		return !eq
	case "in", "not in":
		list, _ := val.([]any)
		hit := false
		for _, v := range list {
			if vb, ok := v.(bool); ok && !vb {
				hit = hit || isNull
			} else if !isNull && compareValues(raw, v) == 0 {
				hit = true
			}
		}
		return hit == (op == "in")
	case "<", "<=", ">", ">=":
		if isNull {
			return false
		}
		if vb, ok := val.(bool); ok && !vb {
			return false
		}
		c := compareValues(raw, val)
		switch op {
		case "<":
			return c < 0
		case "<=":
			return c <= 0
		case ">":
			return c > 0
		}
		return c >= 0
	case "like", "ilike", "not like", "not ilike", "=like", "=ilike":
		s := scalarText(raw)
		pat := scalarText(val)
		var ok bool
		switch op {
		case "like", "not like":
			ok = !isNull && strings.Contains(s, pat)
		case "ilike", "not ilike":
			ok = !isNull && containsFold(s, pat)
		case "=like":
			ok = !isNull && likeMatch(s, pat, false)
		case "=ilike":
			ok = !isNull && likeMatch(s, pat, true)
		}
		if vb, isb := val.(bool); isb && !vb {
			// like False: Odoo treats a falsy pattern as "is set" / "is not set".
			ok = !isNull
		}
		if strings.HasPrefix(op, "not") {
			return !ok
		}
		return ok
	}
	return false
}

func isZero(v any) bool {
	switch x := v.(type) {
	case int64:
		return x == 0
	case float64:
		return x == 0
	}
	return false
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return fmt.Sprint(x)
	case float64:
		return pyFloat(x)
	case bool:
		if x {
			return "True"
		}
		return ""
	}
	return fmt.Sprint(v)
}

// likeCache keeps compiled LIKE patterns: a search applies one pattern to
// every record.
var likeCache sync.Map // "0"/"1" + pattern -> *regexp.Regexp (nil when invalid)

// likeCached bounds the cache, so arbitrary patterns cannot grow it forever.
var likeCached atomic.Int64

// likeMatch applies an SQL LIKE pattern (% and _, backslash escapes).
func likeMatch(s, pat string, fold bool) bool {
	key := "0" + pat
	if fold {
		key = "1" + pat
	}
	if re, ok := likeCache.Load(key); ok {
		r, _ := re.(*regexp.Regexp)
		return r != nil && r.MatchString(s)
	}
	re := compileLike(pat, fold)
	if likeCached.Add(1) <= 4096 {
		likeCache.Store(key, re)
	}
	return re != nil && re.MatchString(s)
}

func compileLike(pat string, fold bool) *regexp.Regexp {
	var b strings.Builder
	if fold {
		b.WriteString("(?is)^")
	} else {
		b.WriteString("(?s)^")
	}
	esc := false
	for _, r := range pat {
		switch {
		case esc:
			b.WriteString(regexp.QuoteMeta(string(r)))
			esc = false
		case r == '\\':
			esc = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil
	}
	return re
}

// compareValues orders two scalars: numbers numerically, strings bytewise
// (dates and datetimes compare correctly as text).
func compareValues(a, b any) int {
	af, aNum := toFloat(a)
	bf, bNum := toFloat(b)
	if aNum && bNum {
		switch {
		case af < bf:
			return -1
		case af > bf:
			return 1
		}
		return 0
	}
	as, bs := scalarText(a), scalarText(b)
	return strings.Compare(as, bs)
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

// containsFold is a case-insensitive strings.Contains that does not
// allocate for ASCII text (searches run it once per record).
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	// Non-ASCII case mappings can change byte lengths; fall back.
	if !isASCII(s) || !isASCII(sub) {
		return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
