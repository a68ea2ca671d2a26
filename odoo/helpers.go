package odoo

import (
	"context"
	"fmt"
	"time"
)

// CallOptions carries Odoo's context for one call (lang, tz, active_test,
// allowed_company_ids, ...).
type CallOptions struct {
	// Context is sent as the call's Odoo context.
	Context map[string]any
}

// SearchOptions narrows a search or search_read.
type SearchOptions struct {
	// Fields lists the fields search_read returns; empty means all.
	Fields []string
	// Offset and Limit page the result; 0 means none.
	Offset, Limit int
	// Order is an SQL-like order, e.g. "name asc, id desc".
	Order string
	// Context is sent as the call's Odoo context.
	Context map[string]any
}

// ReadGroupOptions pages and orders a read_group.
type ReadGroupOptions struct {
	// Offset and Limit page the groups; 0 means none.
	Offset, Limit int
	// OrderBy orders the groups, e.g. "amount_total desc".
	OrderBy string
	// Lazy groups by the first groupby field only, as Odoo's read_group
	// does by default; false groups by all of them at once.
	Lazy bool
	// Context is sent as the call's Odoo context.
	Context map[string]any
}

// NameResult is one name_search match.
type NameResult struct {
	// ID is the record id.
	ID int64
	// Name is the record's display name.
	Name string
}

// orm runs a helper's call and reports it like ExecuteKW.
func (c *Client) orm(ctx context.Context, cl call) (any, error) {
	start := time.Now()
	v, err := c.execute(ctx, cl)
	if err != nil {
		return nil, c.finish(cl.model, cl.method, start, err)
	}
	c.finish(cl.model, cl.method, start, nil)
	return v, nil
}

func contextKW(kw map[string]any, ctx map[string]any) map[string]any {
	if len(ctx) > 0 {
		if kw == nil {
			kw = map[string]any{}
		}
		kw["context"] = ctx
	}
	return kw
}

func callContext(o *CallOptions) map[string]any {
	if o == nil {
		return nil
	}
	return o.Context
}

func searchKW(o *SearchOptions, withFields bool) map[string]any {
	kw := map[string]any{}
	if o == nil {
		return kw
	}
	if withFields && len(o.Fields) > 0 {
		kw["fields"] = o.Fields
	}
	if o.Offset > 0 {
		kw["offset"] = o.Offset
	}
	if o.Limit > 0 {
		kw["limit"] = o.Limit
	}
	if o.Order != "" {
		kw["order"] = o.Order
	}
	return contextKW(kw, o.Context)
}

// shapeErr reports a reply of an unexpected shape for a helper.
func shapeErr(model, method string, v any, want string) error {
	return &Error{Kind: KindProtocol, Model: model, Method: method,
		Message: fmt.Sprintf("reply is %T, want %s", v, want)}
}

// Search returns the ids of the records matching domain.
func (c *Client) Search(ctx context.Context, model string, domain []any, o *SearchOptions) ([]int64, error) {
	v, err := c.orm(ctx, call{model: model, method: "search", args: []any{domainArg(domain)}, kwargs: searchKW(o, false)})
	if err != nil {
		return nil, err
	}
	ids, ok := toIDs(v)
	if !ok {
		return nil, shapeErr(model, "search", v, "a list of ids")
	}
	return ids, nil
}

// SearchRead returns the matching records with the requested fields.
func (c *Client) SearchRead(ctx context.Context, model string, domain []any, o *SearchOptions) ([]map[string]any, error) {
	v, err := c.orm(ctx, call{model: model, method: "search_read", args: []any{domainArg(domain)}, kwargs: searchKW(o, true)})
	if err != nil {
		return nil, err
	}
	rows, ok := toRows(v)
	if !ok {
		return nil, shapeErr(model, "search_read", v, "a list of records")
	}
	return rows, nil
}

// SearchCount returns how many records match domain.
func (c *Client) SearchCount(ctx context.Context, model string, domain []any, o *CallOptions) (int64, error) {
	v, err := c.orm(ctx, call{model: model, method: "search_count", args: []any{domainArg(domain)}, kwargs: contextKW(nil, callContext(o))})
	if err != nil {
		return 0, err
	}
	n, ok := asInt64(v)
	if !ok {
		return 0, shapeErr(model, "search_count", v, "an integer")
	}
	return n, nil
}

// Read returns the records with the given ids; ids that no longer exist are
// left out, as Odoo does. fields nil means all fields.
func (c *Client) Read(ctx context.Context, model string, ids []int64, fields []string, o *CallOptions) ([]map[string]any, error) {
	var kw map[string]any
	if fields != nil {
		kw = map[string]any{"fields": fields}
	}
	v, err := c.orm(ctx, call{model: model, method: "read", args: []any{idsArg(ids)}, kwargs: contextKW(kw, callContext(o))})
	if err != nil {
		return nil, err
	}
	rows, ok := toRows(v)
	if !ok {
		return nil, shapeErr(model, "read", v, "a list of records")
	}
	return rows, nil
}

// FieldsGet describes a model's fields; fields and attributes nil mean all.
func (c *Client) FieldsGet(ctx context.Context, model string, fields, attributes []string, o *CallOptions) (map[string]map[string]any, error) {
	kw := map[string]any{}
	if fields != nil {
		kw["allfields"] = fields
	}
	if attributes != nil {
		kw["attributes"] = attributes
	}
	v, err := c.orm(ctx, call{model: model, method: "fields_get", kwargs: contextKW(kw, callContext(o))})
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, shapeErr(model, "fields_get", v, "a struct of fields")
	}
	out := make(map[string]map[string]any, len(m))
	for name, d := range m {
		dm, ok := d.(map[string]any)
		if !ok {
			return nil, shapeErr(model, "fields_get", d, "a struct of attributes for field "+name)
		}
		out[name] = dm
	}
	return out, nil
}

// NameSearch finds records whose display name matches name (ilike),
// within domain; limit 0 means Odoo's default of 100.
func (c *Client) NameSearch(ctx context.Context, model, name string, domain []any, limit int, o *CallOptions) ([]NameResult, error) {
	if limit <= 0 {
		limit = 100
	}
	// Positional arguments dodge 19's rename of "args" to "domain" over
	// XML-RPC; namedArgs names them for JSON-2.
	v, err := c.orm(ctx, call{model: model, method: "name_search",
		args: []any{name, domainArg(domain), "ilike", limit}, kwargs: contextKW(nil, callContext(o))})
	if err != nil {
		return nil, err
	}
	l, ok := v.([]any)
	if !ok {
		return nil, shapeErr(model, "name_search", v, "a list of [id, name] pairs")
	}
	out := make([]NameResult, 0, len(l))
	for _, e := range l {
		pair, ok := e.([]any)
		if !ok || len(pair) != 2 {
			return nil, shapeErr(model, "name_search", e, "an [id, name] pair")
		}
		id, ok := asInt64(pair[0])
		nm, ok2 := pair[1].(string)
		if !ok || !ok2 {
			return nil, shapeErr(model, "name_search", e, "an [id, name] pair")
		}
		out = append(out, NameResult{ID: id, Name: nm})
	}
	return out, nil
}

// Create makes one record and returns its id.
func (c *Client) Create(ctx context.Context, model string, values map[string]any, o *CallOptions) (int64, error) {
	if values == nil {
		values = map[string]any{}
	}
	v, err := c.orm(ctx, call{model: model, method: "create", args: []any{values}, kwargs: contextKW(nil, callContext(o))})
	if err != nil {
		return 0, err
	}
	if l, ok := v.([]any); ok && len(l) == 1 {
		v = l[0]
	}
	id, ok := asInt64(v)
	if !ok {
		return 0, shapeErr(model, "create", v, "an id")
	}
	return id, nil
}

// Write updates the records with values.
func (c *Client) Write(ctx context.Context, model string, ids []int64, values map[string]any, o *CallOptions) error {
	if values == nil {
		values = map[string]any{}
	}
	v, err := c.orm(ctx, call{model: model, method: "write", args: []any{idsArg(ids), values}, kwargs: contextKW(nil, callContext(o))})
	if err != nil {
		return err
	}
	if b, ok := v.(bool); !ok || !b {
		return shapeErr(model, "write", v, "true")
	}
	return nil
}

// Unlink deletes the records.
func (c *Client) Unlink(ctx context.Context, model string, ids []int64, o *CallOptions) error {
	v, err := c.orm(ctx, call{model: model, method: "unlink", args: []any{idsArg(ids)}, kwargs: contextKW(nil, callContext(o))})
	if err != nil {
		return err
	}
	if b, ok := v.(bool); !ok || !b {
		return shapeErr(model, "unlink", v, "true")
	}
	return nil
}

// ReadGroup aggregates the records matching domain by groupby. fields take
// read_group's form ("amount_total", "amount_total:sum"). On Odoo 19 and
// later it calls formatted_read_group and reshapes the rows into
// read_group's form, so callers see one shape whatever the version.
func (c *Client) ReadGroup(ctx context.Context, model string, domain []any, fields, groupby []string, o *ReadGroupOptions) ([]map[string]any, error) {
	start := time.Now()
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	// The version decides the method.
	major, err := c.learnVersion(ctx)
	if err != nil {
		return nil, c.finish(model, "read_group", start, err)
	}
	info := map[string]fieldInfo{}
	if major >= 19 {
		gb := groupby
		if o != nil && o.Lazy && len(gb) > 1 {
			gb = gb[:1]
		}
		var err error
		if info, err = c.fieldInfos(ctx, model, groupLookups(fields, gb)); err != nil {
			return nil, c.finish(model, "read_group", start, err)
		}
	}
	cl, shape := readGroupCall(major, model, domain, fields, groupby, o, func(f string) fieldInfo { return info[f] })
	v, err := c.execute(ctx, cl)
	if err != nil {
		return nil, c.finish(model, cl.method, start, err)
	}
	c.finish(model, cl.method, start, nil)
	rows, ok := toRows(v)
	if !ok {
		return nil, shapeErr(model, cl.method, v, "a list of groups")
	}
	return shape.rows(rows), nil
}

// HasAccess says whether the user's access rights (ACLs, not record rules)
// allow operation ("read", "write", "create" or "unlink") on model. It
// calls has_access on Odoo 18 and later, where check_access_rights is
// deprecated, and check_access_rights(operation, raise_exception=False)
// before.
func (c *Client) HasAccess(ctx context.Context, model, operation string, o *CallOptions) (bool, error) {
	start := time.Now()
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	cl := call{model: model, method: "check_access_rights", args: []any{operation},
		kwargs: contextKW(map[string]any{"raise_exception": false}, callContext(o))}
	major, err := c.learnVersion(ctx)
	if err != nil {
		return false, c.finish(model, cl.method, start, err)
	}
	method := adaptCall(major, cl).method
	v, err := c.execute(ctx, cl)
	if err != nil {
		return false, c.finish(model, method, start, err)
	}
	c.finish(model, method, start, nil)
	b, ok := v.(bool)
	if !ok {
		return false, shapeErr(model, method, v, "a boolean")
	}
	return b, nil
}

// learnVersion returns the server's major version for a call whose method
// depends on it, asking the server once when no call has told it yet (a
// client with an explicit protocol does not detect the version on its
// own). When the server will not say, it returns 0 and the call uses the
// forms every version up to 19 accepts; the call itself then reports what
// is wrong.
func (c *Client) learnVersion(ctx context.Context) (int, error) {
	if _, err := c.resolveProtocol(ctx); err != nil {
		return 0, err
	}
	if m := c.major(); m > 0 {
		return m, nil
	}
	m, err := c.versions.do(ctx, c.timeout, func(ctx context.Context) (int, error) {
		if m := c.major(); m > 0 {
			return m, nil
		}
		v, err := c.detectVersion(ctx)
		if err != nil {
			return 0, err
		}
		return v.Major, nil
	})
	if err != nil {
		if ctx.Err() != nil {
			return 0, err
		}
		c.log.Debug("odoo version unknown; using the forms every version accepts", "error", c.redact(err.Error()))
		return 0, nil
	}
	return m, nil
}

// fieldInfos describes fields (type, default aggregator) from fields_get,
// cached: a model's fields do not change under a client. A field fields_get
// does not list gets the zero fieldInfo.
func (c *Client) fieldInfos(ctx context.Context, model string, fields []string) (map[string]fieldInfo, error) {
	out := make(map[string]fieldInfo, len(fields))
	var missing []string
	for _, f := range fields {
		if a, ok := c.fieldCache.Load(model + "\x00" + f); ok {
			out[f] = a.(fieldInfo)
		} else {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	desc, err := c.FieldsGet(ctx, model, missing, []string{"type", "aggregator"}, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range missing {
		var fi fieldInfo
		fi.typ, _ = desc[f]["type"].(string)
		fi.aggregator, _ = desc[f]["aggregator"].(string)
		out[f] = fi
		c.fieldCache.Store(model+"\x00"+f, fi)
	}
	return out, nil
}

func idsArg(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func toIDs(v any) ([]int64, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]int64, len(l))
	for i, e := range l {
		if out[i], ok = asInt64(e); !ok {
			return nil, false
		}
	}
	return out, true
}

func toRows(v any) ([]map[string]any, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]map[string]any, len(l))
	for i, e := range l {
		if out[i], ok = e.(map[string]any); !ok {
			return nil, false
		}
	}
	return out, true
}
