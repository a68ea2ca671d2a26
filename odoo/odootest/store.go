package odootest

import (
	"encoding/base64"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// database is one Odoo database: its models and the credentials of its users.
type database struct {
	name       string
	models     map[string]*model
	modelNames []string
	version    int
	now        func() time.Time

	passwords  map[int64]string
	apiKeys    map[string]int64 // key -> uid
	apiKeyRecs map[string]int64 // key -> res.users.apikeys id
	restricted map[int64]bool
}

func (db *database) model(name string) *model { return db.models[name] }

func (db *database) register(m *model) {
	db.models[m.name] = m
	db.modelNames = append(db.modelNames, m.name)
}

func (db *database) stamp() string {
	return db.now().UTC().Format("2006-01-02 15:04:05")
}

// env is the calling context of one ORM call.
type env struct {
	db    *database
	uid   int64
	ctx   dict
	srv   *Server
	json2 bool // JSON-2 call: create returns a list even for one dict
	// fullScan disables index candidates (tests compare both paths).
	fullScan bool
}

func (e *env) activeTest() bool {
	if v, ok := e.ctx.get("active_test"); ok {
		return truthy(v)
	}
	return true
}

func (e *env) ctxBool(k string) bool {
	v, ok := e.ctx.get(k)
	return ok && truthy(v)
}

// truthy is Python's bool().
func truthy(v any) bool {
	switch x := v.(type) {
	case nil, pyNone:
		return false
	case bool:
		return x
	case int64:
		return x != 0
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case []int64:
		return len(x) > 0
	case dict:
		return len(x) > 0
	}
	return true
}

// displayName is the record's display_name.
func (db *database) displayName(m *model, r *record) string {
	if m.displayName != nil {
		return m.displayName(db, m, r)
	}
	if s, ok := r.v[m.recName].(string); ok && s != "" {
		return s
	}
	if m.recName != "name" || !m.has("name") {
		if f := m.byName[m.recName]; f != nil && f.typ == "many2one" {
			if t, _ := r.v[m.recName].(int64); t != 0 {
				if cm := db.model(f.relation); cm != nil {
					if cr := cm.recs[t]; cr != nil {
						return db.displayName(cm, cr)
					}
				}
			}
		}
	}
	return fmt.Sprintf("%s,%d", m.name, r.id)
}

// m2oValue is the [id, display_name] pair read gives a many2one.
func (db *database) m2oValue(rel string, id int64) any {
	if id == 0 {
		return false
	}
	cm := db.model(rel)
	if cm == nil {
		return []any{id, fmt.Sprintf("%s,%d", rel, id)}
	}
	cr := cm.recs[id]
	if cr == nil {
		return false
	}
	return []any{id, db.displayName(cm, cr)}
}

// rawValue is the stored (or computed) value of f on r, in stored form.
func (db *database) rawValue(m *model, r *record, f *field) any {
	if f.name == "id" {
		return r.id
	}
	if f.name == "display_name" {
		return db.displayName(m, r)
	}
	if f.compute != nil {
		return f.compute(db, m, r)
	}
	if f.typ == "one2many" {
		cm := db.model(f.relation)
		if cm == nil || f.relField == "" {
			return []int64{}
		}
		return cm.inverse(f.relField, r.id)
	}
	v, ok := r.v[f.name]
	if !ok {
		return zeroValue(f)
	}
	return v
}

func zeroValue(f *field) any {
	switch f.typ {
	case "integer", "many2one":
		return int64(0)
	case "float", "monetary":
		return 0.0
	case "boolean":
		return false
	case "one2many", "many2many":
		return []int64{}
	case "json":
		return nil
	}
	return ""
}

// readValue converts a stored value into what read() sends (convert_to_read).
func (db *database) readValue(m *model, r *record, f *field, classic bool, binSize bool) any {
	v := db.rawValue(m, r, f)
	switch f.typ {
	case "integer":
		n, _ := v.(int64)
		if n > math.MaxInt32 || n < math.MinInt32 {
			return float64(n)
		}
		return n
	case "float", "monetary":
		x, _ := v.(float64)
		return x
	case "boolean":
		b, _ := v.(bool)
		return b
	case "many2one":
		id, _ := v.(int64)
		if !classic {
			if id == 0 {
				return false
			}
			return id
		}
		return db.m2oValue(f.relation, id)
	case "one2many", "many2many":
		ids, _ := v.([]int64)
		cm := db.model(f.relation)
		out := make([]any, 0, len(ids))
		for _, id := range ids {
			if cm == nil || cm.recs[id] != nil {
				out = append(out, id)
			}
		}
		return out
	case "json":
		if v == nil {
			return false
		}
		return v
	case "binary":
		s, _ := v.(string)
		if s == "" {
			return false
		}
		if binSize {
			n := len(s) * 3 / 4
			return humanSize(n)
		}
		return s
	}
	s, _ := v.(string)
	if s == "" && !f.emptyString {
		return false
	}
	return s
}

// humanSize formats a byte count like odoo.tools.human_size.
func humanSize(n int) string {
	units := []string{"bytes", "Kb", "Mb", "Gb", "Tb"}
	s := float64(n)
	i := 0
	for s >= 1024 && i < len(units)-1 {
		s /= 1024
		i++
	}
	return fmt.Sprintf("%.2f %s", s, units[i])
}

// readRecords implements read(): nonexistent ids are skipped, id comes first.
func (e *env) readRecords(m *model, ids []int64, fields []string, classic bool, frames string) (any, *pyErr) {
	fs, err := e.resolveFields(m, fields, frames)
	if err != nil {
		return nil, err
	}
	binSize := e.ctxBool("bin_size")
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		r := m.recs[id]
		if r == nil {
			continue
		}
		d := make(dict, 0, len(fs)+1)
		d = append(d, kv{"id", id})
		for _, f := range fs {
			if f.name == "id" {
				continue
			}
			d = append(d, kv{f.name, e.db.readValue(m, r, f, classic, binSize)})
		}
		out = append(out, d)
	}
	return out, nil
}

func (e *env) resolveFields(m *model, names []string, frames string) ([]*field, *pyErr) {
	if len(names) == 0 {
		return m.fields, nil
	}
	fs := make([]*field, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		f := m.byName[n]
		if f == nil {
			return nil, errValue(fmt.Sprintf("Invalid field %s on model %s", pyRepr(n), pyRepr(m.name)), frames)
		}
		if !seen[n] {
			seen[n] = true
			fs = append(fs, f)
		}
	}
	return fs, nil
}

// coerce converts an incoming value for f into its stored form, as
// Field.convert_to_cache would, or fails with Odoo's error.
func (e *env) coerce(m *model, f *field, v any) (any, *pyErr) {
	if _, ok := v.(pyBinary); ok {
		return nil, errType("a bytes-like object is required, not 'Binary'")
	}
	if _, ok := v.(pyNone); ok {
		v = false
	}
	switch f.typ {
	case "char", "text", "html", "binary":
		switch x := v.(type) {
		case bool:
			if !x {
				return "", nil
			}
			return "True", nil
		case string:
			if f.size > 0 && len([]rune(x)) > f.size {
				x = string([]rune(x)[:f.size])
			}
			return x, nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return pyFloat(x), nil
		}
		return pyReprValue(v), nil
	case "selection":
		switch x := v.(type) {
		case bool:
			if !x {
				return "", nil
			}
		case string:
			if x == "" {
				return "", nil
			}
			for _, p := range f.selection {
				if p[0] == x {
					return x, nil
				}
			}
		}
		return nil, errValue(fmt.Sprintf("Wrong value for %s.%s: %s", m.name, f.name, pyReprValue(v)), framesWrite)
	case "integer":
		switch x := v.(type) {
		case bool:
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		case int64:
			return x, nil
		case float64:
			return int64(x), nil
		case string:
			n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
			if err != nil {
				return nil, errValue(fmt.Sprintf("invalid literal for int() with base 10: %s", pyRepr(x)), framesWrite)
			}
			return n, nil
		}
	case "float", "monetary":
		switch x := v.(type) {
		case bool:
			if x {
				return 1.0, nil
			}
			return 0.0, nil
		case int64:
			return float64(x), nil
		case float64:
			return x, nil
		case string:
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return nil, errValue(fmt.Sprintf("could not convert string to float: %s", pyRepr(x)), framesWrite)
			}
			return n, nil
		}
	case "boolean":
		return truthy(v), nil
	case "date":
		switch x := v.(type) {
		case bool:
			if !x {
				return "", nil
			}
		case string:
			if x == "" {
				return "", nil
			}
			s := x
			if len(s) > 10 {
				s = s[:10]
			}
			if _, err := time.Parse("2006-01-02", s); err != nil {
				return nil, errValue(fmt.Sprintf("time data %s does not match format '%%Y-%%m-%%d'", pyRepr(s)), framesWrite)
			}
			return s, nil
		}
	case "datetime":
		switch x := v.(type) {
		case bool:
			if !x {
				return "", nil
			}
		case string:
			if x == "" {
				return "", nil
			}
			if len(x) == 10 {
				if _, err := time.Parse("2006-01-02", x); err == nil {
					return x + " 00:00:00", nil
				}
			}
			if _, err := time.Parse("2006-01-02 15:04:05", x); err != nil {
				return nil, errValue(fmt.Sprintf("time data %s does not match format '%%Y-%%m-%%d %%H:%%M:%%S'", pyRepr(x)), framesWrite)
			}
			return x, nil
		}
	case "many2one":
		var id int64
		switch x := v.(type) {
		case bool:
			if x {
				id = 1
			}
		case int64:
			id = x
		case []any:
			if len(x) > 0 {
				if n, ok := x[0].(int64); ok {
					id = n
				}
			}
		case string:
			if x == "" {
				return int64(0), nil
			}
			return nil, errValue(fmt.Sprintf("invalid literal for int() with base 10: %s", pyRepr(x)), framesWrite)
		default:
			return nil, errType(fmt.Sprintf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyTypeName(v)))
		}
		if id != 0 {
			cm := e.db.model(f.relation)
			if cm != nil && cm.recs[id] == nil {
				return nil, errValidation(fmt.Sprintf("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s_%s_fkey\n", m.description, m.name, strings.ReplaceAll(m.name, ".", "_"), f.name))
			}
		}
		return id, nil
	case "json":
		return v, nil
	}
	return nil, errValue(fmt.Sprintf("Wrong value for %s.%s: %s", m.name, f.name, pyReprValue(v)), framesWrite)
}

func pyTypeName(v any) string {
	switch v.(type) {
	case dict:
		return "dict"
	case []any:
		return "list"
	case string:
		return "str"
	case float64:
		return "float"
	case int64:
		return "int"
	case bool:
		return "bool"
	}
	return "NoneType"
}

// x2manyOps is a parsed list of x2many commands.
type x2op struct {
	cmd  int64
	id   int64
	vals dict
	ids  []int64
}

func parseX2Many(v any) ([]x2op, *pyErr) {
	switch x := v.(type) {
	case []int64:
		return []x2op{{cmd: 6, ids: x}}, nil
	case bool:
		if !x {
			return []x2op{{cmd: 5}}, nil
		}
	case pyNone:
		return []x2op{{cmd: 5}}, nil
	case []any:
		var ops []x2op
		var plain []int64
		for _, item := range x {
			switch it := item.(type) {
			case int64:
				plain = append(plain, it)
			case []any:
				if len(it) == 0 {
					return nil, errValue("Invalid command: []", framesWrite)
				}
				c, ok := it[0].(int64)
				if !ok {
					return nil, errValue(fmt.Sprintf("Invalid command %s", pyReprValue(it)), framesWrite)
				}
				op := x2op{cmd: c}
				if len(it) > 1 {
					op.id, _ = it[1].(int64)
				}
				if len(it) > 2 {
					switch t := it[2].(type) {
					case dict:
						op.vals = t
					case []any:
						for _, e := range t {
							if n, ok := e.(int64); ok {
								op.ids = append(op.ids, n)
							}
						}
					}
				}
				if c < 0 || c > 6 {
					return nil, errValue(fmt.Sprintf("Invalid command %s", pyReprValue(it)), framesWrite)
				}
				ops = append(ops, op)
			default:
				return nil, errValue(fmt.Sprintf("Invalid command %s", pyReprValue(item)), framesWrite)
			}
		}
		if plain != nil {
			ops = append([]x2op{{cmd: 6, ids: plain}}, ops...)
		}
		return ops, nil
	}
	return nil, errValue(fmt.Sprintf("Wrong value for x2many field: %s", pyReprValue(v)), framesWrite)
}

// checkFieldNames rejects unknown field names the way create/write do.
func checkFieldNames(m *model, vals dict, create bool) *pyErr {
	for _, e := range vals {
		if m.byName[e.K] == nil {
			if create {
				return &pyErr{
					class:  "ValueError",
					msg:    fmt.Sprintf("Invalid field %s on model %s", pyRepr(e.K), pyRepr(m.name)),
					frames: framesCallKW + createChain(m) + framesCreate,
					cause:  &pyErr{class: "KeyError", msg: pyRepr(e.K), frames: framesUpdateCacheKey},
				}
			}
			return errValue(fmt.Sprintf("Invalid field %s on model %s", pyRepr(e.K), pyRepr(m.name)), framesWrite)
		}
	}
	return nil
}

// createChain is the override chain a model's create goes through before
// BaseModel.create, as a traceback shows it.
func createChain(m *model) string {
	if m.name == "res.partner" {
		return framesPartnerCreate
	}
	return ""
}

var logAccess = map[string]bool{"id": true, "create_uid": true, "create_date": true, "write_uid": true, "write_date": true, "display_name": true}

// create inserts one record from vals, applying defaults, x2many commands
// and constraints.
func (e *env) create(m *model, vals dict) (int64, *pyErr) {
	if err := checkFieldNames(m, vals, true); err != nil {
		return 0, err
	}
	if m.beforeCreate != nil {
		var err *pyErr
		if vals, err = m.beforeCreate(e, m, vals); err != nil {
			return 0, err
		}
	}
	r := &record{id: m.nextID, v: map[string]any{}}
	ctxDefaults := map[string]any{}
	for _, c := range e.ctx {
		if strings.HasPrefix(c.K, "default_") {
			ctxDefaults[strings.TrimPrefix(c.K, "default_")] = c.V
		}
	}
	var post []func() *pyErr
	given := map[string]bool{}
	for _, kvp := range vals {
		given[kvp.K] = true
	}
	for _, f := range m.fields {
		if logAccess[f.name] || (f.compute != nil && !given[f.name]) {
			continue
		}
		v, ok := vals.get(f.name)
		if !ok {
			if d, ok2 := ctxDefaults[f.name]; ok2 {
				v, ok = d, true
			} else if f.def != nil {
				v, ok = f.def(e.db, m, e.uid), true
			}
		}
		if ok && f.inverse != nil {
			ff, vv := f, v
			post = append(post, func() *pyErr { return ff.inverse(e, m, r, vv) })
			continue
		}
		if !ok || f.compute != nil {
			continue
		}
		if f.x2many() {
			ops, err := parseX2Many(v)
			if err != nil {
				return 0, err
			}
			ff := f
			post = append(post, func() *pyErr { return e.applyX2Many(m, r, ff, ops) })
			continue
		}
		if !f.store {
			continue
		}
		cv, err := e.coerce(m, f, v)
		if err != nil {
			return 0, err
		}
		r.v[f.name] = cv
	}
	for _, f := range m.fields {
		if f.required && f.store && !f.x2many() && isEmpty(f, r.v[f.name]) {
			return 0, errRequired(m, f)
		}
	}
	now := e.db.stamp()
	r.v["create_uid"], r.v["write_uid"] = e.uid, e.uid
	r.v["create_date"], r.v["write_date"] = now, now
	if err := e.checkRecursion(m, r, 0); err != nil {
		return 0, err
	}
	m.insert(r)
	for _, p := range post {
		if err := p(); err != nil {
			e.rollbackCreate(m, r.id)
			return 0, err
		}
	}
	if m.onChange != nil {
		m.onChange(e.db, m, r)
	}
	if m.check != nil {
		if err := m.check(e.db, m, r); err != nil {
			e.rollbackCreate(m, r.id)
			return 0, err
		}
	}
	e.touchParents(m, r)
	return r.id, nil
}

func (e *env) rollbackCreate(m *model, id int64) {
	m.remove(id)
}

// touchParents recomputes records whose stored totals depend on r (order lines -> order).
func (e *env) touchParents(m *model, r *record) {
	for _, f := range m.fields {
		if f.typ != "many2one" || !f.store {
			continue
		}
		pm := e.db.model(f.relation)
		if pm == nil || pm.onChange == nil {
			continue
		}
		if t, _ := r.v[f.name].(int64); t != 0 {
			if pr := pm.recs[t]; pr != nil && pm.name != m.name {
				pm.onChange(e.db, pm, pr)
			}
		}
	}
}

func isEmpty(f *field, v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case int64:
		return f.typ == "many2one" && x == 0
	}
	return false
}

func errRequired(m *model, f *field) *pyErr {
	return errValidation(fmt.Sprintf("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nField: %s (%s)\n", m.description, m.name, f.str, f.name))
}

// checkRecursion refuses a parent that is the record itself or one of its descendants.
func (e *env) checkRecursion(m *model, r *record, _ int) *pyErr {
	if m.parentField == "" {
		return nil
	}
	p, _ := r.v[m.parentField].(int64)
	seen := map[int64]bool{r.id: true}
	for p != 0 {
		if seen[p] {
			msg := m.recursionMsg
			if msg == "" {
				msg = "Recursion Detected."
			}
			return errValidation(msg)
		}
		seen[p] = true
		pr := m.recs[p]
		if pr == nil {
			break
		}
		p, _ = pr.v[m.parentField].(int64)
	}
	return nil
}

func (e *env) applyX2Many(m *model, r *record, f *field, ops []x2op) *pyErr {
	cm := e.db.model(f.relation)
	if cm == nil {
		return nil
	}
	if f.typ == "many2many" {
		cur, _ := r.v[f.name].([]int64)
		set := append([]int64(nil), cur...)
		for _, op := range ops {
			switch op.cmd {
			case 0:
				id, err := e.create(cm, op.vals)
				if err != nil {
					return err
				}
				set = appendUnique(set, id)
			case 1:
				if err := e.write(cm, []int64{op.id}, op.vals); err != nil {
					return err
				}
			case 2:
				if err := e.unlink(cm, []int64{op.id}); err != nil {
					return err
				}
				set = removeID(set, op.id)
			case 3:
				set = removeID(set, op.id)
			case 4:
				if cm.recs[op.id] == nil {
					return errMissingRecs(cm, []int64{op.id}, e.uid)
				}
				set = appendUnique(set, op.id)
			case 5:
				set = nil
			case 6:
				set = nil
				for _, id := range op.ids {
					if cm.recs[id] == nil {
						return errMissingRecs(cm, []int64{id}, e.uid)
					}
					set = appendUnique(set, id)
				}
			}
		}
		if set == nil {
			set = []int64{}
		}
		r.v[f.name] = set
		return nil
	}
	inv := f.relField
	for _, op := range ops {
		switch op.cmd {
		case 0:
			vals := append(dict{}, op.vals...)
			vals.set(inv, r.id)
			if _, err := e.create(cm, vals); err != nil {
				return err
			}
		case 1:
			if err := e.write(cm, []int64{op.id}, op.vals); err != nil {
				return err
			}
		case 2, 3:
			if err := e.unlinkOrDetach(cm, inv, op.id); err != nil {
				return err
			}
		case 4:
			cr := cm.recs[op.id]
			if cr == nil {
				return errMissingRecs(cm, []int64{op.id}, e.uid)
			}
			cm.setM2O(cr, inv, r.id)
		case 5, 6:
			for _, id := range cm.inverse(inv, r.id) {
				keep := false
				for _, k := range op.ids {
					keep = keep || k == id
				}
				if !keep {
					if err := e.unlinkOrDetach(cm, inv, id); err != nil {
						return err
					}
				}
			}
			for _, id := range op.ids {
				if cr := cm.recs[id]; cr != nil {
					cm.setM2O(cr, inv, r.id)
				}
			}
		}
	}
	return nil
}

func (e *env) unlinkOrDetach(cm *model, inv string, id int64) *pyErr {
	if cm.recs[id] == nil {
		return nil
	}
	if f := cm.byName[inv]; f != nil && f.required {
		return e.unlink(cm, []int64{id})
	}
	cm.setM2O(cm.recs[id], inv, 0)
	return nil
}

func appendUnique(s []int64, id int64) []int64 {
	for _, x := range s {
		if x == id {
			return s
		}
	}
	return append(s, id)
}

func removeID(s []int64, id int64) []int64 {
	out := s[:0:0]
	for _, x := range s {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

// errMissingRecs is the MissingError write and friends raise (rec x21).
func errMissingRecs(m *model, ids []int64, uid int64) *pyErr {
	return errMissing(fmt.Sprintf("Record does not exist or has been deleted.\n(Record: %s(%s), User: %d)", m.name, joinIDs(ids), uid))
}

// write updates existing records; all-or-nothing.
func (e *env) write(m *model, ids []int64, vals dict) *pyErr {
	if err := checkFieldNames(m, vals, false); err != nil {
		return err
	}
	var missing []int64
	for _, id := range ids {
		if m.recs[id] == nil {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return errMissingRecs(m, missing, e.uid)
	}
	// Validate everything before touching a record.
	type change struct {
		f   *field
		v   any
		ops []x2op
	}
	var changes []change
	var inverses []change
	for _, kvp := range vals {
		f := m.byName[kvp.K]
		if f.inverse != nil {
			inverses = append(inverses, change{f: f, v: kvp.V})
			continue
		}
		if logAccess[f.name] || f.compute != nil {
			continue
		}
		if f.x2many() {
			ops, err := parseX2Many(kvp.V)
			if err != nil {
				return err
			}
			changes = append(changes, change{f: f, ops: ops})
			continue
		}
		if !f.store {
			continue
		}
		cv, err := e.coerce(m, f, kvp.V)
		if err != nil {
			return err
		}
		if f.required && isEmpty(f, cv) {
			return errRequired(m, f)
		}
		changes = append(changes, change{f: f, v: cv})
	}
	// Constraints that need the new values: recursion.
	for _, id := range ids {
		r := m.recs[id]
		for _, c := range changes {
			if c.f.name == m.parentField && c.ops == nil {
				probe := &record{id: r.id, v: map[string]any{m.parentField: c.v}}
				if err := e.checkRecursion(m, probe, 0); err != nil {
					return err
				}
			}
		}
	}
	snapshots := map[int64]map[string]any{}
	var passwords map[int64]string
	if len(inverses) > 0 {
		// Inverses store outside the record (res.users passwords): a
		// failed write restores them too, as the rollback would.
		passwords = make(map[int64]string, len(e.db.passwords))
		for k, v := range e.db.passwords {
			passwords[k] = v
		}
	}
	rollback := func() {
		e.restore(m, snapshots)
		if passwords != nil {
			e.db.passwords = passwords
		}
	}
	for _, id := range ids {
		r := m.recs[id]
		snap := make(map[string]any, len(r.v))
		for k, v := range r.v {
			snap[k] = v
		}
		snapshots[id] = snap
		for _, c := range changes {
			if c.ops != nil {
				if err := e.applyX2Many(m, r, c.f, c.ops); err != nil {
					rollback()
					return err
				}
				continue
			}
			if c.f.indexed() {
				m.setM2O(r, c.f.name, c.v.(int64))
			} else {
				r.v[c.f.name] = c.v
			}
		}
		for _, c := range inverses {
			if err := c.f.inverse(e, m, r, c.v); err != nil {
				rollback()
				return err
			}
		}
		r.v["write_uid"] = e.uid
		r.v["write_date"] = e.db.stamp()
		if m.onChange != nil {
			m.onChange(e.db, m, r)
		}
		if m.check != nil {
			if err := m.check(e.db, m, r); err != nil {
				rollback()
				return err
			}
		}
		e.touchParents(m, r)
	}
	return nil
}

func (e *env) restore(m *model, snaps map[int64]map[string]any) {
	for id, snap := range snaps {
		r := m.recs[id]
		if r == nil {
			continue
		}
		for _, f := range m.fields {
			if f.indexed() {
				t, _ := snap[f.name].(int64)
				m.setM2O(r, f.name, t)
			}
		}
		r.v = snap
	}
}

// unlink deletes records, cascading or refusing along required many2ones.
func (e *env) unlink(m *model, ids []int64) *pyErr {
	for _, id := range ids {
		r := m.recs[id]
		if r == nil {
			continue
		}
		if m.beforeUnlink != nil {
			if err := m.beforeUnlink(e.db, m, r); err != nil {
				return err
			}
		}
	}
	for _, id := range ids {
		r := m.recs[id]
		if r == nil {
			continue
		}
		// Referencing records: cascade owned lines, refuse required links, clear others.
		for _, name := range e.db.modelNames {
			om := e.db.models[name]
			for _, f := range om.fields {
				if f.typ != "many2one" || !f.store || f.relation != m.name {
					continue
				}
				refs := om.inverse(f.name, id)
				if len(refs) == 0 {
					continue
				}
				if f.required {
					if isOwnerLink(om, f) {
						if err := e.unlink(om, refs); err != nil {
							return err
						}
						continue
					}
					return errValidation(fmt.Sprintf("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s_%s_fkey\n", om.description, om.name, strings.ReplaceAll(om.name, ".", "_"), f.name))
				}
				for _, rid := range refs {
					if rr := om.recs[rid]; rr != nil {
						om.setM2O(rr, f.name, 0)
					}
				}
			}
		}
		m.remove(id)
		e.touchParents(m, r)
	}
	return nil
}

// isOwnerLink reports whether f ties a line to its document (ondelete cascade).
func isOwnerLink(m *model, f *field) bool {
	switch f.name {
	case "order_id", "move_id", "res_id":
		return true
	}
	return strings.HasSuffix(m.name, ".line")
}

// sortIDs returns ids ascending.
func sortIDs(ids []int64) []int64 {
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// b64 encodes demo binary content.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
