package tenant

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// modelInfo is one row of ir.model.
type modelInfo struct {
	Model     string `json:"model"`
	Name      string `json:"name"`
	Transient bool   `json:"transient,omitempty"`
}

// serverInfo is what odoo_server_info and the initialize instructions say
// about the Odoo behind a tenant.
type serverInfo struct {
	Version  string   `json:"odoo_version"`
	Major    int      `json:"major_version"`
	Protocol string   `json:"protocol"`
	URL      string   `json:"url"`
	DB       string   `json:"database"`
	UID      int64    `json:"uid"`
	User     string   `json:"user"`
	Login    string   `json:"login"`
	Company  string   `json:"company,omitempty"`
	TZ       string   `json:"tz,omitempty"`
	Lang     string   `json:"lang,omitempty"`
	Apps     []string `json:"installed_apps,omitempty"`
	ReadOnly bool     `json:"read_only"`
}

// call runs one Odoo method with the call's context merged in.
func (st *state) call(ctx context.Context, model, method string, args []any, kwargs map[string]any, octx map[string]any) (any, error) {
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	if len(octx) > 0 {
		kwargs["context"] = octx
	}
	return st.odoo.ExecuteKW(ctx, model, method, args, kwargs)
}

// callOptions carries a call's Odoo context to the client's typed helpers.
func callOptions(octx map[string]any) *odoo.CallOptions {
	if len(octx) == 0 {
		return nil
	}
	return &odoo.CallOptions{Context: octx}
}

// fieldsOf returns a model's fields from fields_get, cached per tenant.
func (st *state) fieldsOf(ctx context.Context, model string) (map[string]fieldMeta, error) {
	return st.fields.get(model, func() (map[string]fieldMeta, error) {
		raw, err := st.call(ctx, model, "fields_get", []any{}, map[string]any{"attributes": fieldAttributes}, st.pol.context)
		if err != nil {
			return nil, err
		}
		return parseFields(raw)
	})
}

// lookup is the fieldLookup domain validation uses; it applies the model
// policy to relations a path walks through.
func (st *state) lookup(ctx context.Context, model string) (map[string]fieldMeta, error) {
	if !st.pol.modelAllowed(model) {
		return nil, &refusal{msg: fmt.Sprintf("model %q is not available on this tenant (denied by its models policy)", model)}
	}
	return st.visible.get(model, func() (map[string]fieldMeta, error) {
		fs, err := st.fieldsOf(ctx, model)
		if err != nil {
			return nil, err
		}
		return st.pol.visibleFields(model, fs), nil
	})
}

// modelList returns every model of the Odoo, cached.
func (st *state) modelList(ctx context.Context) ([]modelInfo, error) {
	return st.models.get("", func() ([]modelInfo, error) {
		raw, err := st.call(ctx, "ir.model", "search_read", []any{[]any{}}, map[string]any{"fields": []any{"model", "name", "transient"}, "order": "model"}, nil)
		if err != nil {
			return nil, err
		}
		rows, ok := raw.([]any)
		if !ok {
			return nil, fmt.Errorf("ir.model search_read answered %s, not a list", jsonKind(raw))
		}
		out := make([]modelInfo, 0, len(rows))
		for _, r := range rows {
			m, _ := r.(map[string]any)
			mi := modelInfo{}
			mi.Model, _ = m["model"].(string)
			mi.Name, _ = m["name"].(string)
			mi.Transient, _ = m["transient"].(bool)
			if mi.Model != "" {
				out = append(out, mi)
			}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
		return out, nil
	})
}

// requireModel checks the policy and that the model exists, so a call on
// a misspelt model fails with a useful sentence before the real call. When
// the model list cannot be read (a user without access to ir.model), Odoo
// itself will say the model does not exist.
func (st *state) requireModel(ctx context.Context, model string) error {
	if err := st.pol.checkModel(model); err != nil {
		return err
	}
	models, err := st.modelList(ctx)
	if err != nil {
		return nil
	}
	for _, m := range models {
		if m.Model == model {
			return nil
		}
	}
	var near []string
	for _, m := range models {
		if st.pol.modelAllowed(m.Model) && (strings.Contains(m.Model, model) || strings.Contains(model, m.Model) || closeName(m.Model, model)) {
			near = append(near, m.Model)
		}
	}
	if len(near) > 5 {
		near = near[:5]
	}
	hint := " (list_models shows the models)"
	if len(near) > 0 {
		hint = fmt.Sprintf(" (did you mean %s? list_models shows the models)", strings.Join(near, ", "))
	}
	return argError("model", fmt.Sprintf("model %q does not exist on this Odoo%s", model, hint))
}

// closeName says whether two model names share their last segment.
func closeName(a, b string) bool {
	la := a[strings.LastIndex(a, ".")+1:]
	lb := b[strings.LastIndex(b, ".")+1:]
	return la == lb
}

// serverInfo gathers version, user, company and apps, cached for a while.
func (t *Tenant) serverInfo(ctx context.Context, st *state) (*serverInfo, error) {
	return st.info.get("", func() (*serverInfo, error) {
		v, err := st.odoo.Version(ctx)
		if err != nil {
			return nil, err
		}
		uid, err := st.odoo.Authenticate(ctx)
		if err != nil {
			return nil, err
		}
		info := &serverInfo{
			Version: v.ServerVersion, Major: v.Major, Protocol: st.odoo.Protocol(),
			URL: st.cfg.URL, DB: st.cfg.DB, UID: uid, Login: st.cfg.Username, ReadOnly: st.pol.readOnly,
		}
		raw, err := st.call(ctx, "res.users", "read", []any{[]any{uid}}, map[string]any{"fields": []any{"name", "login", "company_id", "tz", "lang"}}, nil)
		if err != nil {
			return nil, err
		}
		if rows, ok := raw.([]any); ok && len(rows) == 1 {
			if u, ok := rows[0].(map[string]any); ok {
				info.User, _ = u["name"].(string)
				if l, ok := u["login"].(string); ok {
					info.Login = l
				}
				if c, ok := u["company_id"].([]any); ok && len(c) == 2 {
					info.Company, _ = c[1].(string)
				}
				info.TZ, _ = u["tz"].(string)
				info.Lang, _ = u["lang"].(string)
			}
		}
		// Installed apps are a nicety: a user who cannot read modules
		// still gets the rest.
		if raw, err := st.call(ctx, "ir.module.module", "search_read",
			[]any{[]any{[]any{"state", "=", "installed"}, []any{"application", "=", true}}},
			map[string]any{"fields": []any{"name"}, "order": "name"}, nil); err == nil {
			if rows, ok := raw.([]any); ok {
				for _, r := range rows {
					if m, ok := r.(map[string]any); ok {
						if n, ok := m["name"].(string); ok {
							info.Apps = append(info.Apps, n)
						}
					}
				}
			}
		}
		return info, nil
	})
}

const genericInstructions = "This server gives access to an Odoo ERP database. Start with list_models or get_model_fields to learn the data model, then search_records / read_records to read and the write tools to change data. Domains use Odoo's list form, e.g. [[\"is_company\", \"=\", true]]."

// instructionsTimeout bounds how long initialize waits for Odoo's details.
const instructionsTimeout = 3 * time.Second

// instructions tells the client which Odoo, user, company and time zone it
// is talking to, when Odoo answers quickly; otherwise the generic text.
func (t *Tenant) instructions(ctx context.Context) string {
	st, release, err := t.acquire()
	if err != nil {
		return genericInstructions
	}
	defer release()
	info, ok := st.info.peek("")
	if !ok {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), instructionsTimeout)
		defer cancel()
		var err error
		info, err = t.serverInfo(ctx, st)
		if err != nil {
			return genericInstructions + " (Odoo did not answer yet; odoo_server_info tells the version and user once it does.)"
		}
	}
	tz := info.TZ
	if tz == "" {
		tz = "not set (Odoo stores datetimes in UTC)"
	}
	mode := "read and write"
	if st.pol.readOnly {
		mode = "read-only"
	}
	company := info.Company
	if company == "" {
		company = "unknown"
	}
	return fmt.Sprintf("Odoo %s, database %q, signed in as %s (%s), company %s, time zone %s; this tenant is %s. Datetimes are UTC strings \"YYYY-MM-DD HH:MM:SS\". %s",
		info.Version, info.DB, info.User, info.Login, company, tz, mode, genericInstructions)
}
