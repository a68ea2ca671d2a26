package config

import (
	"maps"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

var topKeys = []string{"daemon", "defaults", "tenants"}

func parse(path string, data []byte, env func(string) string, worldReadable bool) (*File, error) {
	l := &loader{file: path, env: env}
	var root map[string]toml.Primitive
	md, err := decode(string(data), &root)
	if err != nil {
		l.syntaxProblem(err, string(data))
		return nil, &Error{Problems: l.probs}
	}
	l.md = md
	top := l.tableFrom("", knownLine(0), root, nil)

	f := &File{Path: path, Daemon: defaultDaemon()}
	for _, e := range top.entries {
		if !containsStr(topKeys, e.name) {
			l.unknownKey(e, topKeys)
		}
	}
	if e, ok := top.get("daemon"); ok {
		if t, ok := l.decodeTable(e); ok {
			l.daemon(t, &f.Daemon)
		}
	}
	base := tenantBuild{cfg: defaultTenant()}
	if e, ok := top.get("defaults"); ok {
		if t, ok := l.decodeTable(e); ok {
			l.tenantTable(t, &base, true)
		}
	}
	if e, ok := top.get("tenants"); ok {
		if t, ok := l.decodeTable(e); ok {
			for _, te := range t.entries {
				if msg := checkTenantName(te.name); msg != "" {
					l.problem(te.line.get(), te.key, "%s", msg)
					continue
				}
				tt, ok := l.decodeTable(te)
				if !ok {
					continue
				}
				if c, ok := l.tenant(tt, te.name, base); ok {
					f.Tenants = append(f.Tenants, c)
				}
			}
		}
	}
	if len(f.Tenants) == 0 && len(l.probs) == 0 {
		l.warns = append(l.warns, Problem{File: path, Msg: "no tenants configured; add a [tenants.NAME] table"})
	}
	l.crossTenant(f.Tenants)
	if worldReadable && l.inlineSecrets {
		l.warns = append(l.warns, Problem{File: path, Msg: "the file holds inline secrets and is readable by every user; chmod o-r it"})
	}

	if len(l.probs) > 0 {
		sortProblems(l.probs)
		return nil, &Error{Problems: l.probs}
	}
	sortProblems(l.warns)
	for _, w := range l.warns {
		f.Warnings = append(f.Warnings, w.String())
	}
	sort.Slice(f.Tenants, func(i, j int) bool { return f.Tenants[i].Name < f.Tenants[j].Name })
	return f, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var daemonKeys = []string{
	"allowed_hosts", "audit_file", "control_group", "control_mode", "control_socket",
	"drain_timeout", "http_listen", "http_path", "log_format", "log_level",
	"shutdown_timeout", "sse_listen", "sse_path", "tls_cert", "tls_client_ca", "tls_key",
}

func (l *loader) daemon(t *table, d *Daemon) {
	for _, e := range t.entries {
		switch e.name {
		case "http_listen":
			l.setStr(e, &d.HTTPListen, checkListen)
		case "sse_listen":
			l.setStr(e, &d.SSEListen, checkListen)
		case "http_path":
			l.setStr(e, &d.HTTPPath, checkEndpointPath)
		case "sse_path":
			l.setStr(e, &d.SSEPath, checkEndpointPath)
		case "control_socket":
			l.setStr(e, &d.ControlSocket, checkSocketPath)
		case "control_group":
			l.setStr(e, &d.ControlGroup, func(s string) (string, string) {
				if !groupNameRE.MatchString(s) {
					return "", "must be a group name or numeric gid, got " + strconv.Quote(s)
				}
				return s, ""
			})
		case "control_mode":
			l.controlMode(e, d)
		case "log_level":
			if s, ok := l.enum(e, "debug", "info", "warn", "error"); ok {
				d.LogLevel = s
			}
		case "log_format":
			if s, ok := l.enum(e, "auto", "text", "json"); ok {
				d.LogFormat = s
			}
		case "audit_file":
			l.setStr(e, &d.AuditFile, checkAbsPath)
		case "drain_timeout":
			if v, ok := l.duration(e, 0, time.Hour); ok {
				d.DrainTimeout = v
			}
		case "shutdown_timeout":
			if v, ok := l.duration(e, time.Second, time.Hour); ok {
				d.ShutdownTimeout = v
			}
		case "tls_cert":
			l.setStr(e, &d.TLSCert, l.readableFile)
		case "tls_key":
			l.setStr(e, &d.TLSKey, l.readableFile)
		case "tls_client_ca":
			l.setStr(e, &d.TLSClientCA, l.readableFile)
		case "allowed_hosts":
			if v, ok := l.strList(e, checkAllowedHost); ok {
				d.AllowedHosts = v
			}
		default:
			l.unknownKey(e, daemonKeys)
		}
	}
	if (d.TLSCert == "") != (d.TLSKey == "") {
		if e, ok := t.get("tls_cert"); ok && d.TLSKey == "" {
			l.errorf(e, "needs tls_key too")
		} else if e, ok := t.get("tls_key"); ok && d.TLSCert == "" {
			l.errorf(e, "needs tls_cert too")
		}
	}
	if e, ok := t.get("tls_client_ca"); ok && d.TLSClientCA != "" && d.TLSCert == "" {
		l.errorf(e, "needs tls_cert and tls_key: client certificates are only checked over TLS")
	}
	// Port 0 asks the kernel for a free port each time, so two such
	// listeners never collide.
	if d.HTTPListen != "" && d.HTTPListen == d.SSEListen && !strings.HasSuffix(d.HTTPListen, ":0") {
		e, _ := t.get("sse_listen")
		if e.key == "" {
			e, _ = t.get("http_listen")
		}
		l.problem(e.line.get(), e.key, "http_listen and sse_listen must differ, both are %q", d.HTTPListen)
	}
	if d.HTTPListen == "" && d.SSEListen == "" {
		l.problem(t.line.get(), "daemon", "http_listen and sse_listen are both disabled; only the control socket would serve")
	}
}

// controlMode accepts 0o660 or "0660".
func (l *loader) controlMode(e entry, d *Daemon) {
	var n int64
	switch v := e.val.(type) {
	case int64:
		n = v
	case string:
		p, err := strconv.ParseInt(v, 8, 32)
		if err != nil {
			l.errorf(e, "must be an octal mode like \"0660\" or 0o660, got %q", v)
			return
		}
		n = p
	default:
		l.errorf(e, "must be an octal mode like \"0660\" or 0o660, got %s", describe(e.val))
		return
	}
	if n <= 0 || n > 0o777 {
		l.errorf(e, "must be a permission mode between 0o001 and 0o777, got %#o", n)
		return
	}
	if n&0o002 != 0 {
		l.warnf(e, "mode %#o lets every user on the host drive the daemon and read every tenant", n)
	}
	d.ControlMode = os.FileMode(n)
}

// readableFile checks that a file the daemon will read (a TLS certificate)
// exists and can be opened, so -check-config catches it before a restart.
func (l *loader) readableFile(s string) (string, string) {
	if s == "" {
		return "", ""
	}
	if _, msg := checkAbsPath(s); msg != "" {
		return "", msg
	}
	fh, err := os.Open(s)
	if err != nil {
		return "", "cannot read " + strconv.Quote(s) + ": " + describeOSError(err)
	}
	fh.Close()
	return s, ""
}

// tenantBuild is a tenant's settings while its table is being read.
type tenantBuild struct {
	cfg      tenant.Config
	password secretRefs
	apiKey   secretRefs
}

var tenantKeys = []string{
	"allow_ips", "allow_origins", "api_key", "api_key_env", "api_key_file", "burst",
	"client_tokens", "confirm_writes", "context", "db", "deny_fields", "hidden_fields",
	"max_body_bytes", "max_records", "max_response_bytes", "methods", "models",
	"password", "password_env", "password_file", "protocol", "rate_limit", "read_only",
	"session_idle_timeout", "stateless", "timeout", "url", "username",
}

// perTenantKeys identify one tenant and its credentials: they make no sense
// shared by every tenant, so [defaults] refuses them.
var perTenantKeys = []string{
	"url", "db", "password", "password_file", "password_env",
	"api_key", "api_key_file", "api_key_env", "client_tokens",
}

func (l *loader) tenantTable(t *table, b *tenantBuild, isDefaults bool) {
	c := &b.cfg
	for _, e := range t.entries {
		if isDefaults && containsStr(perTenantKeys, e.name) {
			l.errorf(e, "is set per tenant, not in [defaults]; move it to each [tenants.NAME] table")
			continue
		}
		switch e.name {
		case "url":
			l.setStr(e, &c.URL, checkOdooURL)
		case "db":
			l.setStr(e, &c.DB, checkDB)
		case "username":
			l.setStr(e, &c.Username, checkUsername)
		case "password":
			b.password.inline = l.secretRef(e)
		case "password_file":
			b.password.file = l.secretRef(e)
		case "password_env":
			b.password.env = l.secretRef(e)
		case "api_key":
			b.apiKey.inline = l.secretRef(e)
		case "api_key_file":
			b.apiKey.file = l.secretRef(e)
		case "api_key_env":
			b.apiKey.env = l.secretRef(e)
		case "protocol":
			if s, ok := l.enum(e, "xmlrpc", "json2", "auto"); ok {
				c.Protocol = s
			}
		case "timeout":
			if v, ok := l.duration(e, 100*time.Millisecond, 10*time.Minute); ok {
				c.Timeout = v
			}
		case "max_records":
			if v, ok := l.integer(e, 1, 100000); ok {
				c.MaxRecords = int(v)
			}
		case "max_response_bytes":
			if v, ok := l.integer(e, 1<<10, 256<<20); ok {
				c.MaxResponseBytes = int(v)
			}
		case "read_only":
			if v, ok := l.boolean(e); ok {
				c.ReadOnly = v
			}
		case "confirm_writes":
			if s, ok := l.enum(e, "off", "destructive", "all"); ok {
				c.ConfirmWrites = s
			}
		case "models":
			if v, ok := l.strList(e, checkModelGlob); ok {
				c.Models = v
			}
		case "methods":
			if v, ok := l.strList(e, checkMethodGlob); ok {
				c.Methods = v
			}
		case "hidden_fields":
			if v, ok := l.strList(e, checkFieldName); ok {
				c.HiddenFields = v
			}
		case "deny_fields":
			if v, ok := l.denyFields(e); ok {
				c.DenyFields = v
			}
		case "context":
			if v, ok := l.odooContext(e); ok {
				c.Context = v
			}
		case "client_tokens":
			if v, ok := l.strList(e, checkTokenHash); ok {
				c.Access.TokenHashes = dedupe(l, e, v)
			}
		case "allow_ips":
			if v, ok := l.strList(e, checkCIDR); ok {
				c.Access.AllowIPs = v
			}
		case "allow_origins":
			if v, ok := l.strList(e, checkOrigin); ok {
				c.Access.AllowOrigins = v
			}
		case "rate_limit":
			if v, ok := l.number(e, 0, 1e6); ok {
				c.Access.RateLimit = v
			}
		case "burst":
			if v, ok := l.integer(e, 0, 1e6); ok {
				c.Access.Burst = int(v)
			}
		case "max_body_bytes":
			if v, ok := l.integer(e, 1<<10, 256<<20); ok {
				c.Access.MaxBodyBytes = v
			}
		case "stateless":
			if v, ok := l.boolean(e); ok {
				c.Stateless = v
			}
		case "session_idle_timeout":
			if v, ok := l.duration(e, time.Second, 7*24*time.Hour); ok {
				c.SessionIdleTimeout = v
			}
		default:
			l.unknownKey(e, tenantKeys)
		}
	}
}

func dedupe(l *loader, e entry, v []string) []string {
	seen := make(map[string]bool, len(v))
	out := v[:0:0]
	for _, s := range v {
		if seen[s] {
			l.warnf(e, "the same token hash is listed twice")
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// tenant builds one tenant from the [defaults]-derived base and its table.
func (l *loader) tenant(t *table, name string, base tenantBuild) (tenant.Config, bool) {
	before := len(l.probs)
	b := base
	b.cfg.Name = name
	l.tenantTable(t, &b, false)
	c := &b.cfg
	for _, req := range []struct{ key, val string }{{"url", c.URL}, {"db", c.DB}, {"username", c.Username}} {
		if _, written := t.get(req.key); !written && req.val == "" {
			l.problem(t.line.get(), t.key, "missing %s", req.key)
		}
	}
	c.Password = l.resolveSecret(t, "password", b.password)
	c.APIKey = l.resolveSecret(t, "api_key", b.apiKey)
	if b.password.none() && b.apiKey.none() {
		l.problem(t.line.get(), t.key, "no credentials: set password_file, password_env, api_key_file or api_key_env")
	}
	if c.Protocol == "json2" && b.apiKey.none() {
		e, _ := t.get("protocol")
		if e.key == "" {
			e = entry{key: t.key, line: t.line}
		}
		l.errorf(e, "protocol \"json2\" needs an API key: set api_key_file or api_key_env")
	}
	finishTenant(c)
	return *c, len(l.probs) == before
}

// crossTenant warns about settings that undo isolation between tenants.
func (l *loader) crossTenant(ts []tenant.Config) {
	owner := map[string]string{}
	for _, c := range ts {
		for _, h := range c.Access.TokenHashes {
			if o, ok := owner[h]; ok && o != c.Name {
				l.warns = append(l.warns, Problem{File: l.file, Key: "tenants." + c.Name + ".client_tokens",
					Msg: "a token hash is shared with tenant " + strconv.Quote(o) + ": that token opens both"})
				continue
			}
			owner[h] = c.Name
		}
	}
}

func (l *loader) denyFields(e entry) (map[string][]string, bool) {
	t, ok := l.decodeTable(e)
	if !ok {
		return nil, false
	}
	out := make(map[string][]string, len(t.entries))
	good := true
	for _, me := range t.entries {
		if !modelNameRE.MatchString(me.name) {
			l.errorf(me, "must be a model name like \"res.partner\", got %q", me.name)
			good = false
			continue
		}
		fields, ok := l.strList(me, checkFieldName)
		if !ok {
			good = false
			continue
		}
		out[me.name] = fields
	}
	return out, good
}

// odooContext accepts scalars and arrays of scalars: what Odoo's context
// carries (lang, tz, active_test, allowed_company_ids).
func (l *loader) odooContext(e entry) (map[string]any, bool) {
	m, ok := e.val.(map[string]any)
	if !ok {
		l.errorf(e, "must be a table like { lang = \"fr_FR\" }, got %s", describe(e.val))
		return nil, false
	}
	keys := make([]string, 0, len(m))
	for k := range maps.Keys(m) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	good := true
	for _, k := range keys {
		if !scalarOrList(m[k]) {
			l.errorf(e, "value of %q must be a string, number, boolean or array of them, got %s", k, kindOf(m[k]))
			good = false
		}
		if strings.TrimSpace(k) == "" {
			l.errorf(e, "has an empty key")
			good = false
		}
	}
	return m, good
}

func scalarOrList(v any) bool {
	switch v := v.(type) {
	case string, int64, float64, bool:
		return true
	case []any:
		for _, x := range v {
			switch x.(type) {
			case string, int64, float64, bool:
			default:
				return false
			}
		}
		return true
	}
	return false
}
