package tenant

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// policy is the compiled form of a Config's guard rails. It is immutable;
// Update swaps in a new one.
type policy struct {
	readOnly      bool
	confirmWrites string // "off" | "destructive" | "all"
	allowModels   []string
	denyModels    []string
	extraMethods  []string
	hiddenFields  []string
	denyFields    map[string][]string
	maxRecords    int
	maxBytes      int
	context       map[string]any
}

// Defaults applied when a Config leaves a cap at zero, so that a tenant
// built by hand (tests, the demo) still protects a model's context window.
const (
	defaultMaxRecords       = 200
	defaultMaxResponseBytes = 256 << 10
)

// blockedModels cannot be driven through execute_method or batch_execute
// at all beyond reading: a server action or a cron runs arbitrary code with
// the rights of whoever triggers it.
var blockedModels = []string{"ir.actions.server", "ir.cron"}

// blockedMethods are refused whatever the config says. They either escape
// access rules (sudo, with_user, with_env) or reach the database directly.
var blockedMethods = []string{"sudo", "with_user", "with_env", "with_context", "with_company", "execute", "execute_kw", "cr_execute", "query", "flush", "flush_all", "invalidate_cache", "invalidate_model", "invalidate_all", "init"}

// readMethods are the ORM methods that never change data. They are what a
// read-only tenant may still call through execute_method.
var readMethods = []string{
	"read", "search", "search_read", "search_count", "search_fetch", "fetch",
	"fields_get", "name_search", "name_get", "read_group", "formatted_read_group",
	"default_get", "get_metadata", "check_access_rights", "has_access",
	"check_access", "check_access_rule", "check_field_access_rights", "exists",
	"web_search_read", "web_read", "web_read_group", "read_progress_bar",
	"get_views", "fields_view_get", "onchange", "context_get",
}

// writeMethods are the ORM methods that change data and need no allow-list
// entry on a writable tenant. unlink is the destructive one.
var writeMethods = []string{"create", "write", "unlink", "copy", "name_create", "action_archive", "action_unarchive", "toggle_active", "message_post"}

// secretFieldWords mark a field as holding a credential wherever they appear
// in its name; such fields are never returned, whatever the config says.
var secretFieldWords = []string{"password", "passwd", "secret", "token", "api_key", "apikey", "totp", "signup_"}

func newPolicy(cfg Config) (*policy, error) {
	p := &policy{
		readOnly:      cfg.ReadOnly,
		confirmWrites: cfg.ConfirmWrites,
		extraMethods:  slices.Clone(cfg.Methods),
		hiddenFields:  slices.Clone(cfg.HiddenFields),
		denyFields:    map[string][]string{},
		maxRecords:    cfg.MaxRecords,
		maxBytes:      cfg.MaxResponseBytes,
		context:       map[string]any{},
	}
	switch p.confirmWrites {
	case "":
		p.confirmWrites = "off"
	case "off", "destructive", "all":
	default:
		return nil, fmt.Errorf("confirm_writes: must be off, destructive or all, got %q", cfg.ConfirmWrites)
	}
	if p.maxRecords <= 0 {
		p.maxRecords = defaultMaxRecords
	}
	if p.maxBytes <= 0 {
		p.maxBytes = defaultMaxResponseBytes
	}
	for i, g := range cfg.Models {
		deny := strings.HasPrefix(g, "!")
		pat := strings.TrimPrefix(g, "!")
		if _, err := path.Match(pat, "x"); err != nil || pat == "" {
			return nil, fmt.Errorf("models[%d]: bad glob %q", i, g)
		}
		if deny {
			p.denyModels = append(p.denyModels, pat)
		} else {
			p.allowModels = append(p.allowModels, pat)
		}
	}
	for i, g := range cfg.Methods {
		if _, err := path.Match(g, "x"); err != nil || g == "" {
			return nil, fmt.Errorf("methods[%d]: bad glob %q", i, g)
		}
	}
	for m, fs := range cfg.DenyFields {
		p.denyFields[m] = slices.Clone(fs)
	}
	for k, v := range cfg.Context {
		p.context[k] = v
	}
	return p, nil
}

func matchAny(globs []string, s string) bool {
	for _, g := range globs {
		if ok, _ := path.Match(g, s); ok {
			return true
		}
	}
	return false
}

// modelAllowed reports whether the tenant's model globs let model through.
func (p *policy) modelAllowed(model string) bool {
	if matchAny(p.denyModels, model) {
		return false
	}
	return len(p.allowModels) == 0 || matchAny(p.allowModels, model)
}

// checkModel validates a model name's shape and the tenant's model policy.
func (p *policy) checkModel(model string) error {
	if model == "" {
		return argError("model", "is required, for example \"res.partner\"")
	}
	if !validModelName(model) {
		return argError("model", fmt.Sprintf("%q is not a model name; model names look like \"res.partner\" or \"sale.order\"", model))
	}
	if !p.modelAllowed(model) {
		return &refusal{msg: fmt.Sprintf("model %q is not available on this tenant (denied by its models policy)", model)}
	}
	return nil
}

func validModelName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_' && i > 0, r == '.' && i > 0:
		default:
			return false
		}
	}
	return true
}

func validMethodName(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

func isReadMethod(m string) bool  { return slices.Contains(readMethods, m) }
func isWriteMethod(m string) bool { return slices.Contains(writeMethods, m) }

// methodBlocked says why a method can never be called, or "" when it can.
func methodBlocked(method string) string {
	switch {
	case strings.HasPrefix(method, "_"):
		return "private methods (leading underscore) cannot be called"
	case slices.Contains(blockedMethods, method):
		return "it escapes Odoo's access rules or reaches the database directly"
	case strings.Contains(strings.ToLower(method), "sql"):
		return "raw SQL helpers cannot be called"
	}
	return ""
}

// checkMethod applies every rule that governs execute_method and
// batch_execute: the model policy, the built-in blocklist, server
// actions and crons, read-only mode, and the methods allow-list.
func (p *policy) checkMethod(model, method string) error {
	if err := p.checkModel(model); err != nil {
		return err
	}
	if method == "" {
		return argError("method", "is required, for example \"action_confirm\"")
	}
	if !validMethodName(method) {
		return argError("method", fmt.Sprintf("%q is not a method name", method))
	}
	if why := methodBlocked(method); why != "" {
		return &refusal{msg: fmt.Sprintf("method %q on %s is refused: %s", method, model, why)}
	}
	read := isReadMethod(method)
	if slices.Contains(blockedModels, model) && !read {
		return &refusal{msg: fmt.Sprintf("method %q on %s is refused: server actions and scheduled actions cannot be run from here", method, model)}
	}
	if read {
		return nil
	}
	if p.readOnly {
		return &refusal{msg: fmt.Sprintf("method %q on %s is refused: this tenant is read-only and %q is not a known read method", method, model, method)}
	}
	if isWriteMethod(method) || matchAny(p.extraMethods, method) {
		return nil
	}
	return &refusal{msg: fmt.Sprintf("method %q on %s is refused: it is not an ORM method and not in this tenant's methods allow-list", method, model)}
}

// checkWrite refuses write tools on a read-only tenant. The tools are not
// listed there, but a stale client may still call them.
func (p *policy) checkWrite(model string) error {
	if err := p.checkModel(model); err != nil {
		return err
	}
	if p.readOnly {
		return &refusal{msg: "this tenant is read-only"}
	}
	return nil
}

// needsConfirm says whether a call must be confirmed by the human first.
func (p *policy) needsConfirm(destructive bool) bool {
	switch p.confirmWrites {
	case "all":
		return true
	case "destructive":
		return destructive
	}
	return false
}

// fieldHidden reports whether a field must never leave the tenant.
func (p *policy) fieldHidden(model, field string) bool {
	if isSecretField(field) || matchAny(p.hiddenFields, field) {
		return true
	}
	for m, fs := range p.denyFields {
		if ok, _ := path.Match(m, model); ok && matchAny(fs, field) {
			return true
		}
	}
	return false
}

func isSecretField(name string) bool {
	l := strings.ToLower(name)
	for _, w := range secretFieldWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// contextKeys are the Odoo context keys a caller may set per call; anything
// else (uid, su, active_ids, default_*) could change what a call does in
// ways the policy cannot see.
var contextKeys = []string{"lang", "tz", "active_test", "allowed_company_ids"}

// mergeContext lays a call's context over the tenant's default. It refuses
// keys outside contextKeys and values of the wrong type, naming them.
func (p *policy) mergeContext(raw any) (map[string]any, error) {
	out := make(map[string]any, len(p.context)+2)
	for k, v := range p.context {
		out[k] = v
	}
	if raw == nil {
		return out, nil
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, argError("context", fmt.Sprintf("must be an object such as {\"lang\": \"fr_FR\"}, got %s", jsonKind(raw)))
	}
	for k, v := range m {
		switch k {
		case "lang", "tz":
			s, ok := v.(string)
			if !ok || s == "" || len(s) > 64 {
				return nil, argError("context."+k, fmt.Sprintf("must be a non-empty string, got %s", jsonKind(v)))
			}
			out[k] = s
		case "active_test":
			b, ok := v.(bool)
			if !ok {
				return nil, argError("context.active_test", fmt.Sprintf("must be true or false, got %s", jsonKind(v)))
			}
			out[k] = b
		case "allowed_company_ids":
			ids, err := toIDs(v, "context.allowed_company_ids")
			if err != nil {
				return nil, err
			}
			l := make([]any, len(ids))
			for i, id := range ids {
				l[i] = id
			}
			out[k] = l
		default:
			return nil, argError("context."+k, fmt.Sprintf("is not allowed; only %s may be set", strings.Join(contextKeys, ", ")))
		}
	}
	return out, nil
}
