package odootest

import (
	"sort"
	"strings"
)

// field describes one ORM field the way fields_get reports it, plus what
// the simulator needs to store, search and compute it.
type field struct {
	name             string
	typ              string // char, text, html, integer, float, monetary, boolean, date, datetime, selection, many2one, one2many, many2many, binary, json
	str              string
	help             string
	relation         string
	relField         string // one2many inverse many2one
	required         bool
	readonly         bool
	store            bool
	translate        bool
	selection        [][2]string
	digits           []int64
	size             int
	companyDependent bool
	// compute returns the value of a non-stored field; it sees the whole
	// database because computed values often follow relations.
	compute func(db *database, m *model, r *record) any
	// def is the default on create when the field is not given.
	def func(db *database, m *model, uid int64) any
	// aggregator overrides the default ("sum" for numeric, stored fields).
	aggregator string
	// index keeps an inverse index on a non-many2one field (mail.message.res_id).
	index bool
	// emptyString: the compute sets '' rather than False, so read gives ''
	// (res.users.password).
	emptyString bool
	// inverse stores a value written to a computed field (Odoo's inverse=);
	// such a field is writable but, with no search method, not searchable.
	inverse func(e *env, m *model, r *record, v any) *pyErr
}

func (f *field) indexed() bool { return (f.typ == "many2one" || f.index) && f.store }

func (f *field) relational() bool {
	return f.typ == "many2one" || f.typ == "one2many" || f.typ == "many2many"
}

func (f *field) x2many() bool { return f.typ == "one2many" || f.typ == "many2many" }

func (f *field) numeric() bool {
	return f.typ == "integer" || f.typ == "float" || f.typ == "monetary"
}

// aggr is the aggregator fields_get reports and read_group applies by default.
func (f *field) aggr() string {
	if f.aggregator != "" {
		if f.aggregator == "-" {
			return ""
		}
		return f.aggregator
	}
	if f.numeric() && f.store && f.name != "id" && f.name != "sequence" && f.name != "color" {
		return "sum"
	}
	return ""
}

// model is one Odoo model: its fields, its defaults and its records.
type model struct {
	name         string
	description  string
	order        string // default _order
	recName      string // _rec_name
	parentField  string // hierarchy field for child_of/parent_of (parent_id)
	recursionMsg string
	fields       []*field
	byName       map[string]*field
	transient    bool
	noLogAccess  bool // _log_access = False: no create_uid/write_uid/write_date
	thread       bool // inherits mail.thread: message_post works
	// methods are model-specific public methods beyond the generic ORM ones.
	methods map[string]methodFunc
	// private lists existing private methods (fault 4 instead of AttributeError).
	private map[string]bool
	// displayName overrides the rec_name based display_name.
	displayName func(db *database, m *model, r *record) string
	// onChange recomputes stored computed fields after create/write.
	onChange func(db *database, m *model, r *record)
	// check validates a record after create/write (constraints).
	check func(db *database, m *model, r *record) *pyErr
	// beforeCreate may complete vals before a create (res.users creates
	// its partner first, as _inherits does).
	beforeCreate func(e *env, m *model, vals dict) (dict, *pyErr)
	// beforeUnlink may refuse a deletion.
	beforeUnlink func(db *database, m *model, r *record) *pyErr

	recs   map[int64]*record
	ids    []int64   // ascending, existing records only
	rows   []*record // rows[i] is recs[ids[i]], so scans avoid map lookups
	nextID int64
	// inv indexes many2one values: field -> target id -> source ids.
	inv map[string]map[int64][]int64
}

// record is one row. Values are stored in their simulator form: string for
// char-like fields ("" is empty), int64, float64, bool, int64 id for
// many2one (0 is empty), []int64 for many2many, any for json.
type record struct {
	id int64
	v  map[string]any
}

func newModel(name, description string) *model {
	return &model{
		name:        name,
		description: description,
		order:       "id",
		recName:     "name",
		byName:      map[string]*field{},
		methods:     map[string]methodFunc{},
		private:     map[string]bool{"_compute_display_name": true, "_read_group": true, "_search": true, "_where_calc": true, "_check_recursion": true, "_compute_field_value": true},
		recs:        map[int64]*record{},
		nextID:      1,
		inv:         map[string]map[int64][]int64{},
	}
}

func (m *model) add(fs ...*field) *model {
	for _, f := range fs {
		if old, ok := m.byName[f.name]; ok {
			*old = *f
			continue
		}
		m.fields = append(m.fields, f)
		m.byName[f.name] = f
	}
	return m
}

// field option helpers keep the model definitions short.
type fopt func(*field)

func req(f *field)       { f.required = true }
func ro(f *field)        { f.readonly = true }
func nostore(f *field)   { f.store = false; f.readonly = true }
func translate(f *field) { f.translate = true }
func help(h string) fopt { return func(f *field) { f.help = h } }
func computed(fn func(db *database, m *model, r *record) any) fopt {
	return func(f *field) { f.compute = fn; f.store = false; f.readonly = true }
}
func deflt(v any) fopt {
	return func(f *field) { f.def = func(*database, *model, int64) any { return v } }
}
func defFn(fn func(db *database, m *model, uid int64) any) fopt {
	return func(f *field) { f.def = fn }
}
func aggregator(a string) fopt { return func(f *field) { f.aggregator = a } }
func inverse(fn func(e *env, m *model, r *record, v any) *pyErr) fopt {
	return func(f *field) { f.inverse = fn; f.readonly = false }
}

func mk(name, typ, str string, opts []fopt) *field {
	f := &field{name: name, typ: typ, str: str, store: true}
	for _, o := range opts {
		o(f)
	}
	return f
}

func fChar(name, str string, o ...fopt) *field     { return mk(name, "char", str, o) }
func fText(name, str string, o ...fopt) *field     { return mk(name, "text", str, o) }
func fHTML(name, str string, o ...fopt) *field     { return mk(name, "html", str, o) }
func fInt(name, str string, o ...fopt) *field      { return mk(name, "integer", str, o) }
func fFloat(name, str string, o ...fopt) *field    { return mk(name, "float", str, o) }
func fMoney(name, str string, o ...fopt) *field    { return mk(name, "monetary", str, o) }
func fBool(name, str string, o ...fopt) *field     { return mk(name, "boolean", str, o) }
func fDate(name, str string, o ...fopt) *field     { return mk(name, "date", str, o) }
func fDatetime(name, str string, o ...fopt) *field { return mk(name, "datetime", str, o) }
func fBinary(name, str string, o ...fopt) *field   { return mk(name, "binary", str, o) }
func fM2O(name, str, rel string, o ...fopt) *field {
	f := mk(name, "many2one", str, o)
	f.relation = rel
	return f
}
func fO2M(name, str, rel, inverse string, o ...fopt) *field {
	f := mk(name, "one2many", str, o)
	f.relation, f.relField, f.store = rel, inverse, false
	return f
}
func fM2M(name, str, rel string, o ...fopt) *field {
	f := mk(name, "many2many", str, o)
	f.relation = rel
	return f
}
func fSel(name, str string, pairs string, o ...fopt) *field {
	f := mk(name, "selection", str, o)
	for _, p := range strings.Split(pairs, ";") {
		k, v, _ := strings.Cut(p, "=")
		f.selection = append(f.selection, [2]string{k, v})
	}
	return f
}

// magicFields are the fields every model has (id, display_name and the
// create/write audit columns).
func magicFields() []*field {
	return []*field{
		fInt("id", "ID", ro),
		fChar("display_name", "Display Name", nostore),
		fM2O("create_uid", "Created by", "res.users", ro),
		fDatetime("create_date", "Created on", ro),
		fM2O("write_uid", "Last Updated by", "res.users", ro),
		fDatetime("write_date", "Last Updated on", ro),
	}
}

// threadFields are mail.thread's and mail.activity.mixin's fields.
func threadFields() []*field {
	return []*field{
		fBool("message_is_follower", "Is Follower", nostore),
		fO2M("message_follower_ids", "Followers", "mail.followers", "res_id"),
		fM2M("message_partner_ids", "Followers (Partners)", "res.partner", nostore),
		fO2M("message_ids", "Messages", "mail.message", "res_id"),
		fBool("has_message", "Has Message", nostore),
		fBool("message_needaction", "Action Needed", nostore),
		fInt("message_needaction_counter", "Number of Actions", nostore),
		fBool("message_has_error", "Message Delivery error", nostore),
		fInt("message_has_error_counter", "Number of errors", nostore),
		fInt("message_attachment_count", "Attachment Count", nostore),
	}
}

// finish appends magic fields not already declared and indexes the model.
func (m *model) finish() *model {
	for _, f := range magicFields() {
		if m.noLogAccess && logAccess[f.name] && f.name != "id" && f.name != "display_name" && f.name != "create_date" {
			continue
		}
		if _, ok := m.byName[f.name]; !ok {
			m.add(f)
		}
	}
	if m.thread {
		for _, f := range m.fields {
			if f.name == "message_ids" {
				f.compute = computeMessageIDs
				f.store = false
			}
		}
	}
	return m
}

func (m *model) has(name string) bool { _, ok := m.byName[name]; return ok }

// insert stores a record with a fixed id, used by seeding and create.
func (m *model) insert(r *record) {
	m.recs[r.id] = r
	if n := len(m.ids); n == 0 || m.ids[n-1] < r.id {
		m.ids = append(m.ids, r.id)
		m.rows = append(m.rows, r)
	} else {
		i := sort.Search(n, func(i int) bool { return m.ids[i] >= r.id })
		if i < n && m.ids[i] == r.id {
			m.rows[i] = r
		} else {
			m.ids = append(m.ids, 0)
			copy(m.ids[i+1:], m.ids[i:])
			m.ids[i] = r.id
			m.rows = append(m.rows, nil)
			copy(m.rows[i+1:], m.rows[i:])
			m.rows[i] = r
		}
	}
	if r.id >= m.nextID {
		m.nextID = r.id + 1
	}
	for _, f := range m.fields {
		if f.indexed() {
			if t, _ := r.v[f.name].(int64); t != 0 {
				m.indexAdd(f.name, t, r.id)
			}
		}
	}
}

func (m *model) remove(id int64) {
	r := m.recs[id]
	if r == nil {
		return
	}
	for _, f := range m.fields {
		if f.indexed() {
			if t, _ := r.v[f.name].(int64); t != 0 {
				m.indexDel(f.name, t, id)
			}
		}
	}
	delete(m.recs, id)
	i := sort.Search(len(m.ids), func(i int) bool { return m.ids[i] >= id })
	if i < len(m.ids) && m.ids[i] == id {
		m.ids = append(m.ids[:i], m.ids[i+1:]...)
		m.rows = append(m.rows[:i], m.rows[i+1:]...)
	}
}

func (m *model) indexAdd(fname string, target, id int64) {
	idx := m.inv[fname]
	if idx == nil {
		idx = map[int64][]int64{}
		m.inv[fname] = idx
	}
	idx[target] = append(idx[target], id)
}

func (m *model) indexDel(fname string, target, id int64) {
	s := m.inv[fname][target]
	for i, x := range s {
		if x == id {
			s = append(s[:i:i], s[i+1:]...)
			break
		}
	}
	if len(s) == 0 {
		delete(m.inv[fname], target)
	} else {
		m.inv[fname][target] = s
	}
}

// setM2O changes a stored many2one and keeps the inverse index right.
func (m *model) setM2O(r *record, fname string, target int64) {
	if old, _ := r.v[fname].(int64); old != 0 {
		m.indexDel(fname, old, r.id)
	}
	r.v[fname] = target
	if target != 0 {
		m.indexAdd(fname, target, r.id)
	}
}

// inverse returns the ids of m's records whose many2one fname points at target, ascending.
func (m *model) inverse(fname string, target int64) []int64 {
	s := m.inv[fname][target]
	out := make([]int64, len(s))
	copy(out, s)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
