package odootest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// call is one ORM method invocation after authentication.
type call struct {
	e      *env
	m      *model
	method string
	args   []any
	kwargs dict
	ids    []int64 // the recordset, for record methods
	spec   *methodSpec
	own    bool // spec is model-specific (for the Python qualname in errors)
}

type methodFunc func(c *call) (any, *pyErr)

// param is one Python parameter; def == nil means required.
type param struct {
	name string
	def  any
	req  bool
}

// methodSpec describes a public method: @api.model or record-bound, its
// Python signature and the access mode it needs.
type methodSpec struct {
	model  bool // @api.model: no ids
	params []param
	varkw  bool   // **kwargs accepted
	access string // read, write, create, unlink, "" (none)
	fn     methodFunc
}

var (
	reqP = func(n string) param { return param{name: n, req: true} }
	optP = func(n string, d any) param { return param{name: n, def: d} }
)

// genericMethods are BaseModel's public methods the simulator implements.
var genericMethods map[string]*methodSpec

func init() {
	genericMethods = map[string]*methodSpec{
		"search":              {model: true, access: "read", params: []param{reqP("domain"), optP("offset", int64(0)), optP("limit", pyNone{}), optP("order", pyNone{})}, fn: mSearch},
		"search_read":         {model: true, access: "read", params: []param{optP("domain", pyNone{}), optP("fields", pyNone{}), optP("offset", int64(0)), optP("limit", pyNone{}), optP("order", pyNone{}), optP("load", "_classic_read")}, fn: mSearchRead},
		"search_fetch":        {model: true, access: "read", params: []param{reqP("domain"), reqP("field_names"), optP("offset", int64(0)), optP("limit", pyNone{}), optP("order", pyNone{})}, fn: mSearchFetch},
		"search_count":        {model: true, access: "read", params: []param{reqP("domain"), optP("limit", pyNone{})}, fn: mSearchCount},
		"read":                {access: "read", params: []param{optP("fields", pyNone{}), optP("load", "_classic_read")}, fn: mRead},
		"fields_get":          {model: true, params: []param{optP("allfields", pyNone{}), optP("attributes", pyNone{})}, fn: mFieldsGet},
		"name_search":         {model: true, access: "read", params: []param{optP("name", ""), optP("args", pyNone{}), optP("operator", "ilike"), optP("limit", int64(100))}, fn: mNameSearch},
		"create":              {model: true, access: "create", params: []param{reqP("vals_list")}, fn: mCreate},
		"write":               {access: "write", params: []param{reqP("vals")}, fn: mWrite},
		"unlink":              {access: "unlink", fn: mUnlink},
		"read_group":          {model: true, access: "read", params: []param{reqP("domain"), reqP("fields"), reqP("groupby"), optP("offset", int64(0)), optP("limit", pyNone{}), optP("orderby", false), optP("lazy", true)}, fn: mReadGroup},
		"copy":                {access: "create", params: []param{optP("default", pyNone{})}, fn: mCopy},
		"default_get":         {model: true, access: "read", params: []param{reqP("fields_list")}, fn: mDefaultGet},
		"name_create":         {model: true, access: "create", params: []param{reqP("name")}, fn: mNameCreate},
		"check_access_rights": {model: true, params: []param{reqP("operation"), optP("raise_exception", true)}, fn: mCheckAccessRights},
		"has_access":          {params: []param{reqP("operation")}, fn: mHasAccess},
		"check_access":        {params: []param{reqP("operation")}, fn: mCheckAccess},
		"action_archive":      {access: "write", fn: mArchive(false)},
		"action_unarchive":    {access: "write", fn: mArchive(true)},
		"get_metadata":        {access: "read", fn: mGetMetadata},
		"exists":              {fn: mExists},
		"browse":              {model: true, params: []param{optP("ids", pyNone{})}, fn: mBrowse},
		"name_get":            nil, // removed in 18: AttributeError
	}
	delete(genericMethods, "name_get")
}

// threadMethods are mail.thread's methods on models that inherit it.
var threadMethods = map[string]*methodSpec{
	"message_post": {access: "read", varkw: true, fn: mMessagePost},
}

// lookupMethod finds the public method, or reports whether a private one exists.
func (s *Server) lookupMethod(db *database, m *model, name string) *methodSpec {
	if spec, ok := modelSpecific(m.name, name); ok {
		return spec
	}
	if m.thread {
		if spec, ok := threadMethods[name]; ok {
			return spec
		}
	}
	if db.version >= 19 {
		switch name {
		case "formatted_read_group":
			return formattedReadGroupSpec
		case "name_search":
			return nameSearch19Spec
		}
	}
	if db.version < 18 {
		switch name {
		case "has_access", "check_access", "search_fetch":
			if name != "search_fetch" || db.version < 17 {
				return nil
			}
		case "name_get":
			return nameGetSpec
		}
	}
	if spec, ok := genericMethods[name]; ok {
		if name == "check_access" && db.version >= 19 {
			return nil
		}
		return spec
	}
	return nil
}

// bind matches positional and keyword arguments against a signature, with
// Python's TypeError messages.
func bind(qual string, params []param, args []any, kwargs dict, varkw bool) (map[string]any, dict, *pyErr) {
	out := make(map[string]any, len(params))
	if len(args) > len(params) {
		req := 1
		for _, p := range params {
			if p.req {
				req++
			}
		}
		total := len(params) + 1
		var took string
		if req == total {
			took = fmt.Sprintf("%d positional argument", total)
			if total != 1 {
				took += "s"
			}
		} else {
			took = fmt.Sprintf("from %d to %d positional arguments", req, total)
		}
		were := "were"
		if len(args)+1 == 1 {
			were = "was"
		}
		return nil, nil, errType(fmt.Sprintf("%s() takes %s but %d %s given", qual, took, len(args)+1, were))
	}
	for i, a := range args {
		out[params[i].name] = a
	}
	var extra dict
	for _, kw := range kwargs {
		found := false
		for i, p := range params {
			if p.name == kw.K {
				if i < len(args) {
					return nil, nil, errType(fmt.Sprintf("%s() got multiple values for argument %s", qual, pyRepr(kw.K)))
				}
				out[kw.K] = kw.V
				found = true
			}
		}
		if !found {
			if !varkw {
				return nil, nil, errType(fmt.Sprintf("%s() got an unexpected keyword argument %s", qual, pyRepr(kw.K)))
			}
			extra = append(extra, kw)
		}
	}
	var missing []string
	for _, p := range params {
		if _, ok := out[p.name]; !ok {
			if p.req {
				missing = append(missing, pyRepr(p.name))
				continue
			}
			out[p.name] = p.def
		}
	}
	if len(missing) > 0 {
		noun := "argument"
		if len(missing) > 1 {
			noun = "arguments"
		}
		list := missing[len(missing)-1]
		if len(missing) > 1 {
			list = strings.Join(missing[:len(missing)-1], ", ") + " and " + list
		}
		return nil, nil, errType(fmt.Sprintf("%s() missing %d required positional %s: %s", qual, len(missing), noun, list))
	}
	return out, extra, nil
}

// intArg reads an int-like argument; None/False mean "not given".
func intArg(v any, dflt int) (int, *pyErr) {
	switch x := v.(type) {
	case nil, pyNone:
		return dflt, nil
	case bool:
		if !x {
			return dflt, nil
		}
		return 1, nil
	case int64:
		return int(x), nil
	case float64:
		return int(x), nil
	case string:
		n, err := strconv.Atoi(x)
		if err != nil {
			return 0, errType("'<' not supported between instances of 'str' and 'int'")
		}
		return n, nil
	}
	return 0, errType(fmt.Sprintf("an integer is required (got type %s)", pyTypeName(v)))
}

// window reads the offset and limit arguments of the search and
// read_group family: no offset is 0, no limit is -1 (all).
func window(a map[string]any) (off, lim int, err *pyErr) {
	if off, err = intArg(a["offset"], 0); err != nil {
		return 0, 0, err
	}
	if lim, err = intArg(a["limit"], -1); err != nil {
		return 0, 0, err
	}
	return off, lim, nil
}

func strArg(v any) string {
	s, _ := v.(string)
	return s
}

// stringList reads a list of field names; None/False mean "all".
func stringList(v any) ([]string, *pyErr) {
	switch x := v.(type) {
	case nil, pyNone:
		return nil, nil
	case bool:
		if !x {
			return nil, nil
		}
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, errType(fmt.Sprintf("unhashable type: '%s'", pyTypeName(e)))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errType(fmt.Sprintf("'%s' object is not iterable", pyTypeName(v)))
}

// idList reads the ids argument of a record method.
func idList(v any) ([]int64, *pyErr) {
	switch x := v.(type) {
	case int64:
		return []int64{x}, nil
	case bool:
		if !x {
			return []int64{}, nil
		}
	case pyNone:
		return []int64{}, nil
	case []any:
		out := make([]int64, 0, len(x))
		for _, e := range x {
			switch n := e.(type) {
			case int64:
				out = append(out, n)
			case float64:
				out = append(out, int64(n))
			default:
				return nil, errType(fmt.Sprintf("unsupported operand type(s) for -: '%s' and 'int'", pyTypeName(e)))
			}
		}
		return out, nil
	}
	return nil, errValue(fmt.Sprintf("Invalid ids %s", pyReprValue(v)), "")
}

func idsResult(ids []int64) []any { return idsToAny(ids) }

func mSearch(c *call) (any, *pyErr) {
	a, _, err := c.bind("search")
	if err != nil {
		return nil, err
	}
	off, lim, err := window(a)
	if err != nil {
		return nil, err
	}
	ids, err := c.e.search(c.m, a["domain"], off, lim, strArg(a["order"]), "search")
	if err != nil {
		return nil, err
	}
	return idsResult(ids), nil
}

func mSearchRead(c *call) (any, *pyErr) {
	a, _, err := c.bind("search_read")
	if err != nil {
		return nil, err
	}
	fields, err := stringList(a["fields"])
	if err != nil {
		return nil, err
	}
	off, lim, err := window(a)
	if err != nil {
		return nil, err
	}
	if _, err := c.e.resolveFields(c.m, fields, framesRead); err != nil {
		return nil, err
	}
	ids, err := c.e.search(c.m, a["domain"], off, lim, strArg(a["order"]), "search_read")
	if err != nil {
		return nil, err
	}
	return c.e.readRecords(c.m, ids, fields, a["load"] == "_classic_read", framesRead)
}

func mSearchFetch(c *call) (any, *pyErr) {
	a, _, err := c.bind("search_fetch")
	if err != nil {
		return nil, err
	}
	fields, err := stringList(a["field_names"])
	if err != nil {
		return nil, err
	}
	if _, err := c.e.resolveFields(c.m, fields, framesRead); err != nil {
		return nil, err
	}
	off, lim, err := window(a)
	if err != nil {
		return nil, err
	}
	ids, err := c.e.search(c.m, a["domain"], off, lim, strArg(a["order"]), "search")
	if err != nil {
		return nil, err
	}
	return idsResult(ids), nil
}

func mSearchCount(c *call) (any, *pyErr) {
	a, _, err := c.bind("search_count")
	if err != nil {
		return nil, err
	}
	lim, err := intArg(a["limit"], -1)
	if err != nil {
		return nil, err
	}
	ids, err := c.e.search(c.m, a["domain"], 0, lim, "id", "search_count")
	if err != nil {
		return nil, err
	}
	return int64(len(ids)), nil
}

func mRead(c *call) (any, *pyErr) {
	a, _, err := c.bind("read")
	if err != nil {
		return nil, err
	}
	fields, err := stringList(a["fields"])
	if err != nil {
		return nil, err
	}
	return c.e.readRecords(c.m, c.ids, fields, a["load"] == "_classic_read", framesRead)
}

func mFieldsGet(c *call) (any, *pyErr) {
	a, _, err := c.bind("fields_get")
	if err != nil {
		return nil, err
	}
	all, err := stringList(a["allfields"])
	if err != nil {
		return nil, err
	}
	var attrs []string
	if _, none := a["attributes"].(pyNone); !none {
		attrs, err = stringList(a["attributes"])
		if err != nil {
			return nil, err
		}
		if attrs == nil {
			attrs = []string{}
		}
	}
	want := map[string]bool{}
	for _, n := range all {
		want[n] = true
	}
	out := dict{}
	for _, f := range c.m.fields {
		if len(all) > 0 && !want[f.name] {
			continue
		}
		out = append(out, kv{f.name, describeField(c.e.db, c.m, f, attrs)})
	}
	return out, nil
}

// describeField is Field.get_description: attributes sorted by name, None omitted.
func describeField(db *database, m *model, f *field, attrs []string) dict {
	all := dict{}
	if a := f.aggr(); a != "" {
		if db.version < 18 {
			all = append(all, kv{"group_operator", a})
		} else {
			all = append(all, kv{"aggregator", a})
		}
	}
	all = append(all, kv{"change_default", false}, kv{"company_dependent", f.companyDependent})
	if f.relational() {
		all = append(all, kv{"context", dict{}})
	}
	all = append(all, kv{"default_export_compatible", f.required || f.name == "id"})
	all = append(all, kv{"depends", []any{}})
	if f.typ == "float" {
		if f.digits != nil {
			all = append(all, kv{"digits", []any{f.digits[0], f.digits[1]}})
		}
	}
	if f.typ == "monetary" {
		all = append(all, kv{"currency_field", "currency_id"})
	}
	if f.relational() {
		all = append(all, kv{"domain", []any{}})
	}
	sortable := (f.store || f.name == "id") && !f.x2many() && f.typ != "binary" && f.typ != "json"
	all = append(all, kv{"groupable", sortable && f.typ != "text" && f.typ != "html"})
	if f.help != "" {
		all = append(all, kv{"help", f.help})
	}
	all = append(all, kv{"manual", false}, kv{"name", f.name})
	all = append(all, kv{"readonly", f.readonly})
	if f.relation != "" {
		all = append(all, kv{"relation", f.relation})
	}
	if f.typ == "one2many" && f.relField != "" {
		all = append(all, kv{"relation_field", f.relField})
	}
	all = append(all, kv{"required", f.required})
	all = append(all, kv{"searchable", f.store || f.name == "id" || f.x2many() || (f.compute != nil && f.inverse == nil)})
	if f.typ == "selection" {
		sel := make([]any, len(f.selection))
		for i, p := range f.selection {
			sel[i] = []any{p[0], p[1]}
		}
		all = append(all, kv{"selection", sel})
	}
	if f.size > 0 {
		all = append(all, kv{"size", int64(f.size)})
	}
	all = append(all, kv{"sortable", sortable})
	all = append(all, kv{"store", f.store || f.name == "id"})
	all = append(all, kv{"string", f.str})
	if f.typ == "char" || f.typ == "text" || f.typ == "html" {
		all = append(all, kv{"translate", f.translate})
	}
	if f.typ == "char" {
		all = append(all, kv{"trim", true})
	}
	all = append(all, kv{"type", f.typ})
	sort.SliceStable(all, func(i, j int) bool { return all[i].K < all[j].K })
	if attrs == nil {
		return all
	}
	keep := map[string]bool{}
	for _, a := range attrs {
		keep[a] = true
	}
	out := dict{}
	for _, e := range all {
		if keep[e.K] {
			out = append(out, e)
		}
	}
	return out
}

func mNameSearch(c *call) (any, *pyErr) {
	a, _, err := c.bind("name_search")
	if err != nil {
		return nil, err
	}
	return c.nameSearch(a, a["args"])
}

func (c *call) nameSearch(a map[string]any, extra any) (any, *pyErr) {
	lim, err := intArg(a["limit"], -1)
	if err != nil {
		return nil, err
	}
	op := strArg(a["operator"])
	if op == "" {
		op = "ilike"
	}
	name := strArg(a["name"])
	field := c.m.recName
	if c.m.name == "res.partner" {
		field = "complete_name"
	}
	dom := []any{}
	if d, ok := extra.([]any); ok {
		dom = append(dom, d...)
	}
	if name != "" || (op != "ilike" && op != "like") {
		leaf := []any{field, op, name}
		if c.m.byName[field] == nil || c.m.byName[field].typ == "many2one" {
			leaf = []any{"display_name", op, name}
		}
		// Like Odoo's _search_display_name overrides: partners also match
		// email, reference and tax id; products their internal reference.
		var extra []string
		if op == "ilike" || op == "like" || op == "=ilike" || op == "=like" || op == "=" {
			switch c.m.name {
			case "res.partner":
				extra = []string{"email", "ref", "vat"}
			case "product.product":
				extra = []string{"default_code", "barcode"}
			case "res.users":
				extra = []string{"login"}
			}
		}
		for range extra {
			dom = append(dom, "|")
		}
		dom = append(dom, leaf)
		for _, f := range extra {
			dom = append(dom, []any{f, op, name})
		}
	}
	ids, err := c.e.search(c.m, dom, 0, lim, "", "search")
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, []any{id, c.e.db.displayName(c.m, c.m.recs[id])})
	}
	return out, nil
}

// nameGetSpec is name_get, removed in 18 but served by 16 and 17.
var nameGetSpec = &methodSpec{access: "read", fn: func(c *call) (any, *pyErr) {
	if _, _, err := c.bind("name_get"); err != nil {
		return nil, err
	}
	out := []any{}
	for _, id := range c.ids {
		if r := c.m.recs[id]; r != nil {
			out = append(out, []any{id, c.e.db.displayName(c.m, r)})
		}
	}
	return out, nil
}}

var nameSearch19Spec = &methodSpec{model: true, access: "read", params: []param{optP("name", ""), optP("domain", pyNone{}), optP("operator", "ilike"), optP("limit", int64(100))}, fn: func(c *call) (any, *pyErr) {
	a, _, err := c.bind("name_search")
	if err != nil {
		return nil, err
	}
	return c.nameSearch(a, a["domain"])
}}

func mCreate(c *call) (any, *pyErr) {
	a, _, err := c.bind("create")
	if err != nil {
		return nil, err
	}
	switch v := a["vals_list"].(type) {
	case dict:
		id, err := c.e.create(c.m, v)
		if err != nil {
			return nil, err
		}
		if c.e.json2 {
			return []any{id}, nil
		}
		return id, nil
	case []any:
		var ids []int64
		for _, item := range v {
			vals, ok := item.(dict)
			if !ok {
				c.rollback(ids)
				return nil, errType(fmt.Sprintf("'%s' object is not a mapping", pyTypeName(item)))
			}
			id, err := c.e.create(c.m, vals)
			if err != nil {
				c.rollback(ids)
				return nil, err
			}
			ids = append(ids, id)
		}
		return idsResult(ids), nil
	}
	return nil, errType(fmt.Sprintf("'%s' object is not a mapping", pyTypeName(a["vals_list"])))
}

// rollback undoes records created earlier in a failed call.
func (c *call) rollback(ids []int64) {
	for _, id := range ids {
		_ = c.e.unlink(c.m, []int64{id})
	}
}

func mWrite(c *call) (any, *pyErr) {
	a, _, err := c.bind("write")
	if err != nil {
		return nil, err
	}
	vals, ok := a["vals"].(dict)
	if !ok {
		return nil, errType(fmt.Sprintf("'%s' object has no attribute 'items'", pyTypeName(a["vals"])))
	}
	if err := c.e.write(c.m, c.ids, vals); err != nil {
		return nil, err
	}
	return true, nil
}

func mUnlink(c *call) (any, *pyErr) {
	if _, _, err := c.bind("unlink"); err != nil {
		return nil, err
	}
	if err := c.e.unlink(c.m, c.ids); err != nil {
		return nil, err
	}
	return true, nil
}

func mReadGroup(c *call) (any, *pyErr) {
	a, _, err := c.bind("read_group")
	if err != nil {
		return nil, err
	}
	fields, err := stringList(a["fields"])
	if err != nil {
		return nil, err
	}
	gb, err := stringList(a["groupby"])
	if err != nil {
		return nil, err
	}
	off, lim, err := window(a)
	if err != nil {
		return nil, err
	}
	orderby, _ := a["orderby"].(string)
	return c.e.readGroup(c.m, a["domain"], fields, gb, off, lim, orderby, truthy(a["lazy"]), false)
}

var formattedReadGroupSpec = &methodSpec{model: true, access: "read", params: []param{reqP("domain"), optP("groupby", []any{}), optP("aggregates", []any{}), optP("having", []any{}), optP("offset", int64(0)), optP("limit", pyNone{}), optP("order", pyNone{})}, fn: func(c *call) (any, *pyErr) {
	a, _, err := c.bind("formatted_read_group")
	if err != nil {
		return nil, err
	}
	gb, err := stringList(a["groupby"])
	if err != nil {
		return nil, err
	}
	aggs, err := stringList(a["aggregates"])
	if err != nil {
		return nil, err
	}
	for i, ag := range aggs {
		aggs[i] = strings.Replace(ag, ":recordset", ":array_agg", 1)
	}
	off, lim, err := window(a)
	if err != nil {
		return nil, err
	}
	order, _ := a["order"].(string)
	if order == "" {
		order = strings.Join(gb, ", ")
	}
	return c.e.readGroup(c.m, a["domain"], aggs, gb, off, lim, order, false, true)
}}

func mCopy(c *call) (any, *pyErr) {
	a, _, err := c.bind("copy")
	if err != nil {
		return nil, err
	}
	def, _ := a["default"].(dict)
	var out []int64
	for _, id := range c.ids {
		r := c.m.recs[id]
		if r == nil {
			return nil, errMissingRecs(c.m, []int64{id}, c.e.uid)
		}
		vals := copyVals(c.m, r)
		if s, ok := r.v["name"].(string); ok && (c.m.name == "res.partner" || c.m.name == "product.product" || c.m.name == "project.project" || c.m.name == "crm.lead") {
			vals.set("name", s+" (copy)")
		}
		if c.m.name == "res.users" {
			if l, ok := r.v["login"].(string); ok {
				vals.set("login", l+" (copy)")
			}
		}
		for _, d := range def {
			vals.set(d.K, d.V)
		}
		// Copies start as drafts on documents with a workflow.
		if f := c.m.byName["state"]; f != nil && f.def != nil {
			if _, given := def.get("state"); !given {
				vals.set("state", f.def(c.e.db, c.m, c.e.uid))
			}
		}
		if c.m.name == "sale.order" || c.m.name == "purchase.order" || c.m.name == "account.move" {
			vals.set("name", "/")
		}
		nid, err := c.e.create(c.m, vals)
		if err != nil {
			return nil, err
		}
		// Copy owned lines.
		for _, f := range c.m.fields {
			if f.typ != "one2many" || (f.name != "order_line" && f.name != "invoice_line_ids") {
				continue
			}
			cm := c.e.db.model(f.relation)
			for _, lid := range cm.inverse(f.relField, id) {
				lv := copyVals(cm, cm.recs[lid])
				lv.set(f.relField, nid)
				if _, err := c.e.create(cm, lv); err != nil {
					return nil, err
				}
			}
		}
		out = append(out, nid)
	}
	if c.e.db.version < 18 && len(out) == 1 {
		// 16/17: @api.returns('self', lambda value: value.id) gives an int.
		return out[0], nil
	}
	return idsResult(out), nil
}

// copyVals is what copy() carries over from a record: its stored,
// non-computed columns except the log-access ones and one2many (owned
// lines are copied on their own).
func copyVals(m *model, r *record) dict {
	vals := dict{}
	for _, f := range m.fields {
		if logAccess[f.name] || f.compute != nil || !f.store || f.typ == "one2many" {
			continue
		}
		v, ok := r.v[f.name]
		if !ok {
			continue
		}
		if ids, isIDs := v.([]int64); isIDs {
			v = idsToAny(ids)
		}
		vals = append(vals, kv{f.name, v})
	}
	return vals
}

func mDefaultGet(c *call) (any, *pyErr) {
	a, _, err := c.bind("default_get")
	if err != nil {
		return nil, err
	}
	names, err := stringList(a["fields_list"])
	if err != nil {
		return nil, err
	}
	out := dict{}
	for _, n := range names {
		f := c.m.byName[n]
		if f == nil {
			continue
		}
		if v, ok := c.e.ctx.get("default_" + n); ok {
			out = append(out, kv{n, v})
			continue
		}
		if f.def == nil {
			continue
		}
		v := f.def(c.e.db, c.m, c.e.uid)
		switch x := v.(type) {
		case []int64:
			out = append(out, kv{n, idsToAny(x)})
		case int64:
			if f.typ == "many2one" && x == 0 {
				continue
			}
			out = append(out, kv{n, x})
		default:
			out = append(out, kv{n, v})
		}
	}
	return out, nil
}

func mNameCreate(c *call) (any, *pyErr) {
	a, _, err := c.bind("name_create")
	if err != nil {
		return nil, err
	}
	if !c.m.has(c.m.recName) || c.m.byName[c.m.recName].typ != "char" {
		return nil, errUser(fmt.Sprintf("Cannot execute name_create, no _rec_name defined on %s", c.m.name))
	}
	id, perr := c.e.create(c.m, dict{{c.m.recName, a["name"]}})
	if perr != nil {
		return nil, perr
	}
	return []any{id, c.e.db.displayName(c.m, c.m.recs[id])}, nil
}

var validOps = map[string]bool{"read": true, "write": true, "create": true, "unlink": true}

// accessOp reads the operation argument the access checks share.
func accessOp(a map[string]any) (string, *pyErr) {
	op := strArg(a["operation"])
	if !validOps[op] {
		return "", errValue(fmt.Sprintf("Invalid access mode %s", pyRepr(op)), "")
	}
	return op, nil
}

func mCheckAccessRights(c *call) (any, *pyErr) {
	a, _, err := c.bind("check_access_rights")
	if err != nil {
		return nil, err
	}
	op, err := accessOp(a)
	if err != nil {
		return nil, err
	}
	denied := c.e.srv.denied(c.e.db, c.e.uid, c.m, op)
	if truthy(a["raise_exception"]) {
		if denied != nil {
			return nil, denied
		}
		if c.e.db.version < 18 {
			return true, nil
		}
		// Odoo 18 returns check_access()'s None here: unmarshallable on XML-RPC.
		return pyNone{}, nil
	}
	return denied == nil, nil
}

func mHasAccess(c *call) (any, *pyErr) {
	a, _, err := c.bind("has_access")
	if err != nil {
		return nil, err
	}
	op, err := accessOp(a)
	if err != nil {
		return nil, err
	}
	return c.e.srv.denied(c.e.db, c.e.uid, c.m, op) == nil, nil
}

func mCheckAccess(c *call) (any, *pyErr) {
	a, _, err := c.bind("check_access")
	if err != nil {
		return nil, err
	}
	op, err := accessOp(a)
	if err != nil {
		return nil, err
	}
	if d := c.e.srv.denied(c.e.db, c.e.uid, c.m, op); d != nil {
		return nil, d
	}
	return pyNone{}, nil
}

func mArchive(active bool) methodFunc {
	return func(c *call) (any, *pyErr) {
		if _, _, err := c.bind("action_archive"); err != nil {
			return nil, err
		}
		if !c.m.has("active") {
			return nil, errUser(fmt.Sprintf("Cannot archive or unarchive records of model %s: it has no active field.", c.m.name))
		}
		if err := c.e.write(c.m, c.ids, dict{{"active", active}}); err != nil {
			return nil, err
		}
		return true, nil
	}
}

func mGetMetadata(c *call) (any, *pyErr) {
	if _, _, err := c.bind("get_metadata"); err != nil {
		return nil, err
	}
	out := []any{}
	for _, id := range c.ids {
		r := c.m.recs[id]
		if r == nil {
			continue
		}
		cu, _ := r.v["create_uid"].(int64)
		wu, _ := r.v["write_uid"].(int64)
		d := dict{
			{"id", id},
			{"create_uid", c.e.db.m2oValue("res.users", cu)},
			{"create_date", strOrFalse(r.v["create_date"])},
			{"write_uid", c.e.db.m2oValue("res.users", wu)},
			{"write_date", strOrFalse(r.v["write_date"])},
			{"xmlid", false},
			{"xmlids", []any{}},
			{"noupdate", false},
		}
		out = append(out, d)
	}
	return out, nil
}

func strOrFalse(v any) any {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return false
}

func mExists(c *call) (any, *pyErr) {
	if _, _, err := c.bind("exists"); err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range c.ids {
		if c.m.recs[id] != nil {
			out = append(out, id)
		}
	}
	return idsResult(out), nil
}

func mBrowse(c *call) (any, *pyErr) {
	a, _, err := c.bind("browse")
	if err != nil {
		return nil, err
	}
	ids, err := idList(a["ids"])
	if err != nil {
		return nil, err
	}
	return idsResult(ids), nil
}

func mMessagePost(c *call) (any, *pyErr) {
	_, kw, err := c.bind("message_post")
	if err != nil {
		return nil, err
	}
	if len(c.ids) != 1 {
		return nil, errValue(fmt.Sprintf("Expected singleton: %s(%s)", c.m.name, joinIDs(c.ids)), "")
	}
	r := c.m.recs[c.ids[0]]
	if r == nil {
		return nil, errMissingRecs(c.m, c.ids, c.e.uid)
	}
	mm := c.e.db.model("mail.message")
	body, _ := kw.get("body")
	subject, _ := kw.get("subject")
	mtype, ok := kw.get("message_type")
	if !ok {
		mtype = "notification"
	}
	subtype, _ := kw.get("subtype_xmlid")
	subtypeID := int64(2) // mail.mt_note
	if s, _ := subtype.(string); s == "mail.mt_comment" {
		subtypeID = 1
	}
	author := int64(0)
	if u := c.e.db.model("res.users").recs[c.e.uid]; u != nil {
		author, _ = u.v["partner_id"].(int64)
	}
	vals := dict{
		{"model", c.m.name},
		{"res_id", c.ids[0]},
		{"body", scalarOrEmpty(body)},
		{"subject", scalarOrEmpty(subject)},
		{"message_type", mtype},
		{"subtype_id", subtypeID},
		{"author_id", author},
		{"date", c.e.db.stamp()},
		{"record_name", c.e.db.displayName(c.m, r)},
	}
	if p, ok := kw.get("partner_ids"); ok {
		vals = append(vals, kv{"partner_ids", p})
	}
	id, perr := c.e.create(mm, vals)
	if perr != nil {
		return nil, perr
	}
	if c.e.json2 {
		// JSON-2 returns recordsets as id lists.
		return []any{id}, nil
	}
	return id, nil
}

func scalarOrEmpty(v any) any {
	if v == nil {
		return ""
	}
	if _, ok := v.(pyNone); ok {
		return ""
	}
	return v
}

// joinIDs writes ids as the inside of a Python tuple, as a recordset's
// repr shows them: "7," for one.
func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	s := strings.Join(parts, ", ")
	if len(ids) == 1 {
		s += ","
	}
	return s
}

// bind binds the call's arguments to the method's signature.
func (c *call) bind(name string) (map[string]any, dict, *pyErr) {
	if c.spec == nil {
		return map[string]any{}, c.kwargs, nil
	}
	qual := "BaseModel." + name
	if c.own {
		qual = modelClass(c.m.name) + "." + name
	} else if name == "message_post" {
		qual = "MailThread.message_post"
	}
	return bind(qual, c.spec.params, c.args, c.kwargs, c.spec.varkw)
}

// modelClass is the Python class name Odoo would show for a model's method.
func modelClass(model string) string {
	var b strings.Builder
	for _, part := range strings.Split(model, ".") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// modelSpecific looks a method up in modelMethods. It is a function so the
// method table can refer to bind without an initialization cycle.
func modelSpecific(model, name string) (*methodSpec, bool) {
	spec, ok := modelMethodTable()[model][name]
	return spec, ok
}
