package tenant

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

func (t *Tenant) toolServerInfo(ctx context.Context, c *call) (any, error) {
	return t.serverInfo(ctx, c.st)
}

func (t *Tenant) toolListModels(ctx context.Context, c *call) (any, error) {
	filter, err := c.str("filter", false)
	if err != nil {
		return nil, err
	}
	withTransient, err := c.boolArg("include_transient", false)
	if err != nil {
		return nil, err
	}
	limit, err := c.limit(c.st.pol.maxRecords)
	if err != nil {
		return nil, err
	}
	models, err := c.st.modelList(ctx)
	if err != nil {
		return nil, err
	}
	f := strings.ToLower(strings.TrimSpace(filter))
	var out []map[string]any
	for _, m := range models {
		if !c.st.pol.modelAllowed(m.Model) || (m.Transient && !withTransient) {
			continue
		}
		if f != "" && !strings.Contains(m.Model, f) && !strings.Contains(strings.ToLower(m.Name), f) {
			continue
		}
		out = append(out, map[string]any{"model": m.Model, "name": m.Name})
	}
	total := len(out)
	note := ""
	if len(out) > limit {
		out = out[:limit]
		note = fmt.Sprintf("showing %d of %d models; narrow the filter to see others", limit, total)
	}
	res := map[string]any{"models": out, "count": len(out), "total": total}
	kept, capNote := c.st.pol.capRows(out, 0, func(r []map[string]any) any { return map[string]any{"models": r} })
	if capNote != "" {
		res["models"], res["count"] = kept, len(kept)
		note = fmt.Sprintf("showing %d of %d models; narrow the filter to see others", len(kept), total)
	}
	if note != "" {
		res["note"] = note
	}
	return res, nil
}

// knownAttributes are the fields_get attributes a caller may ask for.
var knownAttributes = []string{"type", "string", "help", "required", "readonly", "store", "searchable", "sortable", "groupable", "aggregator", "group_operator", "relation", "relation_field", "selection", "digits", "size", "translate", "company_dependent", "depends", "related", "domain", "default_export_compatible", "manual"}

func (t *Tenant) toolGetModelFields(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	names, err := c.st.pol.checkFieldNames(model, c.args["fields"], fs, "fields")
	if err != nil {
		return nil, err
	}
	var attrs []string
	if raw, ok := c.args["attributes"]; ok && raw != nil {
		l, ok := raw.([]any)
		if !ok {
			return nil, argError("attributes", fmt.Sprintf("must be a list of attribute names such as [\"type\", \"string\"], got %s", jsonKind(raw)))
		}
		for i, e := range l {
			s, ok := e.(string)
			if !ok || !slices.Contains(knownAttributes, s) {
				return nil, argError(fmt.Sprintf("attributes[%d]", i), fmt.Sprintf("must be one of %s, got %s", strings.Join(knownAttributes, ", "), jsonKind(e)))
			}
			attrs = append(attrs, s)
		}
	}
	out := map[string]any{}
	if len(attrs) > 0 {
		fl := make([]any, len(names))
		for i, n := range names {
			fl[i] = n
		}
		al := make([]any, len(attrs))
		for i, a := range attrs {
			al[i] = a
		}
		raw, err := c.st.call(ctx, model, "fields_get", []any{fl}, map[string]any{"attributes": al}, c.st.pol.context)
		if err != nil {
			return nil, err
		}
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("fields_get: Odoo answered %s, not an object", jsonKind(raw))
		}
		for k, v := range m {
			if !c.st.pol.fieldHidden(model, k) {
				out[k] = v
			}
		}
	} else {
		for k, f := range fs {
			if len(names) > 0 && !slices.Contains(names, k) {
				continue
			}
			d := map[string]any{"type": f.Type, "string": f.Label}
			if f.Relation != "" {
				d["relation"] = f.Relation
			}
			if f.Required {
				d["required"] = true
			}
			if f.ReadOnly {
				d["readonly"] = true
			}
			if !f.Store {
				d["store"] = false
			}
			if len(f.Selection) > 0 {
				d["selection"] = f.Selection
			}
			out[k] = d
		}
	}
	res := map[string]any{"model": model, "fields": out, "count": len(out)}
	if jsonSize(res) > c.st.pol.maxBytes {
		// Whole-model descriptions can be large: keep the types only.
		slim := map[string]any{}
		for k, v := range out {
			if d, ok := v.(map[string]any); ok {
				slim[k] = map[string]any{"type": d["type"], "relation": d["relation"]}
			}
		}
		res["fields"] = slim
		res["note"] = "only types and relations are shown to stay under max_response_bytes; name fields to get all their attributes"
	}
	return res, nil
}

// defaultPage is the page size when a caller gives no limit.
const defaultPage = 50

func (t *Tenant) toolSearchRecords(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	domain, err := c.domain(ctx, model)
	if err != nil {
		return nil, err
	}
	named, err := c.st.pol.checkFieldNames(model, c.args["fields"], fs, "fields")
	if err != nil {
		return nil, err
	}
	order, err := c.str("order", false)
	if err != nil {
		return nil, err
	}
	if order, err = checkOrder(order, fs); err != nil {
		return nil, err
	}
	limit, err := c.limit(defaultPage)
	if err != nil {
		return nil, err
	}
	offset, err := c.intArg("offset", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	fields := named
	if len(fields) == 0 {
		fields = defaultFields(fs)
	}
	askLimit := min(limit, c.st.pol.maxRecords)
	kw := map[string]any{"fields": anyList(fields), "offset": offset, "limit": askLimit}
	if order != "" {
		kw["order"] = order
	}
	raw, err := c.st.call(ctx, model, "search_read", []any{domain}, kw, octx)
	if err != nil {
		return nil, err
	}
	recs, err := rows(raw, "search_read")
	if err != nil {
		return nil, err
	}
	total := int64(len(recs)) + int64(offset)
	if len(recs) == askLimit || offset > 0 {
		n, err := c.st.call(ctx, model, "search_count", []any{domain}, nil, octx)
		if err != nil {
			return nil, err
		}
		if v, ok := toInt(n); ok {
			total = v
		}
	}
	shaped := make([]map[string]any, len(recs))
	for i, r := range recs {
		shaped[i] = c.st.pol.shapeRecord(model, r, fs, named)
	}
	res := map[string]any{"model": model, "offset": offset, "total": total}
	kept, note := c.st.pol.capRows(shaped, offset, func(r []map[string]any) any {
		res["records"] = r
		return res
	})
	if note == "" && limit > c.st.pol.maxRecords && int64(offset+len(kept)) < total {
		note = fmt.Sprintf("limit %d is over this tenant's max_records (%d); ask for the next page with offset=%d", limit, c.st.pol.maxRecords, offset+len(kept))
	}
	res["records"] = kept
	res["count"] = len(kept)
	if next := int64(offset + len(kept)); next < total {
		res["next_offset"] = next
	} else {
		res["next_offset"] = nil
	}
	if note != "" {
		res["note"] = note
	}
	return res, nil
}

func anyList[T any](l []T) []any {
	out := make([]any, len(l))
	for i, v := range l {
		out[i] = v
	}
	return out
}

func (t *Tenant) toolReadRecords(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	ids, err := toIDs(c.args["ids"], "ids")
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	named, err := c.st.pol.checkFieldNames(model, c.args["fields"], fs, "fields")
	if err != nil {
		return nil, err
	}
	fields := named
	if len(fields) == 0 {
		fields = defaultFields(fs)
	}
	note := ""
	if len(ids) > c.st.pol.maxRecords {
		note = fmt.Sprintf("read only the first %d ids (this tenant's max_records); ask again for the rest", c.st.pol.maxRecords)
		ids = ids[:c.st.pol.maxRecords]
	}
	raw, err := c.st.call(ctx, model, "read", []any{anyList(ids)}, map[string]any{"fields": anyList(fields)}, octx)
	if err != nil {
		return nil, err
	}
	recs, err := rows(raw, "read")
	if err != nil {
		return nil, err
	}
	found := map[int64]bool{}
	shaped := make([]map[string]any, len(recs))
	for i, r := range recs {
		if id, ok := toInt(r["id"]); ok {
			found[id] = true
		}
		shaped[i] = c.st.pol.shapeRecord(model, r, fs, named)
	}
	res := map[string]any{"model": model}
	kept, capNote := c.st.pol.capRows(shaped, 0, func(r []map[string]any) any {
		res["records"] = r
		return res
	})
	if capNote != "" {
		note = fmt.Sprintf("returned %d of %d records to stay under max_response_bytes; read the remaining ids separately or name fewer fields", len(kept), len(shaped))
	}
	res["records"] = kept
	res["count"] = len(kept)
	var missing []int64
	for _, id := range ids {
		if !found[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		res["missing_ids"] = missing
	}
	if note != "" {
		res["note"] = note
	}
	return res, nil
}

func (t *Tenant) toolCountRecords(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	domain, err := c.domain(ctx, model)
	if err != nil {
		return nil, err
	}
	n, err := c.st.call(ctx, model, "search_count", []any{domain}, nil, octx)
	if err != nil {
		return nil, err
	}
	v, ok := toInt(n)
	if !ok {
		return nil, fmt.Errorf("search_count: Odoo answered %s, not a number", jsonKind(n))
	}
	return map[string]any{"model": model, "count": v}, nil
}

func (t *Tenant) toolNameSearch(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	text, err := c.str("text", false)
	if err != nil {
		return nil, err
	}
	if _, ok := c.args["text"]; !ok {
		return nil, argError("text", "is required (use \"\" to list the first records)")
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	domain, err := c.domain(ctx, model)
	if err != nil {
		return nil, err
	}
	limit, err := c.limit(10)
	if err != nil {
		return nil, err
	}
	res, err := t.nameSearch(ctx, c, model, text, domain, min(limit, c.st.pol.maxRecords), octx)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"model": model, "matches": res, "count": len(res)}
	if limit > c.st.pol.maxRecords {
		out["note"] = fmt.Sprintf("limit cut to this tenant's max_records (%d)", c.st.pol.maxRecords)
	}
	return out, nil
}

func (t *Tenant) nameSearch(ctx context.Context, c *call, model, text string, domain []any, limit int, octx map[string]any) ([]map[string]any, error) {
	res, err := c.st.odoo.NameSearch(ctx, model, text, domain, limit, callOptions(octx))
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(res))
	for i, r := range res {
		out[i] = map[string]any{"id": r.ID, "name": r.Name}
	}
	return out, nil
}

var (
	aggFuncs   = []string{"sum", "avg", "min", "max", "count", "count_distinct", "bool_and", "bool_or", "array_agg"}
	datePeriod = []string{"day", "week", "month", "quarter", "year"}
	aggSpecRe  = regexp.MustCompile(`^[a-z_][a-z0-9_]*(:[a-z_]+)?$`)
)

func (t *Tenant) toolAggregate(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
	if err != nil {
		return nil, err
	}
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	domain, err := c.domain(ctx, model)
	if err != nil {
		return nil, err
	}
	groupby, err := specList(c.args["groupby"], "groupby", true)
	if err != nil {
		return nil, err
	}
	for i, g := range groupby {
		name, period, _ := strings.Cut(g, ":")
		f, ok := fs[name]
		if !ok {
			return nil, argError(fmt.Sprintf("groupby[%d]", i), fmt.Sprintf("field %q does not exist on %s%s", name, model, suggest(name, fs)))
		}
		if period != "" {
			if f.Type != "date" && f.Type != "datetime" {
				return nil, argError(fmt.Sprintf("groupby[%d]", i), fmt.Sprintf("%q: only date and datetime fields take a period, and %s is a %s field", g, name, f.Type))
			}
			if !slices.Contains(datePeriod, period) {
				return nil, argError(fmt.Sprintf("groupby[%d]", i), fmt.Sprintf("period %q must be one of %s", period, strings.Join(datePeriod, ", ")))
			}
		}
	}
	aggs, err := specList(c.args["aggregates"], "aggregates", false)
	if err != nil {
		return nil, err
	}
	var orderExtra []string
	for i, a := range aggs {
		name, fn, _ := strings.Cut(a, ":")
		if _, ok := fs[name]; !ok && name != "id" {
			return nil, argError(fmt.Sprintf("aggregates[%d]", i), fmt.Sprintf("field %q does not exist on %s%s", name, model, suggest(name, fs)))
		}
		if fn != "" && !slices.Contains(aggFuncs, fn) {
			return nil, argError(fmt.Sprintf("aggregates[%d]", i), fmt.Sprintf("function %q must be one of %s", fn, strings.Join(aggFuncs, ", ")))
		}
		orderExtra = append(orderExtra, name)
	}
	order, err := c.str("order", false)
	if err != nil {
		return nil, err
	}
	if order, err = checkOrder(order, fs, append(orderExtra, "__count")...); err != nil {
		return nil, err
	}
	limit, err := c.limit(c.st.pol.maxRecords)
	if err != nil {
		return nil, err
	}
	offset, err := c.intArg("offset", 0, 0, 1<<30)
	if err != nil {
		return nil, err
	}
	fields := append([]string{}, aggs...)
	for _, g := range groupby {
		name, _, _ := strings.Cut(g, ":")
		if !slices.Contains(fields, name) {
			fields = append(fields, name)
		}
	}
	recs, err := c.st.odoo.ReadGroup(ctx, model, domain, fields, groupby, &odoo.ReadGroupOptions{
		Offset: offset, Limit: min(limit, c.st.pol.maxRecords), OrderBy: order, Context: octx})
	if err != nil {
		return nil, err
	}
	shaped := make([]map[string]any, len(recs))
	for i, r := range recs {
		row := shapeGroupRow(r, fs, c.st.pol, model)
		if n, ok := row["__count"]; ok {
			row["count"] = n
			delete(row, "__count")
		}
		shaped[i] = row
	}
	res := map[string]any{"model": model, "groupby": groupby}
	kept, note := c.st.pol.capRows(shaped, offset, func(r []map[string]any) any {
		res["groups"] = r
		return res
	})
	res["groups"] = kept
	res["count"] = len(kept)
	if note == "" && len(kept) == min(limit, c.st.pol.maxRecords) {
		note = fmt.Sprintf("there may be more groups; ask for the next page with offset=%d", offset+len(kept))
	}
	if note != "" {
		res["note"] = note
	}
	return res, nil
}

// specList reads a list of "field" or "field:qualifier" strings.
func specList(raw any, arg string, required bool) ([]string, error) {
	if raw == nil {
		if required {
			return nil, argError(arg, "is required, e.g. [\"partner_id\"]")
		}
		return nil, nil
	}
	l, ok := raw.([]any)
	if !ok {
		if s, isStr := raw.(string); isStr && s != "" {
			l = []any{s}
		} else {
			return nil, argError(arg, fmt.Sprintf("must be a list of strings such as [\"partner_id\"], got %s", jsonKind(raw)))
		}
	}
	if required && len(l) == 0 {
		return nil, argError(arg, "needs at least one field, e.g. [\"partner_id\"]")
	}
	if len(l) > 20 {
		return nil, argError(arg, "names more than 20 entries")
	}
	out := make([]string, 0, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok || !aggSpecRe.MatchString(s) {
			return nil, argError(fmt.Sprintf("%s[%d]", arg, i), fmt.Sprintf("must look like \"field\" or \"field:qualifier\", got %s", jsonKind(e)))
		}
		out = append(out, s)
	}
	return out, nil
}

// deepMaxNodes bounds how many records one deep_read may collect.
const deepMaxNodes = 500

func (t *Tenant) toolDeepRead(ctx context.Context, c *call) (any, error) {
	model, err := c.model(ctx)
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
	octx, err := c.context()
	if err != nil {
		return nil, err
	}
	depth, err := c.intArg("depth", 1, 1, 3)
	if err != nil {
		return nil, err
	}
	per, err := c.intArg("limit", 20, 1, 200)
	if err != nil {
		return nil, err
	}
	fs, err := c.fields(ctx, model)
	if err != nil {
		return nil, err
	}
	named, err := c.st.pol.checkFieldNames(model, c.args["fields"], fs, "fields")
	if err != nil {
		return nil, err
	}
	rels, err := specListPaths(c.args["relations"])
	if err != nil {
		return nil, err
	}
	// Check every relation path before reading anything.
	var notes []string
	for i, r := range rels {
		cur := model
		for j, p := range strings.Split(r, ".") {
			cfs, err := c.st.lookup(ctx, cur)
			if err != nil {
				return nil, err
			}
			f, ok := cfs[p]
			if !ok {
				return nil, argError(fmt.Sprintf("relations[%d]", i), fmt.Sprintf("field %q does not exist on %s%s", p, cur, suggest(p, cfs)))
			}
			if f.Relation == "" {
				return nil, argError(fmt.Sprintf("relations[%d]", i), fmt.Sprintf("%s.%s is a %s field, not a relation", cur, p, f.Type))
			}
			if !c.st.pol.modelAllowed(f.Relation) {
				return nil, &refusal{msg: fmt.Sprintf("relations[%d]: %s.%s leads to %s, which is not available on this tenant", i, cur, p, f.Relation)}
			}
			if j >= 3 {
				return nil, argError(fmt.Sprintf("relations[%d]", i), "follows more than 3 levels")
			}
			cur = f.Relation
		}
	}
	d := &deepReader{c: c, octx: octx, per: per, budget: deepMaxNodes}
	if len(rels) == 0 {
		if rels, err = d.autoRelations(ctx, fs, named, depth); err != nil {
			return nil, err
		}
	}
	root, err := d.read(ctx, model, []int64{id}, named, rels)
	if err != nil {
		return nil, err
	}
	if len(root) == 0 {
		return nil, argError("id", fmt.Sprintf("%s record %d does not exist (or was deleted)", model, id))
	}
	notes = append(notes, d.notes...)
	res := map[string]any{"model": model, "record": root[0]}
	if len(notes) > 0 {
		res["note"] = strings.Join(notes, "; ")
	}
	return res, nil
}

func specListPaths(raw any) ([]string, error) {
	if raw == nil {
		return nil, nil
	}
	l, ok := raw.([]any)
	if !ok {
		return nil, argError("relations", fmt.Sprintf("must be a list of field names such as [\"order_line\"], got %s", jsonKind(raw)))
	}
	if len(l) > 20 {
		return nil, argError("relations", "names more than 20 relations")
	}
	out := []string{}
	for i, e := range l {
		s, ok := e.(string)
		if !ok || s == "" {
			return nil, argError(fmt.Sprintf("relations[%d]", i), fmt.Sprintf("must be a field name, got %s", jsonKind(e)))
		}
		out = append(out, s)
	}
	return out, nil
}

type deepReader struct {
	c      *call
	octx   map[string]any
	per    int
	budget int
	notes  []string
}

// autoRelations picks the relational fields among the default fields,
// and theirs in turn down to depth levels, when the caller names none.
// company_id and currency_id lead everywhere and say little, so they are
// not followed.
func (d *deepReader) autoRelations(ctx context.Context, fs map[string]fieldMeta, named []string, depth int) ([]string, error) {
	fields := named
	if len(fields) == 0 {
		fields = defaultFields(fs)
	}
	var out []string
	for _, f := range fields {
		m := fs[f]
		if m.Relation == "" || !d.c.st.pol.modelAllowed(m.Relation) || f == "company_id" || f == "currency_id" {
			continue
		}
		out = append(out, f)
		if depth <= 1 {
			continue
		}
		sub, err := d.c.st.lookup(ctx, m.Relation)
		if err != nil {
			return nil, err
		}
		deeper, err := d.autoRelations(ctx, sub, nil, depth-1)
		if err != nil {
			return nil, err
		}
		for _, p := range deeper {
			out = append(out, f+"."+p)
		}
	}
	return out, nil
}

// read reads records of model with fields plus the first segments of rels,
// then follows each relation with the rest of its path.
func (d *deepReader) read(ctx context.Context, model string, ids []int64, named []string, rels []string) ([]map[string]any, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > d.budget {
		ids = ids[:max(d.budget, 0)]
		d.notes = append(d.notes, fmt.Sprintf("stopped following %s after %d records in total", model, deepMaxNodes))
	}
	if len(ids) == 0 {
		return nil, nil
	}
	d.budget -= len(ids)
	fs, err := d.c.st.lookup(ctx, model)
	if err != nil {
		return nil, err
	}
	fields := slices.Clone(named)
	if len(fields) == 0 {
		fields = defaultFields(fs)
	}
	sub := map[string][]string{}
	var order []string
	for _, r := range rels {
		head, rest, _ := strings.Cut(r, ".")
		if _, seen := sub[head]; !seen {
			order = append(order, head)
			sub[head] = nil
		}
		if rest != "" {
			sub[head] = append(sub[head], rest)
		}
		if !slices.Contains(fields, head) {
			fields = append(fields, head)
		}
	}
	raw, err := d.c.st.call(ctx, model, "read", []any{anyList(ids)}, map[string]any{"fields": anyList(fields)}, d.octx)
	if err != nil {
		return nil, err
	}
	recs, err := rows(raw, "read")
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = d.c.st.pol.shapeRecord(model, r, fs, named)
	}
	for _, head := range order {
		f := fs[head]
		for i, r := range recs {
			var rid []int64
			switch v := r[head].(type) {
			case []any:
				if f.Type == "many2one" {
					if len(v) == 2 {
						if id, ok := toInt(v[0]); ok {
							rid = []int64{id}
						}
					}
				} else {
					for _, e := range v {
						if id, ok := toInt(e); ok {
							rid = append(rid, id)
						}
					}
				}
			}
			if len(rid) > d.per {
				d.notes = append(d.notes, fmt.Sprintf("%s of %s %v: showing %d of %d related records (raise limit for more)", head, model, r["id"], d.per, len(rid)))
				rid = rid[:d.per]
			}
			related, err := d.read(ctx, f.Relation, rid, nil, sub[head])
			if err != nil {
				return nil, err
			}
			if f.Type == "many2one" {
				if len(related) == 1 {
					out[i][head] = related[0]
				}
			} else {
				out[i][head] = related
			}
		}
	}
	return out, nil
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func (t *Tenant) toolSearchEmployee(ctx context.Context, c *call) (any, error) {
	name, err := c.str("name", false)
	if err != nil {
		return nil, err
	}
	if _, ok := c.args["name"]; !ok {
		return nil, argError("name", "is required, e.g. \"Mitchell\"")
	}
	limit, err := c.limit(20)
	if err != nil {
		return nil, err
	}
	if err := c.st.pol.checkModel("hr.employee"); err != nil {
		return nil, err
	}
	res, err := t.nameSearch(ctx, c, "hr.employee", name, []any{}, min(limit, c.st.pol.maxRecords), c.st.pol.context)
	if err != nil {
		return nil, err
	}
	return map[string]any{"employees": res, "count": len(res)}, nil
}

func (t *Tenant) toolSearchHolidays(ctx context.Context, c *call) (any, error) {
	start, err := c.str("start_date", true)
	if err != nil {
		return nil, err
	}
	end, err := c.str("end_date", true)
	if err != nil {
		return nil, err
	}
	if !dateRe.MatchString(start) {
		return nil, argError("start_date", fmt.Sprintf("must be a date YYYY-MM-DD, got %q", start))
	}
	if !dateRe.MatchString(end) {
		return nil, argError("end_date", fmt.Sprintf("must be a date YYYY-MM-DD, got %q", end))
	}
	if end < start {
		return nil, argError("end_date", fmt.Sprintf("%s is before start_date %s", end, start))
	}
	if err := c.st.pol.checkModel("hr.leave"); err != nil {
		return nil, err
	}
	domain := []any{[]any{"date_from", "<=", end + " 23:59:59"}, []any{"date_to", ">=", start + " 00:00:00"}}
	if v, ok := c.args["employee_id"]; ok && v != nil {
		id, ok := toInt(v)
		if !ok || id <= 0 {
			return nil, argError("employee_id", fmt.Sprintf("must be a positive integer, got %s", jsonKind(v)))
		}
		domain = append(domain, []any{"employee_id", "=", id})
	}
	fs, err := c.fields(ctx, "hr.leave")
	if err != nil {
		return nil, err
	}
	want := []string{"employee_id", "holiday_status_id", "date_from", "date_to", "number_of_days", "state", "name"}
	var fields []string
	for _, f := range want {
		if _, ok := fs[f]; ok {
			fields = append(fields, f)
		}
	}
	raw, err := c.st.call(ctx, "hr.leave", "search_read", []any{domain}, map[string]any{"fields": anyList(fields), "limit": c.st.pol.maxRecords, "order": "date_from"}, c.st.pol.context)
	if err != nil {
		return nil, err
	}
	recs, err := rows(raw, "search_read")
	if err != nil {
		return nil, err
	}
	shaped := make([]map[string]any, len(recs))
	for i, r := range recs {
		shaped[i] = c.st.pol.shapeRecord("hr.leave", r, fs, nil)
	}
	res := map[string]any{"start_date": start, "end_date": end}
	kept, note := c.st.pol.capRows(shaped, 0, func(r []map[string]any) any {
		res["leaves"] = r
		return res
	})
	res["leaves"] = kept
	res["count"] = len(kept)
	if note == "" && len(recs) == c.st.pol.maxRecords {
		note = "there may be more time off in this range; narrow the dates"
	}
	if note != "" {
		res["note"] = note
	}
	return res, nil
}
