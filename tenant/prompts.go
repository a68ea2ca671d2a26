package tenant

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// promptDef is one guided plan: a prompt whose text tells the model which
// tools to call in which order.
type promptDef struct {
	name, title, desc string
	args              []promptArg
	write             bool // the plan changes data
	text              func(a map[string]string) string
}

type promptArg struct {
	name, desc string
	required   bool
	pattern    *regexp.Regexp // when set, the value must match
}

var (
	datePattern  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	modelPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
)

var prompts = []promptDef{
	{
		name: "search-customers", title: "Search customers",
		desc: "Find customers (companies and people) by name, email, city or country, and show their contact details.",
		args: []promptArg{{name: "query", desc: "What to look for: a name, an email, a city or a country, e.g. \"Brussels\".", required: true}},
		text: func(a map[string]string) string {
			return fmt.Sprintf(`Find customers in Odoo matching %q.
1. Call search_records on res.partner with a domain that ORs the likely fields, e.g. ["|", "|", "|", ["name", "ilike", %q], ["email", "ilike", %q], ["city", "ilike", %q], ["country_id.name", "ilike", %q]], fields ["name", "email", "phone", "city", "country_id", "is_company", "parent_id"], limit 20.
2. If nothing matches, try name_search on res.partner with the same text.
3. Present the matches as a short table (name, company, email, phone, city). Say how many there are in total (total in the answer) and offer the next page when next_offset is set.`, a["query"], a["query"], a["query"], a["query"], a["query"])
		},
	},
	{
		name: "create-sales-order", title: "Create a sales order", write: true,
		desc: "Create a quotation for a customer with products and quantities, check it, and confirm it only when asked.",
		args: []promptArg{
			{name: "customer", desc: "Customer name, e.g. \"Azure Interior\".", required: true},
			{name: "products", desc: "Products and quantities, e.g. \"3 x Office Chair, 1 x Desk\".", required: true},
		},
		text: func(a map[string]string) string {
			return fmt.Sprintf(`Create a sales quotation in Odoo for customer %q with: %s.
1. Find the customer id with name_search on res.partner (text %q). If several match, ask which one.
2. For each product, find its id with name_search on product.product. If a product is ambiguous or missing, ask before going on.
3. Check the plan with validate_before_execute (model sale.order, method create, values {"partner_id": <id>}).
4. Create it with create_record on sale.order: values {"partner_id": <id>, "order_line": [[0, 0, {"product_id": <id>, "product_uom_qty": <qty>}], ...]}.
5. Read it back with read_records (fields name, amount_untaxed, amount_tax, amount_total, state) and show the totals.
6. Only if the user says to confirm it: execute_method sale.order action_confirm with args [[<order id>]].`, a["customer"], a["products"], a["customer"])
		},
	},
	{
		name: "odoo-exploration", title: "Explore this Odoo",
		desc: "Get to know this Odoo database: version, apps, the main models and how much data they hold.",
		args: []promptArg{{name: "model", desc: "Optional model to look at closely, e.g. \"sale.order\".", pattern: modelPattern}},
		text: func(a map[string]string) string {
			focus := ""
			if a["model"] != "" {
				focus = fmt.Sprintf("\n5. Look closely at %s: get_model_fields, count_records, and search_records with limit 5 to show typical records.", a["model"])
			}
			return `Explore this Odoo database and summarise what it holds.
1. Call odoo_server_info: version, company, user and installed apps.
2. Read the odoo://workflows resource (or reason from the apps) to see which business flows exist.
3. Call list_models with filters for the installed apps (e.g. "sale", "account", "crm") to find the main models.
4. For the main models, count_records to show how much data there is.` + focus + `
Finish with a short overview: what this company does in Odoo, the main models, and questions the user could ask next.`
		},
	},
	{
		name: "overdue-invoices", title: "Overdue invoices",
		desc: "List customer invoices past their due date and still unpaid, grouped by customer with totals.",
		args: []promptArg{{name: "as_of", desc: "Date to judge overdue against, YYYY-MM-DD (default today).", pattern: datePattern}},
		text: func(a map[string]string) string {
			asOf := a["as_of"]
			if asOf == "" {
				asOf = "today's date"
			}
			return fmt.Sprintf(`List overdue customer invoices as of %s.
1. Domain: [["move_type", "=", "out_invoice"], ["state", "=", "posted"], ["payment_state", "in", ["not_paid", "partial"]], ["invoice_date_due", "<", "<as_of date>"]].
2. aggregate_records on account.move with that domain, groupby ["partner_id"], aggregates ["amount_residual:sum"], order "amount_residual desc", for totals per customer.
3. search_records on account.move with the same domain, fields ["name", "partner_id", "invoice_date_due", "amount_residual", "currency_id"], order "invoice_date_due asc", for the detail.
4. Present the total overdue, the customers owing most, and the oldest invoices. Do not change anything.`, asOf)
		},
	},
	{
		name: "sales-summary", title: "Sales summary for a period",
		desc: "Summarise confirmed sales between two dates: total, by salesperson, by customer and by month.",
		args: []promptArg{
			{name: "start_date", desc: "First day, YYYY-MM-DD.", required: true, pattern: datePattern},
			{name: "end_date", desc: "Last day, YYYY-MM-DD.", required: true, pattern: datePattern},
		},
		text: func(a map[string]string) string {
			return fmt.Sprintf(`Summarise sales from %s to %s.
1. Domain: [["state", "=", "sale"], ["date_order", ">=", "%s 00:00:00"], ["date_order", "<=", "%s 23:59:59"]].
2. count_records on sale.order with it, and aggregate_records with groupby ["date_order:month"], aggregates ["amount_total:sum"].
3. aggregate_records grouped by ["user_id"] and by ["partner_id"] (order "amount_total desc", limit 10).
4. Present the total, the trend by month, the top salespeople and customers. Amounts are in the company currency.`, a["start_date"], a["end_date"], a["start_date"], a["end_date"])
		},
	},
	{
		name: "lead-pipeline", title: "Lead pipeline",
		desc: "Review the CRM pipeline: opportunities by stage with expected revenue, and the ones that need attention.",
		args: []promptArg{{name: "salesperson", desc: "Optional salesperson name to focus on."}},
		text: func(a map[string]string) string {
			who := ""
			if a["salesperson"] != "" {
				who = fmt.Sprintf(" Only opportunities of salesperson %q: find the user id with name_search on res.users and add [\"user_id\", \"=\", <id>] to the domain.", a["salesperson"])
			}
			return `Review the CRM pipeline.` + who + `
1. Domain: [["type", "=", "opportunity"], ["active", "=", true]].
2. aggregate_records on crm.lead with groupby ["stage_id"], aggregates ["expected_revenue:sum"].
3. search_records on crm.lead, fields ["name", "partner_id", "stage_id", "expected_revenue", "probability", "date_deadline", "user_id"], order "expected_revenue desc", limit 20.
4. Point out opportunities whose date_deadline has passed, and the largest ones by stage. Do not change anything unless asked; to note a follow-up use post_message.`
		},
	},
}

// promptDefs are the MCP definitions of prompts, built once per process
// and shared by every tenant, as the tool definitions are.
var promptDefs = sync.OnceValue(func() []mcp.Prompt {
	out := make([]mcp.Prompt, len(prompts))
	for i, p := range prompts {
		opts := []mcp.PromptOption{mcp.WithPromptDescription(p.desc), mcp.WithPromptTitle(p.title)}
		for _, a := range p.args {
			ao := []mcp.ArgumentOption{mcp.ArgumentDescription(a.desc)}
			if a.required {
				ao = append(ao, mcp.RequiredArgument())
			}
			opts = append(opts, mcp.WithArgument(a.name, ao...))
		}
		out[i] = mcp.NewPrompt(p.name, opts...)
	}
	return out
})

func (t *Tenant) addPrompts() {
	defs := promptDefs()
	for i, p := range prompts {
		p := p
		t.srv.AddPrompt(defs[i], func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			args := map[string]string{}
			for _, a := range p.args {
				v := strings.TrimSpace(req.Params.Arguments[a.name])
				if v == "" && a.required {
					return nil, fmt.Errorf("prompt %s: argument %q is required (%s)", p.name, a.name, a.desc)
				}
				if v != "" && a.pattern != nil && !a.pattern.MatchString(v) {
					return nil, fmt.Errorf("prompt %s: argument %q: %s, got %q", p.name, a.name, a.desc, v)
				}
				if len(v) > 500 {
					return nil, fmt.Errorf("prompt %s: argument %q is longer than 500 characters", p.name, a.name)
				}
				args[a.name] = v
			}
			text := p.text(args)
			if p.write && t.st.Load().pol.readOnly {
				text += "\nNote: this Odoo connection is read-only. Prepare and check the plan, but do not try to create or change records; tell the user what would be done."
			}
			return mcp.NewGetPromptResult(p.desc, []mcp.PromptMessage{
				mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text)),
			}), nil
		})
	}
}
