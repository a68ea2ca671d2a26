package odootest

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"time"
)

// seedTime is the simulated "now" of the demo data: the day the recordings
// in ../shared/odoo-wire were made. Data dates are spread before it.
var seedTime = time.Date(2026, 11, 24, 16, 59, 0, 0, time.UTC)

// seeder creates demo records through the ORM (so defaults, computed
// fields and indexes are right) with a clock that ticks per record.
type seeder struct {
	db  *database
	e   *env
	rnd *rand.Rand
	t   time.Time
}

func (s *seeder) mk(model string, id int64, vals dict) int64 {
	m := s.db.model(model)
	if id != 0 {
		m.nextID = id
	}
	s.t = s.t.Add(time.Duration(1+s.rnd.IntN(3)) * time.Second)
	nid, err := s.e.create(m, vals)
	if err != nil {
		panic(fmt.Sprintf("odootest: seeding %s: %v", model, err))
	}
	return nid
}

func (s *seeder) pick(xs []int64) int64 { return xs[s.rnd.IntN(len(xs))] }

func (s *seeder) day(daysAgo int) string {
	return seedTime.AddDate(0, 0, -daysAgo).Format("2006-01-02")
}

func (s *seeder) datetime(daysAgo int) string {
	t := seedTime.AddDate(0, 0, -daysAgo)
	t = time.Date(t.Year(), t.Month(), t.Day(), 8+s.rnd.IntN(9), s.rnd.IntN(60), s.rnd.IntN(60), 0, time.UTC)
	return t.Format("2006-01-02 15:04:05")
}

// avatar draws a small deterministic PNG so binary fields carry real base64.
func avatar(seed int) string {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	c := color.RGBA{uint8(60 + seed*37%180), uint8(90 + seed*53%150), uint8(120 + seed*71%120), 255}
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			if (x-8)*(x-8)+(y-6)*(y-6) < 12 || (y > 10 && (x-8)*(x-8) < 30) {
				img.Set(x, y, color.White)
			} else {
				img.Set(x, y, c)
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b64(b.Bytes())
}

var firstNames = []string{"Addison", "Douglas", "Floyd", "Brandon", "Colleen", "Edith", "Jesse", "Kim", "Lorraine", "Nicole", "Oscar", "Rachel", "Soham", "Tom", "Travis", "Willie", "Ernest", "Gordon", "Julie", "Mark", "Paul", "Sandra", "Theodore", "Toni", "Zoe", "Aurelie", "Bastien", "Claire", "Lukas", "Hanna", "Jonas", "Ines", "Pieter", "Sofie", "Marta", "Diego", "Amelia", "Chester", "Priya", "Ravi", "Olivia", "Henry", "Elena"}
var lastNames = []string{"Olson", "Fletcher", "Steward", "Freeman", "Diaz", "Sanchez", "Brown", "Miller", "Carpenter", "Wells", "Reed", "Hart", "Palmer", "Baker", "Rhodes", "Shelton", "Weaver", "Pierce", "Roberts", "Mitchell", "Dubois", "Lambert", "Schmidt", "Becker", "Peeters", "Janssens", "Garcia", "Lopez", "Martin", "Bernard", "Wagner", "Vos", "Sharma", "Patel", "Evans", "Clarke", "Hughes"}

// seedDemo fills db with the deterministic demo data set.
func seedDemo(db *database) {
	realNow := db.now
	s := &seeder{db: db, rnd: rand.New(rand.NewPCG(18, 2026)), t: seedTime.Add(-40 * 24 * time.Hour)}
	db.now = func() time.Time { return s.t }
	defer func() { db.now = realNow }()
	s.e = &env{db: db, uid: 1, ctx: dict{}}

	for i, c := range [][3]string{{"USD", "$", "1.0"}, {"EUR", "€", "0.92"}, {"GBP", "£", "0.79"}, {"INR", "₹", "83.2"}} {
		var rate float64
		fmt.Sscan(c[2], &rate)
		pos := "before"
		if c[0] == "EUR" {
			pos = "after"
		}
		s.mk("res.currency", int64(i+1), dict{{"name", c[0]}, {"symbol", c[1]}, {"rate_value", rate}, {"decimal_places", int64(2)}, {"rounding", 0.01}, {"position", pos},
			{"full_name", map[string]string{"USD": "United States dollar", "EUR": "Euro", "GBP": "Pound sterling", "INR": "Indian rupee"}[c[0]]}})
	}
	type country struct {
		id         int64
		name, code string
		phone, cur int64
	}
	for _, c := range []country{{21, "Belgium", "BE", 32, 2}, {57, "Germany", "DE", 49, 2}, {68, "Spain", "ES", 34, 2}, {75, "France", "FR", 33, 2}, {104, "India", "IN", 91, 4}, {165, "Netherlands", "NL", 31, 2}, {231, "United Kingdom", "GB", 44, 3}, {233, "United States", "US", 1, 1}} {
		s.mk("res.country", c.id, dict{{"name", c.name}, {"code", c.code}, {"phone_code", c.phone}, {"currency_id", c.cur}})
	}
	for i, n := range []string{"Vendor", "Prospects", "Employees", "Services", "Consulting Services", "Desk Manufacturers", "Office Supplies", "VIP"} {
		vals := dict{{"name", n}, {"color", int64(i + 1)}}
		if n == "Consulting Services" {
			vals = append(vals, kv{"parent_id", int64(4)})
		}
		s.mk("res.partner.category", 0, vals)
	}

	// Partners 1..8: company, system and user partners, as in a fresh Odoo.
	const us, be, de, fr, gb, in = int64(233), int64(21), int64(57), int64(75), int64(231), int64(104)
	s.mk("res.partner", 1, dict{{"name", "My Company (San Francisco)"}, {"is_company", true}, {"email", "info@yourcompany.com"}, {"phone", "+1 555-555-5556"},
		{"street", "250 Executive Park Blvd, Suite 3400"}, {"city", "San Francisco"}, {"zip", "94134"}, {"country_id", us}, {"website", "http://www.example.com"}, {"image_128", avatar(1)}})
	s.mk("res.partner", 2, dict{{"name", "OdooBot"}, {"email", "odoobot@example.com"}, {"active", false}, {"image_128", avatar(2)}})
	s.mk("res.partner", 3, dict{{"name", "Mitchell Admin"}, {"email", "admin@yourcompany.example.com"}, {"phone", "+1 555-555-5555"}, {"city", "Scranton"}, {"country_id", us},
		{"street", "215 Vine St"}, {"zip", "18503"}, {"function", "Chief Executive Officer"}, {"tz", "Europe/Brussels"}, {"image_128", avatar(3)}})
	s.mk("res.partner", 4, dict{{"name", "Public user"}, {"active", false}})
	s.mk("res.partner", 5, dict{{"name", "Default User Template"}, {"active", false}})
	s.mk("res.partner", 6, dict{{"name", "Portal User Template"}, {"active", false}})
	s.mk("res.partner", 7, dict{{"name", "Marc Demo"}, {"email", "mark.brown23@example.com"}, {"parent_id", int64(1)}, {"function", "Sales Representative"}, {"city", "Scranton"}, {"country_id", us}, {"image_128", avatar(7)}})
	s.mk("res.partner", 8, dict{{"name", "Joel Willis"}, {"email", "joel.willis63@example.com"}, {"city", "Tracy"}, {"country_id", us}, {"image_128", avatar(8)}})

	type company struct {
		name, email, city, zip, street, domain string
		country                                int64
		tags                                   []any
		customer, supplier                     int64
	}
	companies := []company{
		{"Wood Corner", "bhu.a100@ic.example.com", "Turlock", "95380", "1839 Arbor Way", "woodcorner.example.com", us, []any{int64(7), int64(6)}, 1, 1},
		{"Deco Addict", "info@agrolait.com", "Pleasant Hill", "94523", "77 Santa Barbara Rd", "agrolait.com", us, []any{int64(7)}, 1, 0},
		{"Gemini Furniture", "gemini.furniture39@example.com", "Fairfield", "06430", "317 Fairchild Dr", "gemini-furniture.example.com", us, []any{int64(6)}, 1, 1},
		{"Azure Interior", "azure.interior24@example.com", "Fremont", "94538", "4557 De Silva St", "azure-interior.example.com", us, []any{int64(2)}, 1, 0},
		{"Lumber Inc", "lumber-inc92@example.com", "Stockton", "95203", "1337 N San Joaquin St", "lumber-inc.example.com", us, []any{int64(1)}, 0, 1},
		{"Ready Mat", "ready.mat28@example.com", "Tracy", "95304", "7500 W Linne Road", "ready-mat.example.com", us, []any{}, 1, 0},
		{"The Jackson Group", "jackson.group82@example.com", "Brooklyn", "11214", "1611 Peony Dr", "jackson-group.example.com", us, []any{int64(8)}, 1, 0},
		{"Bright Office Supplies SA", "contact@brightoffice.example.be", "Brussels", "1000", "Rue de la Loi 42", "brightoffice.example.be", be, []any{int64(1), int64(7)}, 0, 1},
		{"Nordic Desks GmbH", "info@nordicdesks.example.de", "Hamburg", "20095", "Mönckebergstraße 7", "nordicdesks.example.de", de, []any{int64(1), int64(6)}, 0, 1},
		{"Atelier Lumière SARL", "bonjour@atelier-lumiere.example.fr", "Lyon", "69002", "12 Rue de la République", "atelier-lumiere.example.fr", fr, []any{int64(4)}, 1, 0},
	}
	domains := map[int64]string{}
	for i, c := range companies {
		id := s.mk("res.partner", int64(9+i), dict{{"name", c.name}, {"is_company", true}, {"email", c.email}, {"city", c.city}, {"zip", c.zip}, {"street", c.street},
			{"country_id", c.country}, {"category_id", c.tags}, {"customer_rank", c.customer}, {"supplier_rank", c.supplier}, {"website", "http://www." + c.domain},
			{"phone", fmt.Sprintf("+%d 555-01%02d", map[int64]int64{us: 1, be: 32, de: 49, fr: 33}[c.country], 10+i)}, {"vat", map[int64]string{be: "BE0477472701", de: "DE123456788", fr: "FR23334175221"}[c.country]}})
		domains[id] = c.domain
	}
	// Contacts 19..59; Deco Addict (10) gets exactly 19, 20 and 36.
	others := []int64{9, 11, 12, 13, 14, 15, 16, 17, 18}
	fixed := map[int64][2]string{19: {"Douglas", "Fletcher"}, 20: {"Floyd", "Steward"}, 36: {"Addison", "Olson"}}
	functions := []string{"Purchase Manager", "Office Manager", "Accountant", "CEO", "Sales Manager", "Logistics", "Buyer", "Designer", "Consultant", "Project Manager"}
	k := 0
	for id := int64(19); id <= 59; id++ {
		parent := int64(10)
		first, last := "", ""
		if nm, ok := fixed[id]; ok {
			first, last = nm[0], nm[1]
		} else {
			parent = others[k%len(others)]
			first = firstNames[(k*7+3)%len(firstNames)]
			last = lastNames[(k*5+11)%len(lastNames)]
			if first == "Addison" || first == "Douglas" || first == "Floyd" {
				first = "Grace"
			}
			k++
		}
		pr := s.db.model("res.partner").recs[parent]
		s.mk("res.partner", id, dict{{"name", first + " " + last}, {"parent_id", parent}, {"email", strings.ToLower(first+"."+last) + "@" + domains[parent]},
			{"function", functions[int(id)%len(functions)]}, {"phone", fmt.Sprintf("+1 555-02%02d", id)}, {"city", str(pr, "city")}, {"country_id", i64(pr, "country_id")},
			{"image_128", avatar(int(id))}})
	}
	s.mk("res.partner", 60, dict{{"name", "Chester Reed"}, {"email", "chester.reed79@example.com"}, {"city", "London"}, {"country_id", gb}, {"phone", "+44 20 7946 0958"}, {"customer_rank", int64(1)}})
	s.mk("res.partner", 61, dict{{"name", "Priya Sharma"}, {"email", "priya.sharma@example.in"}, {"city", "Pune"}, {"country_id", in}, {"phone", "+91 20 5555 0134"}, {"customer_rank", int64(1)}})

	s.mk("res.company", 1, dict{{"name", "My Company (San Francisco)"}, {"partner_id", int64(1)}, {"currency_id", int64(1)}, {"email", "info@yourcompany.com"}, {"phone", "+1 555-555-5556"},
		{"website", "http://www.example.com"}, {"street", "250 Executive Park Blvd, Suite 3400"}, {"city", "San Francisco"}, {"zip", "94134"}, {"country_id", us}})
	for _, pid := range []int64{1, 3, 7} {
		s.db.model("res.partner").recs[pid].v["company_id"] = int64(1)
	}

	s.mk("res.users", 1, dict{{"login", "__system__"}, {"partner_id", int64(2)}, {"active", false}})
	s.mk("res.users", 2, dict{{"login", "admin"}, {"partner_id", int64(3)}, {"tz", "Europe/Brussels"}, {"signature", "<p>Mitchell Admin</p>"}, {"notification_type", "inbox"}})
	s.mk("res.users", 4, dict{{"login", "public"}, {"partner_id", int64(4)}, {"active", false}, {"share", true}})
	s.mk("res.users", 6, dict{{"login", "demo"}, {"partner_id", int64(7)}, {"tz", "Europe/Brussels"}, {"signature", "<p>Marc Demo</p>"}})
	s.mk("res.users", 7, dict{{"login", "portal"}, {"partner_id", int64(8)}, {"share", true}})
	for _, uid := range []int64{2, 6} {
		s.db.model("res.users").recs[uid].v["login_date"] = s.datetime(1)
	}
	db.passwords = map[int64]string{2: "admin", 6: "demo", 7: "portal"}
	// API keys: admin's without expiry; a non-admin user's must expire.
	db.apiKeyRecs = map[string]int64{}
	s.t = s.t.Add(time.Second)
	db.apiKeyRecs[AdminAPIKey] = s.mk("res.users.apikeys", 0, dict{{"name", "Integrations"}, {"user_id", int64(AdminUID)}})
	db.apiKeyRecs[DemoAPIKey] = s.mk("res.users.apikeys", 0, dict{{"name", "Reporting"}, {"user_id", int64(DemoUID)},
		{"expiration_date", seedTime.AddDate(0, 3, 0).Format("2006-01-02 15:04:05")}})

	// Products.
	for _, c := range []dict{{{"name", "All"}}, {{"name", "Saleable"}, {"parent_id", int64(1)}}, {{"name", "Expenses"}, {"parent_id", int64(1)}},
		{{"name", "Office Furniture"}, {"parent_id", int64(2)}}, {{"name", "Services"}, {"parent_id", int64(2)}}} {
		s.mk("product.category", 0, c)
	}
	type product struct {
		code, name  string
		price, cost float64
		categ       int64
		typ         string
	}
	products := []product{
		{"FURN_0096", "Customizable Desk", 750, 500, 4, "consu"}, {"FURN_0097", "Customizable Desk (Steel)", 800, 540, 4, "consu"},
		{"FURN_0269", "Office Chair Black", 120.5, 55, 4, "consu"}, {"FURN_1118", "Corner Desk Left Sit", 85, 60, 4, "consu"},
		{"FURN_0789", "Individual Workplace", 885, 600, 4, "consu"}, {"FURN_8220", "Four Person Desk", 2350, 1600, 4, "consu"},
		{"FURN_6666", "Acoustic Bloc Screens", 295, 180, 4, "consu"}, {"FURN_7800", "Desk Combination", 450, 300, 4, "consu"},
		{"FURN_8888", "Office Lamp", 40, 16, 4, "consu"}, {"FURN_9999", "Drawer Black", 25, 10, 4, "consu"},
		{"FURN_8900", "Drawer", 110.5, 70, 4, "consu"}, {"FURN_2100", "Cabinet with Doors", 140, 120.5, 4, "consu"},
		{"FURN_5555", "Cable Management Box", 100, 70, 4, "consu"}, {"FURN_7777", "Office Chair", 70, 55, 4, "consu"},
		{"FURN_6741", "Large Meeting Table", 4000, 3000, 4, "consu"}, {"FURN_8522", "Table Kit", 147, 100, 4, "consu"},
		{"FURN_3800", "Flipover", 1950, 1700, 4, "consu"}, {"FURN_0001", "Storage Box", 15.8, 14, 4, "consu"},
		{"FURN_8111", "Pedal Bin", 47, 10, 4, "consu"}, {"FURN_2333", "Monitor Stand", 3.19, 2.5, 4, "consu"},
		{"E-COM07", "Large Cabinet", 320, 800, 4, "consu"}, {"E-COM08", "Storage Shelf", 9.5, 6, 4, "consu"},
		{"E-COM11", "Whiteboard Pen", 1.2, 0.5, 2, "consu"}, {"E-COM12", "Conference Chair", 33, 28, 4, "consu"},
		{"SERV_DESIGN", "Office Design Consultation", 150, 90, 5, "service"}, {"SERV_INSTALL", "Furniture Assembly", 60, 35, 5, "service"},
		{"SERV_MAINT", "Maintenance Contract (Yearly)", 1200, 700, 5, "service"}, {"DELIVERY", "Standard Delivery", 20, 12, 5, "service"},
		{"EXP_TRAVEL", "Travel Expenses", 0, 0, 3, "service"}, {"EXP_MEAL", "Meals", 0, 0, 3, "service"},
	}
	var productIDs, goods []int64
	for i, p := range products {
		qty := 0.0
		if p.typ == "consu" {
			qty = float64(5 + (i*13)%60)
		}
		id := s.mk("product.product", 0, dict{{"name", p.name}, {"default_code", p.code}, {"list_price", p.price}, {"standard_price", p.cost}, {"categ_id", p.categ},
			{"type", p.typ}, {"qty_available", qty}, {"sale_ok", p.categ != 3}, {"purchase_ok", true}, {"barcode", func() any {
				if p.typ == "consu" {
					return fmt.Sprintf("60105%08d", 1000+i*37)
				}
				return false
			}()}, {"description_sale", func() any {
				if p.categ == 4 {
					return p.name + " — solid build, delivered assembled."
				}
				return false
			}()}})
		if p.categ != 3 {
			productIDs = append(productIDs, id)
		}
		if p.typ == "consu" {
			goods = append(goods, id)
		}
	}

	customers := []int64{9, 10, 11, 12, 14, 15, 18, 60, 61, 19, 20, 36}
	vendors := []int64{9, 11, 13, 16, 17}
	salespeople := []int64{2, 2, 6}

	// Sales orders with lines; confirmed ones get invoices.
	states := []string{"draft", "draft", "sent", "sale", "sale", "sale", "sale", "cancel"}
	soMod := db.model("sale.order")
	var invoices []int64
	for i := 0; i < 40; i++ {
		st := states[s.rnd.IntN(len(states))]
		ago := 3 + s.rnd.IntN(300)
		partner := s.pick(customers)
		var lines []any
		for n := 1 + s.rnd.IntN(4); n > 0; n-- {
			p := s.pick(productIDs)
			lines = append(lines, []any{int64(0), int64(0), dict{{"product_id", p}, {"product_uom_qty", float64(1 + s.rnd.IntN(10))}}})
		}
		so := s.mk("sale.order", 0, dict{{"partner_id", partner}, {"date_order", s.datetime(ago)}, {"validity_date", s.day(ago - 30)}, {"state", st},
			{"user_id", s.pick(salespeople)}, {"order_line", lines}, {"client_order_ref", func() any {
				if i%3 == 0 {
					return fmt.Sprintf("PO-%04d", 1200+i)
				}
				return false
			}()}})
		if st == "sale" {
			r := soMod.recs[so]
			invDate := s.day(ago - 2)
			if ago-2 < 0 {
				invDate = s.day(0)
			}
			var ilines []any
			lm := db.model("sale.order.line")
			for _, lid := range lm.inverse("order_id", so) {
				l := lm.recs[lid]
				ilines = append(ilines, []any{int64(0), int64(0), dict{{"product_id", i64(l, "product_id")}, {"quantity", f64(l, "product_uom_qty")}, {"price_unit", f64(l, "price_unit")}, {"partner_id", partner}}})
				l.v["qty_delivered"] = f64(l, "product_uom_qty")
				l.v["qty_invoiced"] = f64(l, "product_uom_qty")
			}
			pay := "not_paid"
			switch {
			case ago > 120:
				pay = "paid"
			case ago > 60 && s.rnd.IntN(3) > 0:
				pay = "paid"
			case s.rnd.IntN(5) == 0:
				pay = "partial"
			}
			due := seedTime.AddDate(0, 0, -(ago-2)).AddDate(0, 0, 30).Format("2006-01-02")
			inv := s.mk("account.move", 0, dict{{"move_type", "out_invoice"}, {"partner_id", partner}, {"invoice_date", invDate}, {"date", invDate}, {"invoice_date_due", due},
				{"invoice_origin", str(r, "name")}, {"invoice_line_ids", ilines}, {"payment_state", pay}, {"invoice_user_id", i64(r, "user_id")}})
			invoices = append(invoices, inv)
			r.v["invoice_status"] = "invoiced"
		}
	}
	mv := db.model("account.move")
	for _, inv := range invoices {
		r := mv.recs[inv]
		r.v["state"] = "posted"
		r.v["name"] = nextMoveName(db, r)
		r.v["payment_reference"] = str(r, "name")
		mv.onChange(db, mv, r)
	}
	// A few draft invoices.
	for i := 0; i < 4; i++ {
		p := s.pick(customers)
		s.mk("account.move", 0, dict{{"move_type", "out_invoice"}, {"partner_id", p}, {"invoice_date", s.day(i + 1)}, {"date", s.day(i + 1)}, {"invoice_date_due", s.day(i - 29)},
			{"invoice_line_ids", []any{[]any{int64(0), int64(0), dict{{"product_id", s.pick(productIDs)}, {"quantity", 2.0}, {"partner_id", p}}}}}})
	}

	// Purchases and vendor bills.
	pstates := []string{"draft", "sent", "purchase", "purchase", "purchase", "cancel"}
	po := db.model("purchase.order")
	for i := 0; i < 15; i++ {
		st := pstates[s.rnd.IntN(len(pstates))]
		ago := 5 + s.rnd.IntN(200)
		vendor := s.pick(vendors)
		var lines []any
		for n := 1 + s.rnd.IntN(3); n > 0; n-- {
			lines = append(lines, []any{int64(0), int64(0), dict{{"product_id", s.pick(goods)}, {"product_qty", float64(5 * (1 + s.rnd.IntN(8)))}, {"date_planned", s.datetime(ago - 10)}}})
		}
		id := s.mk("purchase.order", 0, dict{{"partner_id", vendor}, {"date_order", s.datetime(ago)}, {"date_planned", s.datetime(ago - 10)}, {"state", st}, {"order_line", lines},
			{"partner_ref", fmt.Sprintf("SO/%d/%03d", 2026, 100+i)}, {"priority", []string{"0", "0", "1"}[i%3]}})
		if st == "purchase" {
			r := po.recs[id]
			r.v["date_approve"] = s.datetime(ago - 1)
			var blines []any
			lm := db.model("purchase.order.line")
			for _, lid := range lm.inverse("order_id", id) {
				l := lm.recs[lid]
				blines = append(blines, []any{int64(0), int64(0), dict{{"product_id", i64(l, "product_id")}, {"quantity", f64(l, "product_qty")}, {"price_unit", f64(l, "price_unit")}, {"partner_id", vendor}}})
				l.v["qty_received"] = f64(l, "product_qty")
				l.v["qty_invoiced"] = f64(l, "product_qty")
			}
			r.v["invoice_status"] = "invoiced"
			bd := s.day(ago - 8)
			bill := s.mk("account.move", 0, dict{{"move_type", "in_invoice"}, {"partner_id", vendor}, {"invoice_date", bd}, {"date", bd}, {"invoice_date_due", seedTime.AddDate(0, 0, -(ago-8)).AddDate(0, 0, 45).Format("2006-01-02")},
				{"invoice_origin", str(r, "name")}, {"ref", str(r, "partner_ref")}, {"invoice_line_ids", blines}, {"payment_state", []string{"paid", "not_paid"}[i%2]}})
			br := mv.recs[bill]
			br.v["state"] = "posted"
			br.v["name"] = nextMoveName(db, br)
			mv.onChange(db, mv, br)
		}
	}

	// CRM.
	for i, st := range []struct {
		name string
		won  bool
	}{{"New", false}, {"Qualified", false}, {"Proposition", false}, {"Won", true}} {
		s.mk("crm.stage", 0, dict{{"name", st.name}, {"sequence", int64(i + 1)}, {"is_won", st.won}, {"fold", st.won}})
	}
	leadTopics := []string{"Office Design Project", "Open Space Design", "Need 20 Desks", "Furniture for new office", "Modern Open Space", "Quote for 150 carpets", "Interest in your customizable desks", "Global Solutions: Furnitures", "Distributor Contract", "Access to Online Catalog", "Info about services", "Conference room refurbishment"}
	for i := 0; i < 40; i++ {
		p := s.pick(append(customers, 0, 0))
		stage := int64(1 + s.rnd.IntN(4))
		typ := "opportunity"
		if i%5 == 0 {
			typ = "lead"
			stage = 1
		}
		vals := dict{{"name", fmt.Sprintf("%s #%d", leadTopics[i%len(leadTopics)], i+1)}, {"type", typ}, {"stage_id", stage}, {"user_id", s.pick(salespeople)},
			{"expected_revenue", float64(500 * (1 + s.rnd.IntN(60)))}, {"probability", []float64{10, 30, 60, 100}[stage-1] - float64(s.rnd.IntN(3)*5)}, {"priority", fmt.Sprint(s.rnd.IntN(4))},
			{"date_deadline", s.day(-s.rnd.IntN(90) + 10)}, {"active", i%13 != 12}}
		if p != 0 {
			pr := db.model("res.partner").recs[p]
			vals = append(vals, kv{"partner_id", p}, kv{"email_from", str(pr, "email")}, kv{"phone", str(pr, "phone")}, kv{"city", str(pr, "city")}, kv{"country_id", i64(pr, "country_id")})
		} else {
			fn, ln := firstNames[(i*3)%len(firstNames)], lastNames[(i*7)%len(lastNames)]
			vals = append(vals, kv{"contact_name", fn + " " + ln}, kv{"partner_name", ln + " & Co"}, kv{"email_from", strings.ToLower(fn) + "@" + strings.ToLower(ln) + "-co.example.com"})
		}
		s.mk("crm.lead", 0, vals)
	}

	// Projects.
	for i, n := range []string{"New", "In Progress", "Review", "Done", "Cancelled"} {
		s.mk("project.task.type", 0, dict{{"name", n}, {"sequence", int64(i + 1)}, {"fold", i >= 3}})
	}
	allStages := []any{int64(1), int64(2), int64(3), int64(4), int64(5)}
	projects := []struct {
		name    string
		partner int64
	}{{"Office Design", 12}, {"Research & Development", 0}, {"Renovations", 10}, {"Internal", 0}, {"Furniture Delivery", 15}}
	var projectIDs []int64
	for i, p := range projects {
		vals := dict{{"name", p.name}, {"type_ids", []any{[]any{int64(6), int64(0), allStages}}}, {"user_id", salespeople[i%3]}, {"date_start", s.day(200 - i*20)},
			{"last_update_status", []string{"on_track", "at_risk", "on_track", "to_define", "off_track"}[i]}, {"privacy_visibility", "employees"}}
		if p.partner != 0 {
			vals = append(vals, kv{"partner_id", p.partner})
		}
		projectIDs = append(projectIDs, s.mk("project.project", 0, vals))
	}
	taskNames := []string{"Meeting Room Furnitures", "Energy Certificate", "Customer analysis + Architecture", "Office planning", "Noise reduction", "Lunch Room: kitchen", "Room 1: Decoration", "Black Chairs for managers", "Planning and budget", "Prepare requirements and budget", "Design", "Modifications asked by the customer", "Review of the design", "Furniture delivery", "Installation", "Gather feedback", "Document the procedure", "Order the material"}
	taskStates := []string{"01_in_progress", "01_in_progress", "02_changes_requested", "03_approved", "1_done", "04_waiting_normal", "1_canceled"}
	tm := db.model("project.task")
	for i := 0; i < 60; i++ {
		pid := projectIDs[i%len(projectIDs)]
		st := taskStates[s.rnd.IntN(len(taskStates))]
		stage := int64(1 + s.rnd.IntN(3))
		switch st {
		case "1_done":
			stage = 4
		case "1_canceled":
			stage = 5
		}
		vals := dict{{"name", taskNames[i%len(taskNames)]}, {"project_id", pid}, {"stage_id", stage}, {"state", st}, {"priority", fmt.Sprint(s.rnd.IntN(2))},
			{"user_ids", []any{salespeople[s.rnd.IntN(3)]}}, {"allocated_hours", float64(2 * (1 + s.rnd.IntN(20)))}, {"sequence", int64(i % 10)},
			{"date_deadline", s.datetime(-s.rnd.IntN(60) + 20)}}
		if pp := db.model("project.project").recs[pid]; i64(pp, "partner_id") != 0 {
			vals = append(vals, kv{"partner_id", i64(pp, "partner_id")})
		}
		if i >= 50 {
			// Sub-tasks of the first tasks of the same project.
			for _, tid := range tm.ids {
				if i64(tm.recs[tid], "project_id") == pid {
					vals = append(vals, kv{"parent_id", tid})
					break
				}
			}
		}
		s.mk("project.task", 0, vals)
	}

	// HR.
	for _, d := range []dict{{{"name", "Management"}}, {{"name", "Sales"}, {"parent_id", int64(1)}}, {{"name", "Research & Development"}, {"parent_id", int64(1)}},
		{{"name", "Administration"}, {"parent_id", int64(1)}}, {{"name", "Professional Services"}, {"parent_id", int64(1)}}, {{"name", "Long Term Projects"}, {"parent_id", int64(3)}}} {
		s.mk("hr.department", 0, d)
	}
	jobs := map[int64][]string{1: {"Chief Executive Officer", "Chief Technical Officer"}, 2: {"Sales Representative", "Account Manager"}, 3: {"Experienced Developer", "Developer", "Quality Analyst"},
		4: {"Human Resources Manager", "Accountant"}, 5: {"Consultant", "Project Manager"}, 6: {"Developer", "Architect"}}
	emp := db.model("hr.employee")
	s.mk("hr.employee", 0, dict{{"name", "Mitchell Admin"}, {"user_id", int64(2)}, {"work_contact_id", int64(3)}, {"department_id", int64(1)}, {"job_title", "Chief Executive Officer"},
		{"work_email", "admin@yourcompany.example.com"}, {"work_phone", "+1 555-555-5555"}, {"gender", "male"}, {"birthday", "1980-03-12"}})
	s.mk("hr.employee", 0, dict{{"name", "Marc Demo"}, {"user_id", int64(6)}, {"work_contact_id", int64(7)}, {"department_id", int64(2)}, {"job_title", "Sales Representative"},
		{"parent_id", int64(1)}, {"work_email", "mark.brown23@example.com"}, {"gender", "male"}, {"birthday", "1988-07-21"}})
	managers := map[int64]int64{1: 1, 2: 2}
	for i := 0; i < 23; i++ {
		dep := int64(2 + i%5)
		fn, ln := firstNames[(i*11+5)%len(firstNames)], lastNames[(i*13+7)%len(lastNames)]
		parent := managers[dep]
		if parent == 0 {
			parent = 1
		}
		id := s.mk("hr.employee", 0, dict{{"name", fn + " " + ln}, {"department_id", dep}, {"job_title", jobs[dep][i%len(jobs[dep])]}, {"parent_id", parent},
			{"work_email", strings.ToLower(fn+"."+ln) + "@yourcompany.example.com"}, {"work_phone", fmt.Sprintf("+1 555-03%02d", i)},
			{"gender", []string{"female", "male", "other", "female", "male"}[i%5]}, {"birthday", fmt.Sprintf("19%02d-%02d-%02d", 70+i%30, 1+i%12, 1+(i*3)%28)},
			{"employee_type", []string{"employee", "employee", "employee", "contractor", "trainee"}[i%5]}})
		if _, ok := managers[dep]; !ok {
			managers[dep] = id
		}
	}
	dm := db.model("hr.department")
	for dep, mgr := range managers {
		if r := dm.recs[dep]; r != nil {
			dm.setM2O(r, "manager_id", mgr)
		}
	}
	for _, lt := range []dict{{{"name", "Paid Time Off"}, {"sequence", int64(1)}, {"color", int64(2)}}, {{"name", "Sick Time Off"}, {"requires_allocation", "no"}, {"sequence", int64(2)}, {"color", int64(3)}},
		{{"name", "Compensatory Days"}, {"sequence", int64(3)}, {"leave_validation_type", "manager"}}, {{"name", "Unpaid"}, {"requires_allocation", "no"}, {"sequence", int64(4)}, {"leave_validation_type", "both"}}} {
		s.mk("hr.leave.type", 0, lt)
	}
	lstates := []string{"confirm", "validate", "validate", "validate", "refuse", "validate1"}
	for i := 0; i < 30; i++ {
		e := emp.ids[s.rnd.IntN(len(emp.ids))]
		start := 150 - i*6 + s.rnd.IntN(5)
		days := 1 + s.rnd.IntN(5)
		from := seedTime.AddDate(0, 0, -start)
		from = time.Date(from.Year(), from.Month(), from.Day(), 7, 0, 0, 0, time.UTC)
		to := from.AddDate(0, 0, days-1).Add(9 * time.Hour)
		s.mk("hr.leave", 0, dict{{"employee_id", e}, {"holiday_status_id", int64(1 + s.rnd.IntN(4))}, {"date_from", from.Format("2006-01-02 15:04:05")},
			{"date_to", to.Format("2006-01-02 15:04:05")}, {"number_of_days", float64(days)}, {"state", lstates[s.rnd.IntN(len(lstates))]},
			{"name", []string{"Family holiday", "Doctor appointment", "Long weekend", "Moving house", ""}[i%5]}})
	}

	// Chatter.
	s.mk("mail.message.subtype", 0, dict{{"name", "Discussions"}, {"sequence", int64(0)}})
	s.mk("mail.message.subtype", 0, dict{{"name", "Note"}, {"sequence", int64(100)}, {"internal", true}, {"default", false}})
	notes := []string{"<p>Customer asked for a revised quotation with delivery included.</p>", "<p>Called the customer, waiting for the purchase order.</p>", "<p>Follow-up scheduled for next week.</p>", "<p>Discount approved by the sales manager.</p>"}
	for i, so := range soMod.ids {
		if i%4 != 0 {
			continue
		}
		r := soMod.recs[so]
		s.mk("mail.message", 0, dict{{"model", "sale.order"}, {"res_id", so}, {"record_name", str(r, "name")}, {"body", notes[i%len(notes)]}, {"message_type", "comment"},
			{"subtype_id", int64(2)}, {"author_id", int64(3)}, {"date", s.datetime(3 + i)}, {"is_internal", true}})
	}
	for _, pid := range []int64{9, 10, 12} {
		s.mk("mail.message", 0, dict{{"model", "res.partner"}, {"res_id", pid}, {"record_name", str(db.model("res.partner").recs[pid], "name")},
			{"body", "<p>Met at the trade fair, interested in the new desk range.</p>"}, {"message_type", "comment"}, {"subtype_id", int64(1)}, {"author_id", int64(7)}, {"date", s.datetime(20)}})
	}

	for i, mdl := range [][4]string{
		{"base", "Base", "", "installed"}, {"web", "Web", "", "installed"}, {"mail", "Discuss", "Chat, mail gateway and private channels", "installed"},
		{"contacts", "Contacts", "Centralize your address book", "installed"}, {"product", "Products & Pricelists", "", "installed"},
		{"sale_management", "Sales", "From quotations to invoices", "installed"}, {"purchase", "Purchase", "Purchase orders, tenders and agreements", "installed"},
		{"account", "Invoicing", "Invoices & Payments", "installed"}, {"crm", "CRM", "Track leads and close opportunities", "installed"},
		{"project", "Project", "Organize and plan your projects", "installed"}, {"hr", "Employees", "Centralize employee information", "installed"},
		{"hr_holidays", "Time Off", "Allocate PTOs and follow leaves requests", "installed"}, {"stock", "Inventory", "Manage your stock and logistics activities", "installed"},
		{"website", "Website", "Enterprise website builder", "uninstalled"}, {"mrp", "Manufacturing", "Manufacturing Orders & BOMs", "uninstalled"},
	} {
		app := mdl[2] != ""
		s.mk("ir.module.module", 0, dict{{"name", mdl[0]}, {"shortdesc", mdl[1]}, {"summary", mdl[2]}, {"state", mdl[3]}, {"application", app},
			{"sequence", int64(10 + i)}, {"latest_version", func() any {
				if mdl[3] == "installed" {
					return fmt.Sprintf("%d.0.1.0", db.version)
				}
				return false
			}()}, {"author", "Odoo S.A."}, {"license", "LGPL-3"}})
	}

	seedIRModel(db, s)
}

// moduleOf names the Odoo module that defines a model, for ir.model.modules.
func moduleOf(model string) string {
	switch {
	case strings.HasPrefix(model, "sale."):
		return "sale"
	case strings.HasPrefix(model, "purchase."):
		return "purchase"
	case strings.HasPrefix(model, "account."):
		return "account"
	case strings.HasPrefix(model, "crm."):
		return "crm"
	case strings.HasPrefix(model, "project."):
		return "project"
	case strings.HasPrefix(model, "hr.leave"):
		return "hr_holidays"
	case strings.HasPrefix(model, "hr."):
		return "hr"
	case strings.HasPrefix(model, "product."):
		return "product"
	case strings.HasPrefix(model, "mail."):
		return "mail"
	}
	return "base"
}

func seedIRModel(db *database, s *seeder) {
	for _, name := range db.modelNames {
		if name == "ir.model" || name == "ir.model.fields" {
			continue
		}
		seedModelEntry(db, s, db.models[name])
	}
	seedModelEntry(db, s, db.models["ir.model"])
	seedModelEntry(db, s, db.models["ir.model.fields"])
}

func seedModelEntry(db *database, s *seeder, m *model) {
	mid := s.mk("ir.model", 0, dict{{"name", m.description}, {"model", m.name}, {"state", "base"}, {"transient", m.transient}, {"modules", moduleOf(m.name)},
		{"info", m.description}})
	for _, f := range m.fields {
		vals := dict{{"name", f.name}, {"complete_name", m.name + "." + f.name}, {"model", m.name}, {"model_id", mid}, {"field_description", f.str}, {"ttype", f.typ},
			{"required", f.required}, {"readonly", f.readonly}, {"store", f.store}, {"state", "base"}}
		if f.help != "" {
			vals = append(vals, kv{"help", f.help})
		}
		if f.relation != "" {
			vals = append(vals, kv{"relation", f.relation})
		}
		if f.relField != "" {
			vals = append(vals, kv{"relation_field", f.relField})
		}
		// Faster than s.mk: ir.model.fields is large and needs no clock ticks.
		if _, err := s.e.create(db.model("ir.model.fields"), vals); err != nil {
			panic(fmt.Sprintf("odootest: seeding ir.model.fields: %v", err))
		}
	}
}
