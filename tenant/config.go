// Package tenant owns one tenant's runtime: its configuration value, its Odoo
// client, and the MCP server (tools, resources, prompts and the policy that
// guards them) that the daemon mounts on its endpoints. It never imports the
// daemon.
package tenant

import (
	"reflect"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// Config is one tenant's settings as the daemon's loader produced them:
// defaults applied, secrets read from their files or environment, every
// value validated. Nothing mutates a Config after load; a reload produces a
// new one, and the daemon compares old and new with Equal.
type Config struct {
	// Name is the tenant's name: lower-case letters, digits, '-' and '_'.
	// It is the first path segment of the tenant's endpoints.
	Name string

	// Odoo connection.
	URL      string      // base URL, http(s)://host[:port][/prefix]
	DB       string      // database name
	Username string      // login
	Password odoo.Secret // password or API key used as password (XML-RPC)
	APIKey   odoo.Secret // API key (JSON-2 bearer; also usable as Password)
	Protocol string      // "xmlrpc" | "json2" | "auto"
	Timeout  time.Duration

	// Results.
	MaxRecords       int // hard cap on rows any tool returns
	MaxResponseBytes int // cap on one tool result's payload

	// Guard rails.
	ReadOnly      bool
	ConfirmWrites string   // "off" | "destructive" | "all"
	Models        []string // allow/deny globs, "!" prefix denies; empty allows all
	Methods       []string // extra methods execute_method may call (globs)
	HiddenFields  []string // field names never returned, beyond the built-in secret list
	DenyFields    map[string][]string
	Context       map[string]any // default Odoo context (lang, tz, allowed_company_ids, ...)

	// Access: how remote clients reach this tenant. Enforced by transports.
	Access Access

	// Stateless serves Streamable HTTP without server-held sessions.
	Stateless bool
	// SessionIdleTimeout expires stateful sessions left idle this long.
	SessionIdleTimeout time.Duration
}

// Access describes who may call a tenant over HTTP.
type Access struct {
	// TokenHashes are "sha256:<hex>" digests of the bearer tokens clients
	// present. Empty means the tenant needs no token.
	TokenHashes []string
	// AllowIPs are CIDRs a client address must fall in. Empty allows all.
	AllowIPs []string
	// AllowOrigins are the browser Origins allowed (CORS). Empty: no CORS.
	AllowOrigins []string
	// RateLimit is requests per second per client IP; 0 disables. Burst is
	// the bucket size.
	RateLimit float64
	Burst     int
	// MaxBodyBytes caps a request body.
	MaxBodyBytes int64
}

// Equal reports whether two configs are the same in every setting,
// secrets included.
func (c Config) Equal(o Config) bool { return reflect.DeepEqual(c, o) }
