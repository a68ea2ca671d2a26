package tenant

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// js is a JSON Schema fragment.
type js = map[string]any

// maxLimit is the largest limit a tool accepts at all; anything between
// max_records and this is cut with a note rather than refused.
const maxLimit = 100000

func schema(required []string, props js) json.RawMessage {
	s := js{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // static schemas; a failure is a programming error caught by tests
	}
	return b
}

func str(desc string) js { return js{"type": "string", "description": desc} }
func integer(desc string, min, max int) js {
	return js{"type": "integer", "description": desc, "minimum": min, "maximum": max}
}
func boolean(desc string) js { return js{"type": "boolean", "description": desc} }
func strList(desc string) js {
	return js{"type": "array", "items": js{"type": "string"}, "description": desc}
}

var (
	pModel  = str("Technical model name, e.g. \"res.partner\", \"sale.order\", \"account.move\". list_models finds them.")
	pDomain = js{"type": "array", "description": "Odoo domain filtering the records: a list of conditions [field, operator, value], e.g. [[\"is_company\", \"=\", true], [\"name\", \"ilike\", \"acme\"]]. Conditions are ANDed; put \"|\" before two conditions to OR them, \"!\" to negate one. Each condition may also be an object {\"field\": \"name\", \"operator\": \"ilike\", \"value\": \"acme\"}. Operators: = != < <= > >= like ilike not like not ilike =like =ilike in not in child_of parent_of any not any. Dotted paths like \"partner_id.country_id.code\" work. Omit or [] for all records."}
	pFields = strList("Field names to return, e.g. [\"name\", \"email\"]. Omit for a sensible default set; binary fields (images, files) come back only when named.")
	pIDs    = js{"type": "array", "items": js{"type": "integer", "minimum": 1}, "minItems": 1, "description": "Record ids, e.g. [7, 12]."}
	pValues = js{"type": "object", "description": "Field values, e.g. {\"name\": \"Acme\", \"email\": \"info@acme.example\"}. Many2one fields take an id (\"partner_id\": 7); many2many/one2many take Odoo command lists, e.g. [[6, 0, [1, 2]]] to set ids. Use false to clear a field."}
	pLimit  = integer("Maximum number of records to return (default 50; the tenant's max_records caps it).", 1, maxLimit)
	pOffset = integer("Number of records to skip, for paging: use the next_offset of the previous answer.", 0, 1<<30)
	pOrder  = str("Sort order, e.g. \"name asc\" or \"date_order desc, id desc\".")
	pCtx    = js{
		"type":                 "object",
		"description":          "Optional Odoo context for this call, merged over the tenant's default, e.g. {\"lang\": \"fr_FR\", \"active_test\": false, \"allowed_company_ids\": [1, 2]}.",
		"additionalProperties": false,
		"properties": js{
			"lang":                str("Language code for translated values, e.g. \"fr_FR\"."),
			"tz":                  str("Time zone name, e.g. \"Europe/Brussels\"."),
			"active_test":         boolean("false includes archived records."),
			"allowed_company_ids": js{"type": "array", "items": js{"type": "integer"}, "description": "Companies to work in (multi-company), first is the current one."},
		},
	}
)

func annotations(title string, readOnly, destructive, idempotent bool) mcp.ToolAnnotation {
	return mcp.ToolAnnotation{
		Title:           title,
		ReadOnlyHint:    mcp.ToBoolPtr(readOnly),
		DestructiveHint: mcp.ToBoolPtr(destructive),
		IdempotentHint:  mcp.ToBoolPtr(idempotent),
		// Odoo is one known system, not an open world like the web.
		OpenWorldHint: mcp.ToBoolPtr(false),
	}
}

func tool(name, title, desc string, s json.RawMessage, ann mcp.ToolAnnotation) mcp.Tool {
	t := mcp.NewToolWithRawSchema(name, desc, s)
	t.Title = title
	t.Annotations = ann
	return t
}

// toolsFor returns the read tools (write=false) or the write tools
// (write=true); a read-only tenant registers only the former.
func (t *Tenant) toolsFor(write bool) []server.ServerTool {
	defs := readTools()
	if write {
		defs = writeTools()
	}
	out := make([]server.ServerTool, len(defs))
	for i, d := range defs {
		out[i] = server.ServerTool{Tool: d.tool, Handler: t.handler(d.tool.Name, d.args, d.bind(t))}
	}
	return out
}

// toolDef is one tool as every tenant offers it. The definitions are built
// once per process and shared: schemas are the same for all tenants, and
// building them (JSON schemas encoded, then read back for the argument
// names) for each of a thousand tenants was most of the time the daemon
// took to start.
type toolDef struct {
	tool mcp.Tool
	args []string
	fn   func(*Tenant, context.Context, *call) (any, error)
}

func (d toolDef) bind(t *Tenant) toolFunc {
	fn := d.fn
	return func(ctx context.Context, c *call) (any, error) { return fn(t, ctx, c) }
}

var (
	readTools  = sync.OnceValue(func() []toolDef { return toolDefs(false) })
	writeTools = sync.OnceValue(func() []toolDef { return toolDefs(true) })
)

// toolDefs defines the read tools (write=false) or the write tools
// (write=true).
func toolDefs(write bool) []toolDef {
	var out []toolDef
	add := func(tl mcp.Tool, fn func(*Tenant, context.Context, *call) (any, error)) {
		out = append(out, toolDef{tool: tl, args: argNames(tl), fn: fn})
	}
	if !write {
		add(tool("odoo_server_info", "Odoo server info",
			"Tell which Odoo this is: version, database, signed-in user, company, time zone and installed apps. Call it first when unsure what the database holds. Takes no arguments: {}.",
			schema(nil, js{}), annotations("Odoo server info", true, false, true)), (*Tenant).toolServerInfo)
		add(tool("list_models", "List models",
			"List the models (tables) available, with technical name and label. Filter by part of the name or label, e.g. {\"filter\": \"invoice\"} finds account.move. Use the technical name in the other tools.",
			schema(nil, js{
				"filter":            str("Part of a technical name or label, e.g. \"partner\" or \"Sales Order\"."),
				"include_transient": boolean("Also list wizard (transient) models. Default false."),
				"limit":             pLimit,
			}), annotations("List models", true, false, true)), (*Tenant).toolListModels)
		add(tool("get_model_fields", "Describe a model's fields",
			"Describe a model's fields: type, label, relation, required, read-only, selection values. Call it before writing a domain or values for an unfamiliar model. Example: {\"model\": \"sale.order\", \"fields\": [\"state\", \"partner_id\"]}.",
			schema([]string{"model"}, js{
				"model":      pModel,
				"fields":     strList("Only these fields, e.g. [\"state\"]. Omit for all."),
				"attributes": strList("fields_get attributes to return, e.g. [\"type\", \"string\", \"help\"]. Omit for type, string, relation, required, readonly, store, selection."),
			}), annotations("Describe a model's fields", true, false, true)), (*Tenant).toolGetModelFields)
		add(tool("search_records", "Search records",
			"Find records matching a domain and return their fields, the total count and the next_offset to page on. Example: {\"model\": \"res.partner\", \"domain\": [[\"is_company\", \"=\", true]], \"fields\": [\"name\", \"email\"], \"limit\": 10}.",
			schema([]string{"model"}, js{
				"model": pModel, "domain": pDomain, "fields": pFields, "order": pOrder,
				"limit": pLimit, "offset": pOffset, "context": pCtx,
			}), annotations("Search records", true, false, true)), (*Tenant).toolSearchRecords)
		add(tool("read_records", "Read records by id",
			"Read records by id. Missing ids are reported, not fatal. Example: {\"model\": \"res.partner\", \"ids\": [7, 12], \"fields\": [\"name\", \"email\"]}.",
			schema([]string{"model", "ids"}, js{"model": pModel, "ids": pIDs, "fields": pFields, "context": pCtx}),
			annotations("Read records by id", true, false, true)), (*Tenant).toolReadRecords)
		add(tool("count_records", "Count records",
			"Count the records matching a domain. Example: {\"model\": \"sale.order\", \"domain\": [[\"state\", \"=\", \"sale\"]]}.",
			schema([]string{"model"}, js{"model": pModel, "domain": pDomain, "context": pCtx}),
			annotations("Count records", true, false, true)), (*Tenant).toolCountRecords)
		add(tool("name_search", "Find records by name",
			"Find records by (part of) their display name, the quickest way to turn a name into an id. Example: {\"model\": \"res.partner\", \"text\": \"Azure\", \"limit\": 5}.",
			schema([]string{"model", "text"}, js{
				"model": pModel, "text": str("Text to look for in the display name, e.g. \"Azure\"."),
				"domain": pDomain, "limit": integer("Maximum matches (default 10).", 1, maxLimit), "context": pCtx,
			}), annotations("Find records by name", true, false, true)), (*Tenant).toolNameSearch)
		add(tool("aggregate_records", "Aggregate records",
			"Group records and compute totals (Odoo read_group). Example: {\"model\": \"sale.order\", \"domain\": [[\"state\", \"=\", \"sale\"]], \"groupby\": [\"partner_id\"], \"aggregates\": [\"amount_total:sum\"], \"order\": \"amount_total desc\", \"limit\": 10}. Date fields group by period with \"date_order:month\" (day, week, month, quarter, year). Each row has count and the domain selecting its records.",
			schema([]string{"model", "groupby"}, js{
				"model": pModel, "domain": pDomain,
				"groupby":    strList("Fields to group by, e.g. [\"partner_id\"] or [\"date_order:month\"]."),
				"aggregates": strList("Aggregates as field:function, e.g. [\"amount_total:sum\", \"id:count\"]; functions sum, avg, min, max, count, count_distinct. Omit for counts only."),
				"order":      pOrder, "limit": pLimit, "offset": pOffset, "context": pCtx,
			}), annotations("Aggregate records", true, false, true)), (*Tenant).toolAggregate)
		add(tool("deep_read", "Read a record with related records",
			"Read one record together with the records it points to (many2one) and holds (one2many, many2many), following the named relations. Example: {\"model\": \"sale.order\", \"id\": 7, \"relations\": [\"partner_id\", \"order_line\", \"order_line.product_id\"], \"limit\": 20}. Without relations it follows the relational fields among the default fields, one level deep.",
			schema([]string{"model", "id"}, js{
				"model": pModel, "id": integer("Record id, e.g. 7.", 1, 1<<53-1),
				"relations": strList("Relational fields to follow, dotted for deeper levels, e.g. [\"order_line\", \"order_line.product_id\"]."),
				"fields":    pFields,
				"depth":     integer("How many levels to follow when relations are not given (default 1, at most 3).", 1, 3),
				"limit":     integer("Related records read per relation (default 20).", 1, 200),
				"context":   pCtx,
			}), annotations("Read a record with related records", true, false, true)), (*Tenant).toolDeepRead)
		add(tool("execute_method", "Call a model method",
			"Call a public method of a model, e.g. a button action like action_confirm on sale.order. Arguments are Odoo's positional args (usually starting with the list of ids) and keyword args, given natively or as JSON text. Example: {\"model\": \"sale.order\", \"method\": \"action_confirm\", \"args\": [[7]]} or {\"model\": \"res.partner\", \"method\": \"search_read\", \"args_json\": \"[[[\\\"is_company\\\", \\\"=\\\", true]]]\", \"kwargs_json\": \"{\\\"fields\\\": [\\\"name\\\"], \\\"limit\\\": 5}\"}. Private methods (leading _) and methods outside the tenant's policy are refused.",
			schema([]string{"model", "method"}, js{
				"model":       pModel,
				"method":      str("Method name, e.g. \"action_confirm\"."),
				"args":        js{"type": "array", "description": "Positional arguments, e.g. [[7]] for a method on record 7."},
				"kwargs":      js{"type": "object", "description": "Keyword arguments, e.g. {\"limit\": 5}."},
				"args_json":   str("Positional arguments as JSON text, e.g. \"[[7]]\" (alternative to args)."),
				"kwargs_json": str("Keyword arguments as JSON text, e.g. \"{\\\"limit\\\": 5}\" (alternative to kwargs)."),
				"context":     pCtx,
			}), annotations("Call a model method", false, true, false)), (*Tenant).toolExecuteMethod)
		add(tool("batch_execute", "Run several method calls",
			"Run several model method calls in order, e.g. create a record then confirm it. Odoo commits each call on its own: this is NOT a transaction, and calls that succeeded stay done when a later one fails. Every operation is checked against the tenant's policy before the first one runs. Example: {\"operations\": [{\"model\": \"res.partner\", \"method\": \"write\", \"args\": [[7], {\"phone\": \"+32 2 555 01 01\"}]}, {\"model\": \"res.partner\", \"method\": \"read\", \"args\": [[7], [\"phone\"]]}], \"stop_on_error\": true}.",
			schema([]string{"operations"}, js{
				"operations": js{"type": "array", "minItems": 1, "maxItems": 50, "description": "Calls to run in order.", "items": js{
					"type": "object", "required": []string{"model", "method"}, "additionalProperties": false,
					"properties": js{
						"model":       pModel,
						"method":      str("Method name, e.g. \"write\"."),
						"args":        js{"type": "array", "description": "Positional arguments."},
						"kwargs":      js{"type": "object", "description": "Keyword arguments."},
						"args_json":   str("Positional arguments as JSON text (alternative to args)."),
						"kwargs_json": str("Keyword arguments as JSON text (alternative to kwargs)."),
					},
				}},
				"stop_on_error": boolean("Stop at the first failing call (default true)."),
				"context":       pCtx,
			}), annotations("Run several method calls", false, true, false)), (*Tenant).toolBatchExecute)
		add(tool("search_employee", "Search employees",
			"Find employees by name and return their id and name. Example: {\"name\": \"Mitchell\", \"limit\": 5}.",
			schema([]string{"name"}, js{
				"name":  str("Part of the employee's name, e.g. \"Mitchell\"."),
				"limit": integer("Maximum matches (default 20).", 1, maxLimit),
			}), annotations("Search employees", true, false, true)), (*Tenant).toolSearchEmployee)
		add(tool("search_holidays", "Search time off",
			"Find time off (hr.leave) overlapping a date range, optionally for one employee. Dates are YYYY-MM-DD. Example: {\"start_date\": \"2026-07-01\", \"end_date\": \"2026-07-31\", \"employee_id\": 3}.",
			schema([]string{"start_date", "end_date"}, js{
				"start_date":  str("First day, YYYY-MM-DD."),
				"end_date":    str("Last day, YYYY-MM-DD."),
				"employee_id": integer("Only this employee's time off (search_employee finds the id).", 1, 1<<53-1),
			}), annotations("Search time off", true, false, true)), (*Tenant).toolSearchHolidays)
		return out
	}
	add(tool("create_record", "Create a record",
		"Create one record and return its id. Example: {\"model\": \"res.partner\", \"values\": {\"name\": \"Acme\", \"is_company\": true}}. validate_before_execute checks values without writing.",
		schema([]string{"model", "values"}, js{"model": pModel, "values": pValues, "context": pCtx}),
		annotations("Create a record", false, false, false)), (*Tenant).toolCreate)
	add(tool("update_records", "Update records",
		"Write the same values to one or more records. Example: {\"model\": \"res.partner\", \"ids\": [7], \"values\": {\"phone\": \"+32 2 555 01 01\"}}.",
		schema([]string{"model", "ids", "values"}, js{"model": pModel, "ids": pIDs, "values": pValues, "context": pCtx}),
		annotations("Update records", false, true, true)), (*Tenant).toolUpdate)
	add(tool("delete_records", "Delete records",
		"Delete records for good (Odoo unlink). Prefer archiving ({\"active\": false} with update_records) when the model has an active field. The tenant may ask the user to confirm first. Example: {\"model\": \"res.partner\", \"ids\": [42]}.",
		schema([]string{"model", "ids"}, js{"model": pModel, "ids": pIDs, "context": pCtx}),
		annotations("Delete records", false, true, true)), (*Tenant).toolDelete)
	add(tool("post_message", "Post on a record's chatter",
		"Post a message or an internal note on a record's chatter (models with mail.thread, e.g. res.partner, sale.order, crm.lead). A comment notifies followers; a note stays internal. Example: {\"model\": \"crm.lead\", \"id\": 5, \"body\": \"Called, will send a quote on Monday.\", \"message_type\": \"note\"}.",
		schema([]string{"model", "id", "body"}, js{
			"model": pModel, "id": integer("Record id.", 1, 1<<53-1),
			"body":         str("Message text (plain text or simple HTML)."),
			"message_type": js{"type": "string", "enum": []string{"note", "comment"}, "description": "note (internal, default) or comment (sent to followers)."},
		}), annotations("Post on a record's chatter", false, false, false)), (*Tenant).toolPostMessage)
	add(tool("validate_before_execute", "Check a write before doing it",
		"Check a planned write without changing anything: that the model and method exist and are allowed, that the user has the access right, that the fields exist and are writable, and (for create) that required fields are given. Example: {\"model\": \"res.partner\", \"method\": \"create\", \"values\": {\"name\": \"Acme\"}}.",
		schema([]string{"model", "method"}, js{
			"model":  pModel,
			"method": str("create, write, unlink, or another method name, e.g. \"action_confirm\"."),
			"values": pValues,
			"ids":    js{"type": "array", "items": js{"type": "integer", "minimum": 1}, "description": "Records the write would touch, e.g. [7]."},
		}), annotations("Check a write before doing it", true, false, true)), (*Tenant).toolValidate)
	return out
}

// argNames lists the argument names a tool's schema declares.
func argNames(tl mcp.Tool) []string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(tl.RawInputSchema, &s); err != nil {
		panic(err) // static schemas; caught by the golden test
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
