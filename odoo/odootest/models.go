package odootest

import (
	"fmt"
	"math"
	"strings"
	"sync"
)

var modelMethodsOnce sync.Once
var modelMethods map[string]map[string]*methodSpec

// modelMethodTable returns the public methods specific to one model.
func modelMethodTable() map[string]map[string]*methodSpec {
	modelMethodsOnce.Do(func() { modelMethods = buildModelMethods() })
	return modelMethods
}

func buildModelMethods() map[string]map[string]*methodSpec {
	return map[string]map[string]*methodSpec{
		"res.users": {
			"context_get": {model: true, fn: func(c *call) (any, *pyErr) {
				if _, _, err := c.bind("context_get"); err != nil {
					return nil, err
				}
				u := c.m.recs[c.e.uid]
				lang, tz := "en_US", "Europe/Brussels"
				if u != nil {
					if s, _ := u.v["lang"].(string); s != "" {
						lang = s
					}
					if s, _ := u.v["tz"].(string); s != "" {
						tz = s
					}
				}
				return dict{{"lang", lang}, {"tz", tz}, {"uid", c.e.uid}}, nil
			}},
		},
		"sale.order": {
			"action_confirm":        {access: "write", fn: stateAction("state", []string{"draft", "sent"}, "sale", "It is not allowed to confirm an order in the following states: %s")},
			"action_cancel":         {access: "write", fn: stateAction("state", []string{"draft", "sent", "sale"}, "cancel", "")},
			"action_draft":          {access: "write", fn: stateAction("state", []string{"cancel", "sent"}, "draft", "")},
			"action_quotation_sent": {access: "write", fn: stateAction("state", []string{"draft"}, "sent", "")},
		},
		"purchase.order": {
			"button_confirm": {access: "write", fn: stateAction("state", []string{"draft", "sent"}, "purchase", "")},
			"button_cancel":  {access: "write", fn: stateAction("state", []string{"draft", "sent", "purchase"}, "cancel", "")},
			"button_draft":   {access: "write", fn: stateAction("state", []string{"cancel"}, "draft", "")},
		},
		"account.move": {
			"action_post":   {access: "write", fn: stateAction("state", []string{"draft"}, "posted", "Only draft journal entries can be posted.")},
			"button_draft":  {access: "write", fn: stateAction("state", []string{"posted", "cancel"}, "draft", "")},
			"button_cancel": {access: "write", fn: stateAction("state", []string{"draft"}, "cancel", "Only draft journal entries can be cancelled.")},
		},
		"crm.lead": {
			"action_set_won":  {access: "write", fn: leadWon(true)},
			"action_set_lost": {access: "write", varkw: true, fn: leadWon(false)},
		},
		"hr.leave": {
			"action_approve": {access: "write", params: []param{optP("check_state", true)}, fn: stateAction("state", []string{"confirm", "validate1"}, "validate", "Time off request must be confirmed (\"To Approve\") in order to approve it.")},
			"action_refuse":  {access: "write", fn: stateAction("state", []string{"confirm", "validate1", "validate"}, "refuse", "")},
		},
	}
}

// stateAction moves records from one of from to to, as the workflow buttons do.
func stateAction(fname string, from []string, to string, errFmt string) methodFunc {
	return func(c *call) (any, *pyErr) {
		if _, _, err := c.bind(c.method); err != nil {
			return nil, err
		}
		for _, id := range c.ids {
			r := c.m.recs[id]
			if r == nil {
				return nil, errMissingRecs(c.m, []int64{id}, c.e.uid)
			}
			cur, _ := r.v[fname].(string)
			ok := false
			for _, f := range from {
				ok = ok || f == cur
			}
			if !ok && cur != to {
				if errFmt == "" {
					continue
				}
				msg := errFmt
				if strings.Contains(errFmt, "%s") {
					msg = fmt.Sprintf(errFmt, selectionLabel(c.m.byName[fname], cur))
				}
				return nil, errUser(msg)
			}
		}
		for _, id := range c.ids {
			vals := dict{{fname, to}}
			if c.m.name == "account.move" && to == "posted" {
				r := c.m.recs[id]
				if n, _ := r.v["name"].(string); n == "" || n == "/" {
					vals = append(vals, kv{"name", nextMoveName(c.e.db, r)})
				}
			}
			if err := c.e.write(c.m, []int64{id}, vals); err != nil {
				return nil, err
			}
		}
		return true, nil
	}
}

func leadWon(won bool) methodFunc {
	return func(c *call) (any, *pyErr) {
		if _, _, err := c.bind(c.method); err != nil {
			return nil, err
		}
		for _, id := range c.ids {
			vals := dict{{"probability", 100.0}}
			if won {
				if st := findByName(c.e.db.model("crm.stage"), "Won"); st != 0 {
					vals = append(vals, kv{"stage_id", st})
				}
			} else {
				vals = dict{{"probability", 0.0}, {"active", false}}
			}
			if err := c.e.write(c.m, []int64{id}, vals); err != nil {
				return nil, err
			}
		}
		return true, nil
	}
}

func findByName(m *model, name string) int64 {
	if m == nil {
		return 0
	}
	for _, id := range m.ids {
		if s, _ := m.recs[id].v["name"].(string); s == name {
			return id
		}
	}
	return 0
}

func selectionLabel(f *field, key string) string {
	if f == nil {
		return key
	}
	for _, p := range f.selection {
		if p[0] == key {
			return p[1]
		}
	}
	return key
}

func nextMoveName(db *database, r *record) string {
	mt, _ := r.v["move_type"].(string)
	prefix := "MISC"
	switch mt {
	case "out_invoice":
		prefix = "INV"
	case "out_refund":
		prefix = "RINV"
	case "in_invoice":
		prefix = "BILL"
	case "in_refund":
		prefix = "RBILL"
	}
	date, _ := r.v["date"].(string)
	year := "2026"
	if len(date) >= 4 {
		year = date[:4]
	}
	n := 0
	m := db.model("account.move")
	for _, id := range m.ids {
		if s, _ := m.recs[id].v["name"].(string); strings.HasPrefix(s, prefix+"/"+year+"/") {
			n++
		}
	}
	return fmt.Sprintf("%s/%s/%05d", prefix, year, n+1)
}

// Helpers used by computed fields.

func str(r *record, k string) string { s, _ := r.v[k].(string); return s }
func i64(r *record, k string) int64  { n, _ := r.v[k].(int64); return n }
func f64(r *record, k string) float64 {
	x, _ := r.v[k].(float64)
	return x
}

func countInverse(modelName, fname string) func(db *database, m *model, r *record) any {
	return func(db *database, _ *model, r *record) any {
		cm := db.model(modelName)
		if cm == nil {
			return int64(0)
		}
		return int64(len(cm.inv[fname][r.id]))
	}
}

func related(path ...string) func(db *database, m *model, r *record) any {
	return func(db *database, m *model, r *record) any {
		cur, cm := r, m
		for i, p := range path {
			f := cm.byName[p]
			if f == nil {
				return ""
			}
			v := db.rawValue(cm, cur, f)
			if i == len(path)-1 {
				return v
			}
			id, _ := v.(int64)
			nm := db.model(f.relation)
			if nm == nil || nm.recs[id] == nil {
				last := cm.byName[path[len(path)-1]]
				if last != nil {
					return zeroValue(last)
				}
				return ""
			}
			cur, cm = nm.recs[id], nm
		}
		return ""
	}
}

func computeMessageIDs(db *database, m *model, r *record) any {
	mm := db.model("mail.message")
	if mm == nil {
		return []int64{}
	}
	var out []int64
	for _, id := range mm.inv["res_id"][r.id] {
		if str(mm.recs[id], "model") == m.name {
			out = append(out, id)
		}
	}
	sortIDs(out)
	// Newest first, like the chatter's _order "id desc".
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if out == nil {
		out = []int64{}
	}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// partnerStored lists res.partner fields that are stored columns; the rest
// of partnerFieldTable is computed.
var partnerStored = map[string]bool{
	"message_bounce": true, "email_normalized": true, "image_1920": true, "image_1024": true, "image_512": true, "image_256": true, "image_128": true,
	"name": true, "complete_name": true, "title": true, "parent_id": true, "ref": true, "lang": true, "tz": true, "user_id": true, "vat": true,
	"company_registry": true, "website": true, "comment": true, "category_id": true, "active": true, "employee": true, "function": true,
	"type": true, "street": true, "street2": true, "zip": true, "city": true, "state_id": true, "country_id": true, "partner_latitude": true,
	"partner_longitude": true, "email": true, "phone": true, "mobile": true, "is_company": true, "industry_id": true, "company_id": true,
	"color": true, "partner_share": true, "commercial_partner_id": true, "commercial_company_name": true, "company_name": true, "barcode": true,
	"id": true, "create_uid": true, "create_date": true, "write_uid": true, "write_date": true, "signup_type": true, "meeting_ids": true,
	"calendar_last_notif_ack": true, "partner_gid": true, "additional_info": true, "phone_sanitized": true, "credit_limit": true,
	"debit_limit": true, "property_account_payable_id": true, "property_account_receivable_id": true, "property_account_position_id": true,
	"property_payment_term_id": true, "property_supplier_payment_term_id": true, "trust": true, "ignore_abnormal_invoice_date": true,
	"ignore_abnormal_invoice_amount": true, "invoice_warn": true, "invoice_warn_msg": true, "invoice_sending_method": true,
	"invoice_edi_format_store": true, "invoice_template_pdf_report_id": true, "supplier_rank": true, "customer_rank": true, "autopost_bills": true,
	"property_outbound_payment_method_line_id": true, "property_inbound_payment_method_line_id": true, "property_stock_customer": true,
	"property_stock_supplier": true, "picking_warn": true, "picking_warn_msg": true, "peppol_endpoint": true, "peppol_eas": true,
	"property_purchase_currency_id": true, "purchase_warn": true, "purchase_warn_msg": true, "receipt_reminder_email": true,
	"reminder_date_before_receipt": true, "buyer_id": true, "sale_warn": true, "sale_warn_msg": true, "specific_property_product_pricelist": true,
}

var partnerO2M = map[string][2]string{
	"child_ids":            {"res.partner", "parent_id"},
	"user_ids":             {"res.users", "partner_id"},
	"invoice_ids":          {"account.move", "partner_id"},
	"opportunity_ids":      {"crm.lead", "partner_id"},
	"employee_ids":         {"hr.employee", "work_contact_id"},
	"project_ids":          {"project.project", "partner_id"},
	"task_ids":             {"project.task", "partner_id"},
	"sale_order_ids":       {"sale.order", "partner_id"},
	"purchase_line_ids":    {"purchase.order.line", "partner_id"},
	"message_ids":          {"mail.message", "res_id"},
	"message_follower_ids": {"mail.followers", "res_id"},
	"activity_ids":         {"mail.activity", "res_id"},
	"bank_ids":             {"res.partner.bank", "partner_id"},
	"ref_company_ids":      {"res.company", "partner_id"},
	"rating_ids":           {"rating.rating", "res_id"},
	"website_message_ids":  {"mail.message", "res_id"},
	"payment_token_ids":    {"payment.token", "partner_id"},
	"contract_ids":         {"account.analytic.account", "partner_id"},
}

const warnSel = "no-message=No Message;warning=Warning;block=Blocking Message"
const langSel = "en_US=English (US);fr_FR=French / Français;de_DE=German / Deutsch;nl_BE=Dutch (BE) / Nederlands (BE);es_ES=Spanish / Español"
const tzSel = "Europe/Brussels=Europe/Brussels;Europe/Paris=Europe/Paris;Europe/Berlin=Europe/Berlin;Europe/London=Europe/London;America/New_York=America/New_York;America/Los_Angeles=America/Los_Angeles;Asia/Kolkata=Asia/Kolkata;UTC=UTC"

func partnerModel() *model {
	m := newModel("res.partner", "Contact")
	m.order = "complete_name ASC, id DESC"
	m.parentField = "parent_id"
	m.recursionMsg = "You cannot create recursive Partner hierarchies."
	m.thread = true
	m.private["_compute_display_name"] = true
	m.private["_compute_complete_name"] = true
	m.private["_fields_sync"] = true
	for _, line := range strings.Split(strings.TrimSpace(partnerFieldTable), "\n") {
		cols := strings.Split(line, "\t")
		name, typ, rel, label := cols[0], cols[1], cols[2], cols[3]
		f := &field{name: name, typ: typ, str: label, store: partnerStored[name]}
		if rel != "-" {
			f.relation = rel
		}
		if len(cols) > 4 && cols[4] == "req" {
			f.required = true
		}
		if typ == "one2many" {
			f.store = false
			if inv, ok := partnerO2M[name]; ok {
				f.relField = inv[1]
			}
		}
		if !f.store && typ != "one2many" {
			f.readonly = true
			f.compute = zeroCompute(f)
		}
		m.add(f)
	}
	sel := func(name, pairs string) {
		f := m.byName[name]
		for _, p := range strings.Split(pairs, ";") {
			k, v, _ := strings.Cut(p, "=")
			f.selection = append(f.selection, [2]string{k, v})
		}
	}
	sel("type", "contact=Contact;invoice=Invoice Address;delivery=Delivery Address;other=Other Address")
	sel("company_type", "person=Individual;company=Company")
	sel("lang", langSel)
	sel("tz", tzSel)
	sel("activity_state", "overdue=Overdue;today=Today;planned=Planned")
	sel("activity_exception_decoration", "warning=Alert;danger=Error")
	sel("trust", "good=Good Debtor;normal=Normal Debtor;bad=Bad Debtor")
	sel("invoice_warn", warnSel)
	sel("sale_warn", warnSel)
	sel("purchase_warn", warnSel)
	sel("picking_warn", warnSel)
	sel("autopost_bills", "always=Always;ask=Ask after 3 validations without edits;never=Never")
	sel("invoice_sending_method", "manual=Download;email=by Email")
	sel("invoice_edi_format", "ubl_bis3=BIS Billing 3.0;ubl_a_nz=BIS Billing 3.0 A-NZ;xrechnung=XRechnung CIUS")
	sel("peppol_eas", "0208=Belgium Company Registry;9925=Belgium VAT;0009=France SIRET;9957=France VAT;0088=EAN Location Code")
	m.byName["is_company"].help = "Check if the contact is a company, otherwise it is a person"
	m.byName["parent_id"].help = ""
	m.byName["ref"].help = ""
	m.byName["vat"].help = "The Tax Identification Number. Values here will be validated based on the country format. You can use '/' to indicate that the partner is not subject to tax."
	m.byName["category_id"].str = "Tags"
	m.byName["active"].def = func(*database, *model, int64) any { return true }
	m.byName["type"].def = func(*database, *model, int64) any { return "contact" }
	m.byName["autopost_bills"].def = func(*database, *model, int64) any { return "ask" }
	m.byName["lang"].def = func(*database, *model, int64) any { return "en_US" }
	for _, n := range []string{"invoice_warn", "sale_warn", "purchase_warn", "picking_warn"} {
		m.byName[n].def = func(*database, *model, int64) any { return "no-message" }
	}
	m.byName["company_id"].def = nil
	for _, n := range []string{"complete_name", "commercial_partner_id", "commercial_company_name", "email_normalized", "partner_share", "create_date", "write_date", "create_uid", "write_uid", "id"} {
		m.byName[n].readonly = true
	}
	for _, f := range m.fields {
		if strings.HasPrefix(f.name, "property_") {
			f.companyDependent = true
		}
	}
	m.byName["partner_latitude"].digits = []int64{16, 5}
	m.byName["partner_longitude"].digits = []int64{16, 5}
	m.byName["credit_limit"].aggregator = "-"
	m.byName["color"].aggregator = "-"
	m.byName["name"].translate = false
	// Meaningful computed fields.
	comp := func(name string, fn func(db *database, m *model, r *record) any) {
		f := m.byName[name]
		f.compute = fn
	}
	comp("company_type", func(_ *database, _ *model, r *record) any {
		if b, _ := r.v["is_company"].(bool); b {
			return "company"
		}
		return "person"
	})
	comp("parent_name", func(db *database, m *model, r *record) any {
		if p := m.recs[i64(r, "parent_id")]; p != nil {
			return str(p, "name")
		}
		return ""
	})
	comp("country_code", related("country_id", "code"))
	comp("email_formatted", func(_ *database, _ *model, r *record) any {
		if e := str(r, "email"); e != "" {
			return fmt.Sprintf("\"%s\" <%s>", str(r, "name"), e)
		}
		return ""
	})
	comp("contact_address", func(db *database, m *model, r *record) any {
		var parts []string
		for _, k := range []string{"street", "street2"} {
			if s := str(r, k); s != "" {
				parts = append(parts, s)
			}
		}
		city := strings.TrimSpace(str(r, "city") + " " + str(r, "zip"))
		if city != "" {
			parts = append(parts, city)
		}
		if c := db.model("res.country").recs[i64(r, "country_id")]; c != nil {
			parts = append(parts, str(c, "name"))
		}
		return strings.Join(parts, "\n")
	})
	comp("self", func(_ *database, _ *model, r *record) any { return r.id })
	comp("sale_order_count", countInverse("sale.order", "partner_id"))
	comp("opportunity_count", countInverse("crm.lead", "partner_id"))
	comp("task_count", countInverse("project.task", "partner_id"))
	comp("employees_count", countInverse("hr.employee", "work_contact_id"))
	comp("purchase_order_count", countInverse("purchase.order", "partner_id"))
	comp("supplier_invoice_count", func(db *database, _ *model, r *record) any {
		mv := db.model("account.move")
		n := int64(0)
		for _, id := range mv.inv["partner_id"][r.id] {
			if str(mv.recs[id], "move_type") == "in_invoice" {
				n++
			}
		}
		return n
	})
	comp("total_invoiced", sumPostedInvoices("amount_total"))
	comp("credit", sumPostedInvoices("amount_residual"))
	comp("currency_id", func(*database, *model, *record) any { return int64(1) })
	comp("has_message", func(db *database, m *model, r *record) any {
		ids, _ := computeMessageIDs(db, m, r).([]int64)
		return len(ids) > 0
	})
	comp("active_lang_count", func(*database, *model, *record) any { return int64(1) })
	comp("vat_label", func(*database, *model, *record) any { return "Tax ID" })
	comp("company_registry_label", func(*database, *model, *record) any { return "Company ID" })
	comp("is_coa_installed", func(*database, *model, *record) any { return true })
	comp("im_status", func(*database, *model, *record) any { return "offline" })
	comp("avatar_128", func(_ *database, _ *model, r *record) any { return str(r, "image_128") })
	comp("avatar_1920", func(_ *database, _ *model, r *record) any { return str(r, "image_1920") })
	comp("property_product_pricelist", func(*database, *model, *record) any { return int64(0) })
	m.displayName = func(_ *database, _ *model, r *record) string {
		if s := str(r, "complete_name"); s != "" {
			return s
		}
		return str(r, "name")
	}
	m.onChange = func(db *database, m *model, r *record) {
		parent := m.recs[i64(r, "parent_id")]
		name := str(r, "name")
		if parent != nil && !truthyV(r.v["is_company"]) {
			if name == "" {
				name = "" // Odoo shows "Company, " only with a type label; keep the company name
			}
			r.v["complete_name"] = str(parent, "complete_name") + ", " + name
		} else {
			r.v["complete_name"] = name
		}
		cp := r.id
		if !truthyV(r.v["is_company"]) && parent != nil {
			cp = i64(parent, "commercial_partner_id")
			if cp == 0 {
				cp = parent.id
			}
		}
		m.setM2O(r, "commercial_partner_id", cp)
		if c := m.recs[cp]; c != nil && cp != r.id {
			r.v["commercial_company_name"] = str(c, "name")
		} else if truthyV(r.v["is_company"]) {
			r.v["commercial_company_name"] = name
		}
		r.v["email_normalized"] = strings.ToLower(strings.TrimSpace(str(r, "email")))
		// Children follow their company's name.
		for _, cid := range m.inverse("parent_id", r.id) {
			if c := m.recs[cid]; c != nil && c.id != r.id {
				if !truthyV(c.v["is_company"]) {
					c.v["complete_name"] = str(r, "complete_name") + ", " + str(c, "name")
				}
			}
		}
	}
	return m.finish()
}

// sumPostedInvoices adds up amount over a partner's posted customer invoices.
func sumPostedInvoices(amount string) func(db *database, m *model, r *record) any {
	return func(db *database, _ *model, r *record) any {
		mv := db.model("account.move")
		t := 0.0
		for _, id := range mv.inv["partner_id"][r.id] {
			mr := mv.recs[id]
			if str(mr, "move_type") == "out_invoice" && str(mr, "state") == "posted" {
				t += f64(mr, amount)
			}
		}
		return round2(t)
	}
}

func truthyV(v any) bool { return truthy(v) }

// zeroCompute gives a computed field the simulator does not model its
// empty value, so reads stay well-typed.
func zeroCompute(f *field) func(*database, *model, *record) any {
	z := zeroValue(f)
	return func(*database, *model, *record) any { return z }
}

func moneyFields() []*field {
	return []*field{
		fM2O("currency_id", "Currency", "res.currency", defFn(func(*database, *model, int64) any { return int64(1) })),
		fM2O("company_id", "Company", "res.company", defFn(func(*database, *model, int64) any { return int64(1) })),
	}
}

// buildSchema registers every model of the simulated database.
func buildSchema(db *database) {
	add := func(m *model) { db.register(m) }

	cur := newModel("res.currency", "Currency")
	cur.order = "active desc, name"
	cur.add(fChar("name", "Currency", req, help("Currency Code (ISO 4217)")), fChar("full_name", "Name"), fChar("symbol", "Symbol", req),
		fFloat("rate", "Current Rate", nostore, computed(func(_ *database, _ *model, r *record) any { return f64(r, "rate_value") })),
		fFloat("rate_value", "Rate"), fInt("decimal_places", "Decimal Places"), fBool("active", "Active", deflt(true)),
		fSel("position", "Symbol Position", "after=After Amount;before=Before Amount", deflt("after")),
		fFloat("rounding", "Rounding Factor"))
	add(cur.finish())

	co := newModel("res.company", "Companies")
	co.order = "sequence, name"
	co.parentField = "parent_id"
	co.recursionMsg = "You cannot create recursive companies."
	co.add(fChar("name", "Company Name", req), fM2O("partner_id", "Partner", "res.partner", req), fM2O("currency_id", "Currency", "res.currency", req, deflt(int64(1))),
		fInt("sequence", "Sequence", deflt(int64(10))), fM2O("parent_id", "Parent Company", "res.company"), fO2M("child_ids", "Branches", "res.company", "parent_id"),
		fChar("email", "Email"), fChar("phone", "Phone"), fChar("website", "Website Link"), fChar("street", "Street"), fChar("city", "City"), fChar("zip", "Zip"),
		fM2O("country_id", "Country", "res.country"), fChar("vat", "Tax ID"), fChar("company_registry", "Company ID"), fBool("active", "Active", deflt(true)))
	co.beforeUnlink = func(db *database, m *model, r *record) *pyErr {
		if r.id == 1 {
			return errUser("You cannot delete the main company.")
		}
		return nil
	}
	add(co.finish())

	ctry := newModel("res.country", "Country")
	ctry.order = "name"
	ctry.add(fChar("name", "Country Name", req, translate), fChar("code", "Country Code", req, help("The ISO country code in two chars. \nYou can use this field for quick search.")),
		fInt("phone_code", "Country Calling Code"), fM2O("currency_id", "Currency", "res.currency"), fBool("active", "Active", deflt(true)))
	ctry.byName["code"].size = 2
	add(ctry.finish())

	cat := newModel("res.partner.category", "Partner Tags")
	cat.order = "name"
	cat.parentField = "parent_id"
	cat.recursionMsg = "You can not create recursive tags."
	cat.add(fChar("name", "Name", req, translate), fInt("color", "Color"), fM2O("parent_id", "Category", "res.partner.category"),
		fO2M("child_ids", "Child Tags", "res.partner.category", "parent_id"), fBool("active", "Active", deflt(true), help("The active field allows you to hide the category without removing it.")),
		fM2M("partner_ids", "Partners", "res.partner", nostore, computed(func(db *database, _ *model, r *record) any {
			pm := db.model("res.partner")
			var out []int64
			for _, id := range pm.ids {
				for _, c := range pm.recs[id].v["category_id"].([]int64) {
					if c == r.id {
						out = append(out, id)
					}
				}
			}
			if out == nil {
				out = []int64{}
			}
			return out
		})))
	cat.displayName = func(db *database, m *model, r *record) string {
		if p := m.recs[i64(r, "parent_id")]; p != nil {
			return db.displayName(m, p) + " / " + str(r, "name")
		}
		return str(r, "name")
	}
	add(cat.finish())

	add(partnerModel())

	users := newModel("res.users", "User")
	users.order = "name, login"
	users.add(fChar("name", "Name", nostore, computed(related("partner_id", "name"))),
		fChar("login", "Login", req, help("Used to log into the system")),
		fM2O("partner_id", "Related Partner", "res.partner", req, help("Partner-related data of the user")),
		fChar("email", "Email", nostore, computed(related("partner_id", "email"))),
		fBool("active", "Active", deflt(true)),
		fM2O("company_id", "Company", "res.company", req, deflt(int64(1)), help("The default company for this user.")),
		fM2M("company_ids", "Companies", "res.company", deflt([]int64{1})),
		fSel("lang", "Language", langSel, deflt("en_US")),
		fSel("tz", "Timezone", tzSel, help("When printing documents and exporting/importing data, time values are computed according to this timezone.")),
		fBool("share", "Share User", ro, help("External user with limited access, created only for the purpose of sharing data.")),
		fDatetime("login_date", "Latest Connection", ro),
		fHTML("signature", "Email Signature"),
		fO2M("employee_ids", "Related employee", "hr.employee", "user_id"),
		fM2O("employee_id", "Company employee", "hr.employee", nostore, computed(func(db *database, _ *model, r *record) any {
			ids := db.model("hr.employee").inverse("user_id", r.id)
			if len(ids) > 0 {
				return ids[0]
			}
			return int64(0)
		})),
		fSel("notification_type", "Notification", "email=Handle by Emails;inbox=Handle in Odoo", req, deflt("email")),
		// Write-only: the compute always gives '', the inverse hashes
		// into a column the ORM never reads back.
		fChar("password", "Password", computed(emptyPassword), inverse(setPassword(false)),
			help("Keep empty if you don't want the user to be able to connect on the system."), func(f *field) { f.emptyString = true }),
		fChar("new_password", "Set Password", computed(emptyPassword), inverse(setPassword(true)),
			help("Specify a value only when creating a user or if you're changing the user's password, otherwise leave empty. After a change of password, the user has to login again."),
			func(f *field) { f.emptyString = true }),
		fO2M("api_key_ids", "API Keys", "res.users.apikeys", "user_id"),
	)
	users.beforeCreate = func(e *env, m *model, vals dict) (dict, *pyErr) {
		if _, ok := vals.get("partner_id"); ok {
			return vals, nil
		}
		// _inherits: the partner row is inserted first, so a user create
		// that then fails still consumes a partner id.
		pv := dict{}
		if n, ok := vals.get("name"); ok {
			pv = append(pv, kv{"name", n})
		}
		if em, ok := vals.get("email"); ok {
			pv = append(pv, kv{"email", em})
		}
		pid, err := e.create(e.db.model("res.partner"), pv)
		if err != nil {
			return nil, err
		}
		out := append(dict{}, vals...)
		out.set("partner_id", pid)
		return out, nil
	}
	users.private["_check_credentials"] = true
	users.private["_compute_password"] = true
	users.beforeUnlink = func(db *database, m *model, r *record) *pyErr {
		switch r.id {
		case 1:
			return errUser("You can not remove the admin user as it is used internally for resources created by Odoo (updates, module installation, ...)")
		case 2:
			return errUser("You cannot delete the admin user because it is utilized in various places (such as security configurations,...). Instead, archive it.")
		}
		return nil
	}
	users.displayName = func(db *database, m *model, r *record) string {
		if p := db.model("res.partner").recs[i64(r, "partner_id")]; p != nil {
			return str(p, "name")
		}
		return str(r, "login")
	}
	add(users.finish())

	// _auto = False (the key hash lives in a column the ORM does not
	// map), so no create_uid/write_uid/write_date; the key itself is no
	// field at all.
	keys := newModel("res.users.apikeys", "Users API Keys")
	keys.noLogAccess = true
	keys.add(fChar("name", "Description", req, ro),
		fM2O("user_id", "User", "res.users", req, ro),
		fChar("scope", "Scope", ro),
		fDatetime("create_date", "Creation Date", ro),
		fDatetime("expiration_date", "Expiration Date", ro),
	)
	add(keys.finish())

	pcat := newModel("product.category", "Product Category")
	pcat.order = "complete_name"
	pcat.recName = "complete_name"
	pcat.parentField = "parent_id"
	pcat.recursionMsg = "You cannot create recursive categories."
	pcat.add(fChar("name", "Name", req), fChar("complete_name", "Complete Name", ro), fM2O("parent_id", "Parent Category", "product.category"),
		fO2M("child_id", "Child Categories", "product.category", "parent_id"),
		fInt("product_count", "# Products", nostore, computed(countInverse("product.product", "categ_id")), help("The number of products under this category (Does not consider the children categories)")))
	pcat.onChange = func(db *database, m *model, r *record) {
		if p := m.recs[i64(r, "parent_id")]; p != nil {
			r.v["complete_name"] = str(p, "complete_name") + " / " + str(r, "name")
		} else {
			r.v["complete_name"] = str(r, "name")
		}
	}
	add(pcat.finish())

	prod := newModel("product.product", "Product Variant")
	prod.order = "default_code, name, id"
	prod.thread = true
	prod.add(threadFields()...)
	prod.add(fChar("name", "Name", req, translate), fChar("default_code", "Internal Reference"), fChar("barcode", "Barcode", help("International Article Number used for product identification.")),
		fSel("type", "Product Type", "consu=Goods;service=Service;combo=Combo", req, deflt("consu"), help("Goods are tangible materials and merchandise you provide.\nA service is a non-material product you provide.")),
		fM2O("categ_id", "Product Category", "product.category", req, deflt(int64(1))),
		fFloat("list_price", "Sales Price", deflt(1.0), help("Price at which the product is sold to customers.")),
		fFloat("lst_price", "Sales Price", nostore, computed(func(_ *database, _ *model, r *record) any { return f64(r, "list_price") })),
		fFloat("standard_price", "Cost", help("Value of the product (automatically computed in AVCO).\n        Used to value the product when the purchase cost is not known (e.g. inventory adjustment).\n        Used to compute margins on sale orders.")),
		fBool("sale_ok", "Can be Sold", deflt(true)), fBool("purchase_ok", "Can be Purchased", deflt(true)), fBool("active", "Active", deflt(true)),
		fText("description_sale", "Sales Description", translate), fText("description", "Description", translate),
		fFloat("qty_available", "Quantity On Hand", aggregator("sum")), fFloat("weight", "Weight"),
		fM2O("product_tmpl_id", "Product Template", "product.template", nostore, computed(func(_ *database, _ *model, r *record) any { return r.id })),
		fBinary("image_128", "Image 128", nostore, computed(func(*database, *model, *record) any { return "" })),
	)
	prod.add(moneyFields()...)
	prod.byName["company_id"].def = nil
	prod.byName["list_price"].digits = []int64{16, 2}
	prod.byName["standard_price"].digits = []int64{16, 2}
	prod.byName["list_price"].aggregator = "-"
	prod.byName["standard_price"].aggregator = "-"
	prod.displayName = func(_ *database, _ *model, r *record) string {
		if c := str(r, "default_code"); c != "" {
			return "[" + c + "] " + str(r, "name")
		}
		return str(r, "name")
	}
	add(prod.finish())

	add(saleOrderModel())
	add(saleLineModel())
	add(purchaseModel())
	add(purchaseLineModel())
	add(moveModel())
	add(moveLineModel())

	stage := newModel("crm.stage", "CRM Stages")
	stage.order = "sequence, name, id"
	stage.add(fChar("name", "Stage Name", req, translate), fInt("sequence", "Sequence", deflt(int64(1))), fBool("is_won", "Is Won Stage?"),
		fBool("fold", "Folded in Pipeline", help("This stage is folded in the kanban view when there are no records in that stage to display.")),
		fText("requirements", "Requirements", help("Enter here the internal requirements for this stage (ex: Offer sent to customer). It will appear as a tooltip over the stage's name.")))
	add(stage.finish())
	add(leadModel())

	ptt := newModel("project.task.type", "Task Stage")
	ptt.order = "sequence, id"
	ptt.add(fChar("name", "Name", req, translate), fInt("sequence", "Sequence", deflt(int64(1))), fBool("fold", "Folded in Kanban"),
		fM2M("project_ids", "Projects", "project.project"), fBool("active", "Active", deflt(true)))
	add(ptt.finish())
	add(projectModel())
	add(taskModel())

	dep := newModel("hr.department", "Department")
	dep.order = "name"
	dep.recName = "complete_name"
	dep.parentField = "parent_id"
	dep.recursionMsg = "You cannot create recursive departments."
	dep.thread = true
	dep.add(threadFields()...)
	dep.add(fChar("name", "Department Name", req, translate), fChar("complete_name", "Complete Name", ro),
		fBool("active", "Active", deflt(true)), fM2O("company_id", "Company", "res.company", deflt(int64(1))),
		fM2O("parent_id", "Parent Department", "hr.department"), fO2M("child_ids", "Child Departments", "hr.department", "parent_id"),
		fM2O("manager_id", "Manager", "hr.employee"), fO2M("member_ids", "Members", "hr.employee", "department_id"),
		fInt("total_employee", "Total Employee", nostore, computed(countInverse("hr.employee", "department_id"))),
		fText("note", "Note"), fInt("color", "Color Index"))
	dep.onChange = pcat.onChange
	add(dep.finish())
	add(employeeModel())

	lt := newModel("hr.leave.type", "Time Off Type")
	lt.order = "sequence"
	lt.add(fChar("name", "Time Off Type", req, translate), fInt("sequence", "Sequence", deflt(int64(100))),
		fSel("requires_allocation", "Requires allocation", "yes=Yes;no=No Limit", req, deflt("yes")),
		fSel("leave_validation_type", "Time Off Validation", "no_validation=No Validation;hr=By Time Off Officer;manager=By Employee's Approver;both=By Employee's Approver and Time Off Officer", deflt("hr")),
		fSel("request_unit", "Take Time Off in", "day=Day;half_day=Half Day;hour=Hours", req, deflt("day")),
		fInt("color", "Color"), fBool("active", "Active", deflt(true)), fM2O("company_id", "Company", "res.company"))
	add(lt.finish())
	add(leaveModel())

	sub := newModel("mail.message.subtype", "Message subtypes")
	sub.order = "sequence, id"
	sub.add(fChar("name", "Message Type", req, translate), fInt("sequence", "Sequence", deflt(int64(1))), fBool("internal", "Internal Only"), fBool("default", "Default", deflt(true)))
	add(sub.finish())

	msg := newModel("mail.message", "Message")
	msg.order = "id desc"
	msg.recName = "record_name"
	msg.add(fChar("subject", "Subject"), fDatetime("date", "Date", defFn(func(db *database, _ *model, _ int64) any { return db.stamp() })),
		fHTML("body", "Contents", deflt("")), fChar("model", "Related Document Model"), fInt("res_id", "Related Document ID"),
		fChar("record_name", "Message Record Name"),
		fSel("message_type", "Type", "email=Incoming Email;comment=Comment;email_outgoing=Outgoing Email;notification=System notification;auto_comment=Automated Targeted Notification;user_notification=User Specific Notification", req, deflt("comment")),
		fM2O("subtype_id", "Subtype", "mail.message.subtype"), fM2O("author_id", "Author", "res.partner", help("Author of the message. If not set, email_from may hold an email address that did not match any partner.")),
		fChar("email_from", "From"), fM2M("partner_ids", "Recipients", "res.partner"), fM2O("parent_id", "Parent Message", "mail.message"),
		fBool("starred", "Starred", nostore), fBool("is_internal", "Employee Only"))
	msg.byName["res_id"].aggregator = "-"
	msg.displayName = func(_ *database, _ *model, r *record) string {
		if s := str(r, "subject"); s != "" {
			return s
		}
		if s := str(r, "record_name"); s != "" {
			return s
		}
		return fmt.Sprintf("mail.message,%d", r.id)
	}
	msg.byName["res_id"].index = true
	add(msg.finish())

	mod := newModel("ir.module.module", "Module")
	mod.order = "application desc, sequence, name"
	mod.recName = "shortdesc"
	mod.add(fChar("name", "Technical Name", req, ro), fChar("shortdesc", "Module Name", ro, translate), fChar("summary", "Summary", ro, translate),
		fSel("state", "Status", "uninstallable=Uninstallable;uninstalled=Not Installed;installed=Installed;to upgrade=To be upgraded;to remove=To be removed;to install=To be installed", ro, deflt("uninstalled")),
		fBool("application", "Application", ro), fInt("sequence", "Sequence", deflt(int64(100))), fChar("latest_version", "Installed Version", ro),
		fChar("author", "Author", ro), fChar("license", "License", ro))
	add(mod.finish())

	irm := newModel("ir.model", "Models")
	irm.order = "model"
	irm.add(fChar("name", "Model Description", req, translate), fChar("model", "Model", req), fText("info", "Information"),
		fO2M("field_id", "Fields", "ir.model.fields", "model_id", req), fSel("state", "Type", "manual=Custom Object;base=Base Object", deflt("manual")),
		fBool("transient", "Transient Model"), fChar("modules", "In Apps"),
		fInt("count", "Count (Incl. Archived)", nostore, help("Total number of records in this model")))
	irm.byName["field_id"].required = false
	irm.byName["count"].compute = func(db *database, _ *model, r *record) any {
		if m := db.model(str(r, "model")); m != nil {
			return int64(len(m.ids))
		}
		return int64(0)
	}
	add(irm.finish())

	irf := newModel("ir.model.fields", "Fields")
	irf.order = "id"
	irf.add(fChar("name", "Field Name", req), fChar("complete_name", "Complete Name", ro), fChar("model", "Model Name", req, help("The technical name of the model this field belongs to")),
		fChar("relation", "Related Model", help("For relationship fields, the technical name of the target model")),
		fChar("relation_field", "Relation Field", help("For one2many fields, the field on the target model that implement the opposite many2one relationship")),
		fM2O("model_id", "Model", "ir.model", req), fChar("field_description", "Field Label", req, translate), fText("help", "Field Help", translate),
		fSel("ttype", "Field Type", "binary=binary;boolean=boolean;char=char;date=date;datetime=datetime;float=float;html=html;integer=integer;json=json;many2many=many2many;many2one=many2one;monetary=monetary;one2many=one2many;selection=selection;text=text", req),
		fBool("required", "Required"), fBool("readonly", "Readonly"), fBool("store", "Stored", deflt(true)),
		fSel("state", "Type", "manual=Custom Field;base=Base Field", req, deflt("manual")))
	add(irf.finish())
}

func saleOrderModel() *model {
	m := newModel("sale.order", "Sales Order")
	m.order = "date_order desc, id desc"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Order Reference", req, deflt("New")),
		fM2O("partner_id", "Customer", "res.partner", req, help("You can find a customer by its Name, TIN, Email or Internal Reference.")),
		fM2O("partner_invoice_id", "Invoice Address", "res.partner"),
		fM2O("partner_shipping_id", "Delivery Address", "res.partner"),
		fDatetime("date_order", "Order Date", req, defFn(func(db *database, _ *model, _ int64) any { return db.stamp() }), help("Creation date of draft/sent orders,\nConfirmation date of confirmed orders.")),
		fDate("validity_date", "Expiration", help("Validity of the order, after that you will not able to sign & pay the quotation.")),
		fSel("state", "Status", "draft=Quotation;sent=Quotation Sent;sale=Sales Order;cancel=Cancelled", ro, deflt("draft")),
		fM2O("user_id", "Salesperson", "res.users", defFn(func(_ *database, _ *model, uid int64) any { return uid })),
		fO2M("order_line", "Order Lines", "sale.order.line", "order_id"),
		fMoney("amount_untaxed", "Untaxed Amount", ro),
		fMoney("amount_tax", "Taxes", ro),
		fMoney("amount_total", "Total", ro),
		fSel("invoice_status", "Invoice Status", "upselling=Upselling Opportunity;invoiced=Fully Invoiced;to invoice=To Invoice;no=Nothing to Invoice", ro),
		fHTML("note", "Terms and conditions"),
		fChar("client_order_ref", "Customer Reference"),
		fChar("origin", "Source Document", help("Reference of the document that generated this sales order request")),
		fDatetime("commitment_date", "Delivery Date", help("This is the delivery date promised to the customer. If set, the delivery order will be scheduled based on this date rather than product lead times.")),
		fInt("invoice_count", "Invoice Count", nostore),
	)
	m.add(moneyFields()...)
	m.byName["state"].readonly = false
	m.onChange = func(db *database, m *model, r *record) {
		if str(r, "name") == "New" || str(r, "name") == "/" {
			r.v["name"] = fmt.Sprintf("S%05d", r.id)
		}
		sumLines(db, r, "sale.order.line", "order_id")
		switch str(r, "state") {
		case "sale":
			if str(r, "invoice_status") == "" || str(r, "invoice_status") == "no" {
				r.v["invoice_status"] = "to invoice"
			}
		default:
			r.v["invoice_status"] = "no"
		}
	}
	m.byName["invoice_count"].compute = func(db *database, _ *model, r *record) any {
		mv := db.model("account.move")
		n := int64(0)
		for _, id := range mv.ids {
			if str(mv.recs[id], "invoice_origin") == str(r, "name") {
				n++
			}
		}
		return n
	}
	m.check = func(db *database, m *model, r *record) *pyErr {
		return nil
	}
	return m.finish()
}

// sumLines sets a document's untaxed, tax and total amounts from its lines
// and returns the total.
func sumLines(db *database, r *record, lineModel, docField string) float64 {
	lm := db.model(lineModel)
	var untaxed, tax float64
	for _, id := range lm.inv[docField][r.id] {
		l := lm.recs[id]
		untaxed += f64(l, "price_subtotal")
		tax += f64(l, "price_tax")
	}
	total := round2(untaxed + tax)
	r.v["amount_untaxed"] = round2(untaxed)
	r.v["amount_tax"] = round2(tax)
	r.v["amount_total"] = total
	return total
}

// linePrice gives a line without a unit price its product's priceField.
func linePrice(db *database, r *record, priceField string) {
	if _, ok := r.v["price_unit"]; ok {
		return
	}
	if p := db.model("product.product").recs[i64(r, "product_id")]; p != nil {
		r.v["price_unit"] = f64(p, priceField)
	}
}

// lineTotals computes subtotal, tax and total for a document line (15% tax when taxed).
func lineTotals(r *record, qtyField string) {
	qty := f64(r, qtyField)
	price := f64(r, "price_unit")
	disc := f64(r, "discount")
	sub := round2(qty * price * (1 - disc/100))
	r.v["price_subtotal"] = sub
	tax := 0.0
	if b, _ := r.v["taxed"].(bool); b {
		tax = round2(sub * 0.15)
	}
	r.v["price_tax"] = tax
	r.v["price_total"] = round2(sub + tax)
}

func lineDefaults(db *database, r *record, productField string) {
	p := db.model("product.product").recs[i64(r, productField)]
	if p == nil {
		return
	}
	if str(r, "name") == "" {
		r.v["name"] = db.displayName(db.model("product.product"), p)
	}
}

func saleLineModel() *model {
	m := newModel("sale.order.line", "Sales Order Line")
	m.order = "order_id, sequence, id"
	m.add(
		fM2O("order_id", "Order Reference", "sale.order", req),
		fInt("sequence", "Sequence", deflt(int64(10))),
		fM2O("product_id", "Product", "product.product"),
		fText("name", "Description", req, defFn(func(*database, *model, int64) any { return "" })),
		fFloat("product_uom_qty", "Quantity", deflt(1.0)),
		fFloat("price_unit", "Unit Price"),
		fFloat("discount", "Discount (%)"),
		fBool("taxed", "Taxes (15%)", deflt(true)),
		fMoney("price_subtotal", "Subtotal", ro),
		fMoney("price_tax", "Total Tax", ro),
		fMoney("price_total", "Total", ro),
		fFloat("qty_delivered", "Delivery Quantity"),
		fFloat("qty_invoiced", "Invoiced Quantity", ro),
		fSel("state", "Order Status", "draft=Quotation;sent=Quotation Sent;sale=Sales Order;cancel=Cancelled", nostore, computed(related("order_id", "state"))),
		fM2O("order_partner_id", "Customer", "res.partner", nostore, computed(related("order_id", "partner_id"))),
		fM2O("salesman_id", "Salesperson", "res.users", nostore, computed(related("order_id", "user_id"))),
	)
	m.add(moneyFields()...)
	m.byName["name"].required = false
	m.byName["price_unit"].digits = []int64{16, 2}
	m.byName["price_unit"].aggregator = "avg"
	m.byName["discount"].aggregator = "avg"
	m.onChange = func(db *database, m *model, r *record) {
		lineDefaults(db, r, "product_id")
		linePrice(db, r, "list_price")
		lineTotals(r, "product_uom_qty")
	}
	m.displayName = func(db *database, _ *model, r *record) string {
		o := db.model("sale.order").recs[i64(r, "order_id")]
		name := str(r, "name")
		if i := strings.IndexByte(name, '\n'); i >= 0 {
			name = name[:i]
		}
		if o != nil {
			return str(o, "name") + " - " + name
		}
		return name
	}
	return m.finish()
}

func purchaseModel() *model {
	m := newModel("purchase.order", "Purchase Order")
	m.order = "priority desc, id desc"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Order Reference", req, deflt("New")),
		fSel("priority", "Priority", "0=Normal;1=Urgent", deflt("0")),
		fChar("origin", "Source Document"),
		fChar("partner_ref", "Vendor Reference", help("Reference of the sales order or bid sent by the vendor. It's used to do the matching when you receive the products as this reference is usually written on the delivery order sent by your vendor.")),
		fDatetime("date_order", "Order Deadline", req, defFn(func(db *database, _ *model, _ int64) any { return db.stamp() })),
		fDatetime("date_approve", "Confirmation Date", ro),
		fM2O("partner_id", "Vendor", "res.partner", req),
		fSel("state", "Status", "draft=RFQ;sent=RFQ Sent;to approve=To Approve;purchase=Purchase Order;done=Locked;cancel=Cancelled", ro, deflt("draft")),
		fO2M("order_line", "Order Lines", "purchase.order.line", "order_id"),
		fMoney("amount_untaxed", "Untaxed Amount", ro),
		fMoney("amount_tax", "Taxes", ro),
		fMoney("amount_total", "Total", ro),
		fDatetime("date_planned", "Expected Arrival"),
		fM2O("user_id", "Buyer", "res.users", defFn(func(_ *database, _ *model, uid int64) any { return uid })),
		fSel("invoice_status", "Billing Status", "no=Nothing to Bill;to invoice=Waiting Bills;invoiced=Fully Billed", ro, deflt("no")),
		fHTML("notes", "Terms and Conditions"),
	)
	m.add(moneyFields()...)
	m.byName["state"].readonly = false
	m.onChange = func(db *database, m *model, r *record) {
		if str(r, "name") == "New" || str(r, "name") == "/" {
			r.v["name"] = fmt.Sprintf("P%05d", r.id)
		}
		sumLines(db, r, "purchase.order.line", "order_id")
		if str(r, "state") == "purchase" && str(r, "date_approve") == "" {
			r.v["date_approve"] = db.stamp()
		}
	}
	return m.finish()
}

func purchaseLineModel() *model {
	m := newModel("purchase.order.line", "Purchase Order Line")
	m.order = "order_id, sequence, id"
	m.add(
		fM2O("order_id", "Order Reference", "purchase.order", req),
		fInt("sequence", "Sequence", deflt(int64(10))),
		fM2O("product_id", "Product", "product.product"),
		fText("name", "Description"),
		fFloat("product_qty", "Quantity", deflt(1.0)),
		fFloat("price_unit", "Unit Price"),
		fFloat("discount", "Discount (%)"),
		fBool("taxed", "Taxes (15%)", deflt(true)),
		fMoney("price_subtotal", "Subtotal", ro),
		fMoney("price_tax", "Tax", ro),
		fMoney("price_total", "Total", ro),
		fFloat("qty_received", "Received Qty"),
		fFloat("qty_invoiced", "Billed Qty", ro),
		fDatetime("date_planned", "Expected Arrival"),
		fM2O("partner_id", "Partner", "res.partner", ro),
		fSel("state", "Status", "draft=RFQ;sent=RFQ Sent;to approve=To Approve;purchase=Purchase Order;done=Locked;cancel=Cancelled", nostore, computed(related("order_id", "state"))),
	)
	m.add(moneyFields()...)
	m.byName["price_unit"].aggregator = "avg"
	m.onChange = func(db *database, m *model, r *record) {
		lineDefaults(db, r, "product_id")
		linePrice(db, r, "standard_price")
		if o := db.model("purchase.order").recs[i64(r, "order_id")]; o != nil {
			m.setM2O(r, "partner_id", i64(o, "partner_id"))
		}
		lineTotals(r, "product_qty")
	}
	return m.finish()
}

func moveModel() *model {
	m := newModel("account.move", "Journal Entry")
	m.order = "date desc, name desc, invoice_date desc, id desc"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Number", deflt("/")),
		fChar("ref", "Reference"),
		fDate("date", "Date", req, defFn(func(db *database, _ *model, _ int64) any { return db.stamp()[:10] })),
		fSel("state", "Status", "draft=Draft;posted=Posted;cancel=Cancelled", req, ro, deflt("draft")),
		fSel("move_type", "Type", "entry=Journal Entry;out_invoice=Customer Invoice;out_refund=Customer Credit Note;in_invoice=Vendor Bill;in_refund=Vendor Credit Note;out_receipt=Sales Receipt;in_receipt=Purchase Receipt", req, ro, deflt("entry")),
		fM2O("partner_id", "Partner", "res.partner"),
		fM2O("commercial_partner_id", "Commercial Entity", "res.partner", nostore, computed(related("partner_id", "commercial_partner_id"))),
		fDate("invoice_date", "Invoice/Bill Date"),
		fDate("invoice_date_due", "Due Date"),
		fChar("invoice_origin", "Origin", help("The document(s) that generated the invoice.")),
		fM2O("invoice_user_id", "Salesperson", "res.users", defFn(func(_ *database, _ *model, uid int64) any { return uid })),
		fO2M("invoice_line_ids", "Invoice lines", "account.move.line", "move_id"),
		fO2M("line_ids", "Journal Items", "account.move.line", "move_id"),
		fMoney("amount_untaxed", "Untaxed Amount", ro),
		fMoney("amount_tax", "Tax", ro),
		fMoney("amount_total", "Total", ro),
		fMoney("amount_residual", "Amount Due", ro),
		fSel("payment_state", "Payment Status", "not_paid=Not Paid;in_payment=In Payment;paid=Paid;partial=Partially Paid;reversed=Reversed;blocked=Blocked;invoicing_legacy=Invoicing App Legacy", ro, deflt("not_paid")),
		fHTML("narration", "Terms and Conditions"),
		fChar("payment_reference", "Payment Reference", help("The payment reference to set on journal items.")),
	)
	m.add(moneyFields()...)
	m.byName["state"].readonly = false
	m.byName["payment_state"].readonly = false
	m.byName["move_type"].readonly = false
	m.onChange = func(db *database, m *model, r *record) {
		total := sumLines(db, r, "account.move.line", "move_id")
		switch str(r, "payment_state") {
		case "paid", "in_payment", "reversed":
			r.v["amount_residual"] = 0.0
		case "partial":
			if _, ok := r.v["amount_residual"]; !ok || f64(r, "amount_residual") >= total {
				r.v["amount_residual"] = round2(total / 2)
			}
		default:
			r.v["amount_residual"] = total
		}
	}
	m.beforeUnlink = func(db *database, m *model, r *record) *pyErr {
		if str(r, "state") == "posted" {
			return errUser("You cannot delete an entry which has been posted once.")
		}
		return nil
	}
	m.check = func(db *database, m *model, r *record) *pyErr {
		if d := str(r, "invoice_date_due"); d != "" && str(r, "invoice_date") != "" && d < str(r, "invoice_date") {
			return errValidation("The due date cannot be earlier than the invoice date.")
		}
		return nil
	}
	return m.finish()
}

func moveLineModel() *model {
	m := newModel("account.move.line", "Journal Item")
	m.order = "date desc, move_name desc, id"
	m.add(
		fM2O("move_id", "Journal Entry", "account.move", req),
		fChar("move_name", "Number", nostore, computed(related("move_id", "name"))),
		fDate("date", "Date", nostore, computed(related("move_id", "date"))),
		fM2O("partner_id", "Partner", "res.partner"),
		fM2O("product_id", "Product", "product.product"),
		fChar("name", "Label"),
		fFloat("quantity", "Quantity", deflt(1.0)),
		fFloat("price_unit", "Unit Price"),
		fFloat("discount", "Discount (%)"),
		fBool("taxed", "Taxes (15%)", deflt(true)),
		fMoney("price_subtotal", "Subtotal", ro),
		fMoney("price_tax", "Tax", ro),
		fMoney("price_total", "Total", ro),
		fSel("parent_state", "Status", "draft=Draft;posted=Posted;cancel=Cancelled", nostore, computed(related("move_id", "state"))),
	)
	m.add(moneyFields()...)
	m.byName["price_unit"].aggregator = "-"
	m.onChange = func(db *database, m *model, r *record) {
		if str(r, "name") == "" {
			lineDefaults(db, r, "product_id")
		}
		linePrice(db, r, "list_price")
		lineTotals(r, "quantity")
	}
	return m.finish()
}

func leadModel() *model {
	m := newModel("crm.lead", "Lead/Opportunity")
	m.order = "priority desc, id desc"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Opportunity", req),
		fM2O("partner_id", "Customer", "res.partner", help("Linked partner (optional). Usually created when converting the lead. You can find a partner by its Name, TIN, Email or Internal Reference.")),
		fChar("contact_name", "Contact Name"),
		fChar("partner_name", "Company Name", help("The name of the future partner company that will be created while converting the lead into opportunity")),
		fChar("email_from", "Email"),
		fChar("phone", "Phone"),
		fSel("type", "Type", "lead=Lead;opportunity=Opportunity", req, deflt("opportunity")),
		fM2O("stage_id", "Stage", "crm.stage", defFn(func(db *database, _ *model, _ int64) any { return findByName(db.model("crm.stage"), "New") })),
		fM2O("user_id", "Salesperson", "res.users", defFn(func(_ *database, _ *model, uid int64) any { return uid })),
		fMoney("expected_revenue", "Expected Revenue"),
		fMoney("prorated_revenue", "Prorated Revenue", ro),
		fFloat("probability", "Probability", aggregator("avg")),
		fSel("priority", "Priority", "0=Low;1=Medium;2=High;3=Very High", deflt("0")),
		fDate("date_deadline", "Expected Closing", help("Estimate of the date on which the opportunity will be won.")),
		fDatetime("date_closed", "Closed Date", ro),
		fBool("active", "Active", deflt(true)),
		fHTML("description", "Notes"),
		fChar("city", "City"),
		fM2O("country_id", "Country", "res.country"),
		fSel("won_status", "Is Won", "won=Won;lost=Lost;pending=Pending", nostore),
	)
	m.add(moneyFields()...)
	m.byName["won_status"].compute = func(db *database, _ *model, r *record) any {
		if st := db.model("crm.stage").recs[i64(r, "stage_id")]; st != nil && truthyV(st.v["is_won"]) {
			return "won"
		}
		if a, ok := r.v["active"].(bool); ok && !a && f64(r, "probability") == 0 {
			return "lost"
		}
		return "pending"
	}
	m.onChange = func(db *database, _ *model, r *record) {
		r.v["prorated_revenue"] = round2(f64(r, "expected_revenue") * f64(r, "probability") / 100)
		if st := db.model("crm.stage").recs[i64(r, "stage_id")]; st != nil && truthyV(st.v["is_won"]) {
			r.v["probability"] = 100.0
			if str(r, "date_closed") == "" {
				r.v["date_closed"] = db.stamp()
			}
		}
	}
	return m.finish()
}

func projectModel() *model {
	m := newModel("project.project", "Project")
	m.order = "sequence, name, id"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Name", req, translate),
		fBool("active", "Active", deflt(true)),
		fInt("sequence", "Sequence", deflt(int64(10))),
		fM2O("partner_id", "Customer", "res.partner"),
		fM2O("user_id", "Project Manager", "res.users", defFn(func(_ *database, _ *model, uid int64) any { return uid })),
		fO2M("task_ids", "Tasks", "project.task", "project_id"),
		fInt("task_count", "Task Count", nostore, computed(countInverse("project.task", "project_id"))),
		fHTML("description", "Description"),
		fDate("date_start", "Start Date"),
		fDate("date", "Expiration Date", help("Date on which this project ends. The timeframe defined on the project is taken into account when viewing its planning.")),
		fSel("privacy_visibility", "Visibility", "followers=Invited internal users (private);employees=All internal users;portal=Invited portal users and all internal users (public)", req, deflt("portal")),
		fM2M("type_ids", "Tasks Stages", "project.task.type"),
		fBool("is_favorite", "Show Project on Dashboard", nostore),
		fInt("color", "Color Index"),
		fSel("last_update_status", "Status", "on_track=On Track;at_risk=At Risk;off_track=Off Track;on_hold=On Hold;to_define=Set Status;done=Complete", req, deflt("to_define")),
	)
	m.add(moneyFields()...)
	return m.finish()
}

func taskModel() *model {
	m := newModel("project.task", "Task")
	m.order = "priority desc, sequence, date_deadline asc, id desc"
	m.thread = true
	m.parentField = "parent_id"
	m.recursionMsg = "Error! You cannot create recursive hierarchy of tasks."
	m.add(threadFields()...)
	m.add(
		fChar("name", "Title", req),
		fBool("active", "Active", deflt(true)),
		fM2O("project_id", "Project", "project.project"),
		fM2O("stage_id", "Stage", "project.task.type", defFn(func(db *database, _ *model, _ int64) any {
			st := db.model("project.task.type")
			if len(st.ids) > 0 {
				return st.ids[0]
			}
			return int64(0)
		})),
		fM2M("user_ids", "Assignees", "res.users"),
		fM2O("partner_id", "Customer", "res.partner"),
		fSel("priority", "Priority", "0=Low;1=High", deflt("0")),
		fSel("state", "State", "01_in_progress=In Progress;02_changes_requested=Changes Requested;03_approved=Approved;1_done=Done;1_canceled=Cancelled;04_waiting_normal=Waiting", req, deflt("01_in_progress")),
		fInt("sequence", "Sequence", deflt(int64(10))),
		fDatetime("date_deadline", "Deadline"),
		fDatetime("date_assign", "Assigning Date", ro),
		fDatetime("date_end", "Ending Date", ro),
		fHTML("description", "Description"),
		fM2O("parent_id", "Parent Task", "project.task"),
		fO2M("child_ids", "Sub-tasks", "project.task", "parent_id"),
		fFloat("allocated_hours", "Allocated Time"),
		fM2O("company_id", "Company", "res.company", defFn(func(*database, *model, int64) any { return int64(1) })),
		fInt("color", "Color Index"),
		fSel("kanban_state", "Kanban State", "normal=In Progress;done=Ready;blocked=Blocked", nostore),
	)
	m.byName["kanban_state"].compute = func(_ *database, _ *model, r *record) any {
		switch str(r, "state") {
		case "03_approved", "1_done":
			return "done"
		case "02_changes_requested":
			return "blocked"
		}
		return "normal"
	}
	m.onChange = func(db *database, _ *model, r *record) {
		if ids, _ := r.v["user_ids"].([]int64); len(ids) > 0 && str(r, "date_assign") == "" {
			r.v["date_assign"] = db.stamp()
		}
		if strings.HasPrefix(str(r, "state"), "1_") && str(r, "date_end") == "" {
			r.v["date_end"] = db.stamp()
		}
	}
	return m.finish()
}

func employeeModel() *model {
	m := newModel("hr.employee", "Employee")
	m.order = "name"
	m.thread = true
	m.parentField = "parent_id"
	m.recursionMsg = "You cannot create a recursive hierarchy."
	m.add(threadFields()...)
	m.add(
		fChar("name", "Employee Name", req),
		fBool("active", "Active", deflt(true)),
		fM2O("user_id", "User", "res.users"),
		fM2O("work_contact_id", "Work Contact", "res.partner"),
		fM2O("company_id", "Company", "res.company", req, deflt(int64(1))),
		fM2O("department_id", "Department", "hr.department"),
		fChar("job_title", "Job Title"),
		fM2O("parent_id", "Manager", "hr.employee"),
		fO2M("child_ids", "Direct subordinates", "hr.employee", "parent_id"),
		fM2O("coach_id", "Coach", "hr.employee"),
		fChar("work_email", "Work Email"),
		fChar("work_phone", "Work Phone"),
		fChar("mobile_phone", "Work Mobile"),
		fChar("work_location_name", "Work Location"),
		fSel("gender", "Gender", "male=Male;female=Female;other=Other"),
		fDate("birthday", "Date of Birth"),
		fSel("employee_type", "Employee Type", "employee=Employee;worker=Worker;student=Student;trainee=Trainee;contractor=Contractor;freelance=Freelancer", req, deflt("employee"), help("Categorize your Employees by type. This field also has an impact on contracts. Only Employees, Students and Trainee will be taken into account for attendance computation.")),
		fSel("marital", "Marital Status", "single=Single;married=Married;cohabitant=Legal Cohabitant;widower=Widower;divorced=Divorced", req, deflt("single")),
		fO2M("leave_ids", "Time Off", "hr.leave", "employee_id"),
		fInt("color", "Color Index"),
	)
	m.byName["gender"].store = true
	return m.finish()
}

func leaveModel() *model {
	m := newModel("hr.leave", "Time Off")
	m.order = "date_from desc"
	m.thread = true
	m.add(threadFields()...)
	m.add(
		fChar("name", "Description"),
		fM2O("employee_id", "Employee", "hr.employee", req),
		fM2O("holiday_status_id", "Time Off Type", "hr.leave.type", req),
		fDatetime("date_from", "Start Date", req),
		fDatetime("date_to", "End Date", req),
		fDate("request_date_from", "Request Start Date"),
		fDate("request_date_to", "Request End Date"),
		fFloat("number_of_days", "Duration (Days)", help("Number of days of the time off request. Used in the calculation.")),
		fSel("state", "Status", "confirm=To Approve;refuse=Refused;validate1=Second Approval;validate=Approved;cancel=Cancelled", ro, deflt("confirm")),
		fM2O("department_id", "Department", "hr.department"),
		fM2O("user_id", "User", "res.users", nostore, computed(related("employee_id", "user_id"))),
		fText("notes", "Reasons"),
		fM2O("company_id", "Company", "res.company", nostore, computed(related("employee_id", "company_id"))),
	)
	m.byName["state"].readonly = false
	m.displayName = func(db *database, _ *model, r *record) string {
		emp := db.model("hr.employee").recs[i64(r, "employee_id")]
		lt := db.model("hr.leave.type").recs[i64(r, "holiday_status_id")]
		name := ""
		if emp != nil {
			name = str(emp, "name")
		}
		if lt != nil {
			name += " on " + str(lt, "name")
		}
		return fmt.Sprintf("%s: %g days", name, f64(r, "number_of_days"))
	}
	m.check = func(db *database, m *model, r *record) *pyErr {
		if str(r, "date_to") < str(r, "date_from") {
			return errValidation("The start date must be before or equal to the end date.")
		}
		return nil
	}
	m.onChange = func(db *database, _ *model, r *record) {
		if d := str(r, "date_from"); d != "" {
			r.v["request_date_from"] = d[:10]
		}
		if d := str(r, "date_to"); d != "" {
			r.v["request_date_to"] = d[:10]
		}
		if emp := db.model("hr.employee").recs[i64(r, "employee_id")]; emp != nil && i64(r, "department_id") == 0 {
			db.model("hr.leave").setM2O(r, "department_id", i64(emp, "department_id"))
		}
	}
	return m.finish()
}

func emptyPassword(*database, *model, *record) any { return "" }

// setPassword is the inverse of res.users' password (and, with isNew,
// new_password, which skips empty values and refuses the caller's own:
// that goes through the change password wizard).
func setPassword(isNew bool) func(e *env, m *model, r *record, v any) *pyErr {
	return func(e *env, m *model, r *record, v any) *pyErr {
		pw, _ := v.(string)
		if isNew {
			if pw == "" {
				return nil
			}
			if r.id == e.uid {
				return errUser("Please use the change password wizard (in User Preferences or User menu) to change your own password.")
			}
		}
		if pw == "" {
			delete(e.db.passwords, r.id)
		} else {
			e.db.passwords[r.id] = pw
		}
		return nil
	}
}
