package tenant

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// memOdoo is a tiny in-memory Odoo for unit tests of the tool plumbing:
// one res.partner table, ir.model and res.users. The behaviour tests run
// against odoo/odootest.
type memOdoo struct {
	mu       sync.Mutex
	partners map[int64]map[string]any
	next     int64
	calls    map[string]int // "model.method" -> count
	fail     map[string]error
}

func newMemOdoo() *memOdoo {
	m := &memOdoo{partners: map[int64]map[string]any{}, next: 10, calls: map[string]int{}, fail: map[string]error{}}
	m.partners[7] = map[string]any{"id": int64(7), "name": "Azure Interior", "email": "azure@example.com", "is_company": true, "country_id": []any{int64(21), "Belgium"}, "image_128": "iVBOR", "signup_token": "tok-should-never-show", "child_ids": []any{int64(8)}, "comment": false}
	m.partners[8] = map[string]any{"id": int64(8), "name": "Brandon Freeman", "email": false, "is_company": false, "country_id": false, "image_128": false, "signup_token": false, "child_ids": []any{}, "comment": false}
	return m
}

func (m *memOdoo) factory(Config, Options, func(string, string, time.Duration, error)) (odooAPI, error) {
	return m, nil
}

func (m *memOdoo) count(key string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.calls[key]
}

var memPartnerFields = map[string]any{
	"id":           map[string]any{"type": "integer", "string": "ID", "store": true, "readonly": true},
	"name":         map[string]any{"type": "char", "string": "Name", "store": true, "required": true},
	"email":        map[string]any{"type": "char", "string": "Email", "store": true},
	"is_company":   map[string]any{"type": "boolean", "string": "Is a Company", "store": true},
	"country_id":   map[string]any{"type": "many2one", "string": "Country", "relation": "res.country", "store": true},
	"image_128":    map[string]any{"type": "binary", "string": "Image", "store": true},
	"signup_token": map[string]any{"type": "char", "string": "Signup Token", "store": true},
	"child_ids":    map[string]any{"type": "one2many", "string": "Contacts", "relation": "res.partner", "store": true},
	"comment":      map[string]any{"type": "html", "string": "Notes", "store": true},
}

func (m *memOdoo) ExecuteKW(_ context.Context, model, method string, args []any, kwargs map[string]any) (any, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls[model+"."+method]++
	if err := m.fail[model+"."+method]; err != nil {
		return nil, err
	}
	switch model + "." + method {
	case "ir.model.search_read":
		return []any{
			map[string]any{"model": "res.partner", "name": "Contact", "transient": false},
			map[string]any{"model": "res.country", "name": "Country", "transient": false},
			map[string]any{"model": "res.users", "name": "User", "transient": false},
			map[string]any{"model": "ir.cron", "name": "Scheduled Actions", "transient": false},
		}, nil
	case "res.users.read":
		return []any{map[string]any{"id": int64(2), "name": "Mitchell Admin", "login": "admin", "company_id": []any{int64(1), "YourCompany"}, "tz": "Europe/Brussels", "lang": "en_US"}}, nil
	case "ir.module.module.search_read":
		return []any{map[string]any{"name": "contacts"}}, nil
	case "res.partner.fields_get":
		return memPartnerFields, nil
	case "res.country.fields_get":
		return map[string]any{"id": map[string]any{"type": "integer"}, "code": map[string]any{"type": "char"}, "name": map[string]any{"type": "char"}}, nil
	case "res.partner.search_read", "res.partner.read":
		var fields []any
		if f, ok := kwargs["fields"].([]any); ok {
			fields = f
		}
		var out []any
		var ids []int64
		if method == "read" {
			for _, e := range args[0].([]any) {
				ids = append(ids, e.(int64))
			}
		} else {
			for id := int64(1); id < m.next+1; id++ {
				if _, ok := m.partners[id]; ok {
					ids = append(ids, id)
				}
			}
		}
		for _, id := range ids {
			p, ok := m.partners[id]
			if !ok {
				continue
			}
			r := map[string]any{"id": id}
			for _, f := range fields {
				r[f.(string)] = p[f.(string)]
			}
			if len(fields) == 0 {
				for k, v := range p {
					r[k] = v
				}
			}
			out = append(out, r)
		}
		if out == nil {
			out = []any{}
		}
		return out, nil
	case "res.partner.search_count":
		return int64(len(m.partners)), nil
	case "res.partner.create":
		vals := args[0].(map[string]any)
		id := m.next
		m.next++
		p := map[string]any{"id": id}
		for k := range memPartnerFields {
			p[k] = false
		}
		for k, v := range vals {
			p[k] = v
		}
		m.partners[id] = p
		return id, nil
	case "res.partner.write":
		for _, e := range args[0].([]any) {
			p, ok := m.partners[e.(int64)]
			if !ok {
				return nil, &odoo.Error{Kind: odoo.KindUserError, Class: "MissingError", Message: "Record does not exist or has been deleted.\n(Record: res.partner(" + fmt.Sprint(e) + ",), User: 2)", Code: 2, Model: model, Method: method}
			}
			for k, v := range args[1].(map[string]any) {
				p[k] = v
			}
		}
		return true, nil
	case "res.partner.unlink":
		for _, e := range args[0].([]any) {
			delete(m.partners, e.(int64))
		}
		return true, nil
	case "res.partner.name_search":
		var out []any
		for id, p := range m.partners {
			if strings.Contains(strings.ToLower(p["name"].(string)), strings.ToLower(kwargs["name"].(string))) {
				out = append(out, []any{id, p["name"]})
			}
		}
		return out, nil
	case "res.partner.check_access_rights":
		return true, nil
	}
	if strings.HasPrefix(method, "_") {
		return nil, &odoo.Error{Kind: odoo.KindAccessError, Class: "AccessError", Message: "Private methods (such as '" + model + "." + method + "') cannot be called remotely.", Code: 4, Model: model, Method: method}
	}
	return nil, &odoo.Error{Kind: odoo.KindServer, Class: "AttributeError", Message: "The method '" + model + "." + method + "' does not exist", Code: 1, Traceback: "Traceback (most recent call last):\n  File \"/usr/lib/python3/dist-packages/odoo/api.py\"\nAttributeError: x", Model: model, Method: method}
}

func (m *memOdoo) Version(context.Context) (*odoo.Version, error) {
	return &odoo.Version{ServerVersion: "18.0", Serie: "18.0", ProtocolVersion: 1, Major: 18}, nil
}
func (m *memOdoo) Authenticate(context.Context) (int64, error) { return 2, nil }
func (m *memOdoo) UID() int64                                  { return 2 }
func (m *memOdoo) Protocol() string                            { return "xmlrpc" }
func (m *memOdoo) Close()                                      {}
