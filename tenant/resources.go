package tenant

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// run executes a tool body outside a tools/call, for resources and tests.
func (t *Tenant) run(ctx context.Context, name string, fn toolFunc, args map[string]any) (any, error) {
	st, release, err := t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	c := &call{t: t, st: st, tool: name, args: args}
	return fn(ctx, c)
}

// jsonContents wraps a value as one JSON resource content, or turns an
// error into the sentence a client shows.
func jsonContents(uri string, v any, err error) ([]mcp.ResourceContents, error) {
	if err != nil {
		return nil, errors.New(describeError(err))
	}
	b, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", uri, err)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(b)}}, nil
}

func uriArg(req mcp.ReadResourceRequest, name string) string {
	var s string
	switch v := req.Params.Arguments[name].(type) {
	case string:
		s = v
	case []string:
		if len(v) > 0 {
			s = v[0]
		}
	}
	unescape := url.PathUnescape
	if name == "domain" {
		// Form-style encoders turn spaces into "+", which JSON never holds
		// outside strings.
		unescape = url.QueryUnescape
	}
	if u, err := unescape(s); err == nil {
		s = u
	}
	return s
}

func (t *Tenant) addResources() {
	t.srv.AddResource(mcp.NewResource("odoo://server/info", "Odoo server info",
		mcp.WithResourceDescription("Odoo version, database, signed-in user, company, time zone and installed apps."),
		mcp.WithMIMEType("application/json")),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			v, err := t.run(ctx, "odoo_server_info", t.toolServerInfo, map[string]any{})
			return jsonContents(req.Params.URI, v, err)
		})
	t.srv.AddResource(mcp.NewResource("odoo://models", "Models",
		mcp.WithResourceDescription("Every model this tenant exposes, with technical name and label."),
		mcp.WithMIMEType("application/json")),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			v, err := t.run(ctx, "list_models", t.toolListModels, map[string]any{})
			return jsonContents(req.Params.URI, v, err)
		})
	t.srv.AddResource(mcp.NewResource("odoo://workflows", "Workflows",
		mcp.WithResourceDescription("The business flows of the installed apps (sales, purchase, invoicing, CRM, ...) and the models and methods each step uses."),
		mcp.WithMIMEType("application/json")),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			v, err := t.workflows(ctx)
			return jsonContents(req.Params.URI, v, err)
		})

	tpl := func(uri, name, desc string, h server.ResourceTemplateHandlerFunc) {
		t.srv.AddResourceTemplate(sharedTemplate(uri, name, desc), h)
	}
	// modelTpl serves a template whose one argument is a model name.
	modelTpl := func(uri, name, desc string, read func(ctx context.Context, model string) (any, error)) {
		tpl(uri, name, desc, func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			v, err := read(ctx, uriArg(req, "model"))
			return jsonContents(req.Params.URI, v, err)
		})
	}
	modelFields := func(ctx context.Context, model string) (any, error) {
		return t.run(ctx, "get_model_fields", t.toolGetModelFields, map[string]any{"model": model})
	}
	modelTpl("odoo://model/{model}", "Model", "A model's label, record count and main fields, e.g. odoo://model/res.partner.", t.modelSummary)
	modelTpl("odoo://model/{model}/schema", "Model schema", "Every field of a model with type, label, relation, required and read-only, e.g. odoo://model/sale.order/schema.", modelFields)
	modelTpl("odoo://model/{model}/access", "Model access", "What the signed-in user may do on a model (read, write, create, unlink) and what this tenant allows, e.g. odoo://model/account.move/access.", t.modelAccess)
	modelTpl("odoo://fields/{model}", "Fields", "A model's fields (same as odoo://model/{model}/schema), e.g. odoo://fields/res.partner.", modelFields)
	modelTpl("odoo://methods/{model}", "Methods", "The methods execute_method may call on a model under this tenant's policy, e.g. odoo://methods/sale.order.", t.modelMethods)
	tpl("odoo://record/{model}/{id}", "Record", "One record's main fields, e.g. odoo://record/res.partner/7.",
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			id, err := strconv.ParseInt(uriArg(req, "id"), 10, 64)
			if err != nil || id <= 0 {
				return nil, fmt.Errorf("record id %q in %s is not a positive integer", uriArg(req, "id"), req.Params.URI)
			}
			v, err := t.run(ctx, "read_records", t.toolReadRecords, map[string]any{"model": uriArg(req, "model"), "ids": []any{float64(id)}})
			return jsonContents(req.Params.URI, v, err)
		})
	tpl("odoo://search/{model}/{domain}", "Search", "Records matching a domain given as URL-encoded JSON, e.g. odoo://search/res.partner/%5B%5B%22is_company%22%2C%22%3D%22%2Ctrue%5D%5D.",
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			v, err := t.run(ctx, "search_records", t.toolSearchRecords, map[string]any{"model": uriArg(req, "model"), "domain": uriArg(req, "domain")})
			return jsonContents(req.Params.URI, v, err)
		})
}

// templates holds each resource template once per process: parsing the
// URI templates again for every tenant was a good part of what a thousand
// tenants kept in memory. A parsed template is read-only, and one server's
// sessions already share it across goroutines.
var templates struct {
	sync.Mutex
	m map[string]mcp.ResourceTemplate
}

func sharedTemplate(uri, name, desc string) mcp.ResourceTemplate {
	templates.Lock()
	defer templates.Unlock()
	if rt, ok := templates.m[uri]; ok && rt.Name == name && rt.Description == desc {
		return rt
	}
	rt := mcp.NewResourceTemplate(uri, name, mcp.WithTemplateDescription(desc), mcp.WithTemplateMIMEType("application/json"))
	if templates.m == nil {
		templates.m = map[string]mcp.ResourceTemplate{}
	}
	templates.m[uri] = rt
	return rt
}

func (t *Tenant) modelSummary(ctx context.Context, model string) (any, error) {
	st, release, err := t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	if err := st.requireModel(ctx, model); err != nil {
		return nil, err
	}
	fs, err := st.lookup(ctx, model)
	if err != nil {
		return nil, err
	}
	label := ""
	if models, err := st.modelList(ctx); err == nil {
		for _, m := range models {
			if m.Model == model {
				label = m.Name
			}
		}
	}
	n, err := st.call(ctx, model, "search_count", []any{[]any{}}, nil, st.pol.context)
	if err != nil {
		return nil, err
	}
	main := map[string]any{}
	for _, f := range defaultFields(fs) {
		main[f] = map[string]any{"type": fs[f].Type, "string": fs[f].Label}
	}
	return map[string]any{"model": model, "name": label, "records": n, "field_count": len(fs), "main_fields": main,
		"see_also": []string{"odoo://model/" + model + "/schema", "odoo://model/" + model + "/access", "odoo://methods/" + model}}, nil
}

func (t *Tenant) modelAccess(ctx context.Context, model string) (any, error) {
	st, release, err := t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	if err := st.requireModel(ctx, model); err != nil {
		return nil, err
	}
	odooRights := map[string]any{}
	for _, op := range []string{"read", "write", "create", "unlink"} {
		v, err := st.odoo.HasAccess(ctx, model, op, callOptions(st.pol.context))
		if err != nil {
			return nil, err
		}
		odooRights[op] = v
	}
	return map[string]any{
		"model":          model,
		"odoo_user":      odooRights,
		"tenant_allows":  map[string]any{"read": true, "write": !st.pol.readOnly, "create": !st.pol.readOnly, "unlink": !st.pol.readOnly},
		"confirm_writes": st.pol.confirmWrites,
		"hidden_fields":  hiddenOf(st, model, ctx),
	}, nil
}

func hiddenOf(st *state, model string, ctx context.Context) []string {
	fs, err := st.fieldsOf(ctx, model)
	if err != nil {
		return nil
	}
	var out []string
	for k := range fs {
		if st.pol.fieldHidden(model, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (t *Tenant) modelMethods(ctx context.Context, model string) (any, error) {
	st, release, err := t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	if err := st.requireModel(ctx, model); err != nil {
		return nil, err
	}
	res := map[string]any{"model": model, "read": readMethods}
	if !st.pol.readOnly && !slices.Contains(blockedModels, model) {
		res["write"] = writeMethods
		if len(st.pol.extraMethods) > 0 {
			res["allowed_patterns"] = st.pol.extraMethods
		}
	}
	res["never"] = "methods starting with _, sudo, with_user, with_env, raw SQL helpers; nothing but reads on ir.actions.server and ir.cron"
	return res, nil
}

// appFlows describes the usual flow of each app, keyed by module name.
var appFlows = map[string]map[string]any{
	"sale_management": {"app": "Sales", "steps": []string{"create sale.order with partner_id and order_line [[0, 0, {product_id, product_uom_qty}]]", "confirm: execute_method sale.order action_confirm [[id]]", "invoice: sale.order _create_invoices is private; use the Odoo UI or account.move"}, "models": []string{"sale.order", "sale.order.line", "product.product", "res.partner"}},
	"sale":            {"app": "Sales", "steps": []string{"create sale.order", "action_confirm"}, "models": []string{"sale.order", "sale.order.line"}},
	"purchase":        {"app": "Purchase", "steps": []string{"create purchase.order with partner_id and order_line", "confirm: execute_method purchase.order button_confirm [[id]]"}, "models": []string{"purchase.order", "purchase.order.line"}},
	"account":         {"app": "Invoicing", "steps": []string{"create account.move with move_type out_invoice, partner_id, invoice_line_ids", "post: execute_method account.move action_post [[id]]", "overdue: search account.move with payment_state in (not_paid, partial) and invoice_date_due < today"}, "models": []string{"account.move", "account.move.line", "account.payment"}},
	"crm":             {"app": "CRM", "steps": []string{"create crm.lead (type opportunity)", "move stage: update_records stage_id", "won: execute_method crm.lead action_set_won [[id]]", "lost: action_set_lost"}, "models": []string{"crm.lead", "crm.stage"}},
	"stock":           {"app": "Inventory", "steps": []string{"stock.picking from a confirmed order", "validate: execute_method stock.picking button_validate [[id]]"}, "models": []string{"stock.picking", "stock.move", "stock.quant", "product.product"}},
	"project":         {"app": "Project", "steps": []string{"create project.task with project_id, name, user_ids", "move stage_id as work progresses"}, "models": []string{"project.project", "project.task"}},
	"hr":              {"app": "Employees", "steps": []string{"search_employee by name", "hr.employee holds department_id, job_title, parent_id"}, "models": []string{"hr.employee", "hr.department"}},
	"hr_holidays":     {"app": "Time Off", "steps": []string{"search_holidays for a date range", "create hr.leave with employee_id, holiday_status_id, request_date_from, request_date_to"}, "models": []string{"hr.leave", "hr.leave.type"}},
	"contacts":        {"app": "Contacts", "steps": []string{"name_search res.partner by name", "create res.partner (is_company true for companies, parent_id for their people)"}, "models": []string{"res.partner"}},
}

func (t *Tenant) workflows(ctx context.Context) (any, error) {
	st, release, err := t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	info, err := t.serverInfo(ctx, st)
	if err != nil {
		return nil, err
	}
	var flows []map[string]any
	for _, app := range info.Apps {
		if f, ok := appFlows[app]; ok {
			flows = append(flows, map[string]any{"module": app, "app": f["app"], "steps": f["steps"], "models": f["models"]})
		}
	}
	note := ""
	if st.pol.readOnly {
		note = "this tenant is read-only: only the reading steps apply"
	}
	return map[string]any{"installed_apps": info.Apps, "workflows": flows, "note": note}, nil
}

// completer offers model names for the "model" argument of resource
// templates and prompts.
type completer struct{ t *Tenant }

func (c completer) complete(ctx context.Context, arg mcp.CompleteArgument) (*mcp.Completion, error) {
	if arg.Name != "model" {
		return &mcp.Completion{Values: []string{}}, nil
	}
	st, release, err := c.t.acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	models, err := st.modelList(ctx)
	if err != nil {
		return nil, errors.New(describeError(err))
	}
	prefix := strings.ToLower(arg.Value)
	var vals []string
	for _, m := range models {
		if m.Transient || !st.pol.modelAllowed(m.Model) {
			continue
		}
		if strings.HasPrefix(m.Model, prefix) {
			vals = append(vals, m.Model)
		}
	}
	total := len(vals)
	if len(vals) > 100 {
		vals = vals[:100]
	}
	if vals == nil {
		vals = []string{}
	}
	return &mcp.Completion{Values: vals, Total: total, HasMore: total > len(vals)}, nil
}

// CompleteResourceArgument implements server.ResourceCompletionProvider.
func (c completer) CompleteResourceArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg)
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (c completer) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	return c.complete(ctx, arg)
}
