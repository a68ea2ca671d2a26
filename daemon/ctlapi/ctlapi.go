// Package ctlapi holds the wire types of odoo-mcpd's control API, the
// HTTP+JSON interface served on the daemon's unix socket. It is a leaf:
// odoo-mcpctl and the daemon both import it, and it imports neither.
//
// Endpoints (all under /v1/):
//
//	GET  /v1/status          -> Status
//	GET  /v1/tenants         -> []TenantStatus (same rows as Status.Tenants)
//	POST /v1/reload          -> ReloadResult (HTTP 200 on success; 422 with Error on a bad config)
//	POST /v1/check?tenant=X  -> CheckResult (logs in to that tenant's Odoo now)
//	GET  /v1/stdio?tenant=X  with "Connection: Upgrade", "Upgrade: mcp-stdio"
//	                         -> 101 Switching Protocols, then newline-delimited
//	                            JSON-RPC both ways on the connection
//
// Every failure answers with a non-2xx status and an Error body.
package ctlapi

import "time"

// DefaultSocket is where the daemon listens when not told otherwise.
const DefaultSocket = "/run/odoo-mcpd/control.sock"

// SocketEnv names the environment variable odoo-mcpctl reads for the socket path.
const SocketEnv = "ODOO_MCPD_SOCKET"

// UpgradeProtocol is the Upgrade header value of the stdio pipe.
const UpgradeProtocol = "mcp-stdio"

// Error is the body of every failed control API call.
type Error struct {
	Error string `json:"error"`
	// Known lists the tenant names when the request named an unknown one.
	Known []string `json:"known,omitempty"`
}

// Status describes the running daemon.
type Status struct {
	Version    string         `json:"version"`
	PID        int            `json:"pid"`
	StartedAt  time.Time      `json:"started_at"`
	Uptime     Duration       `json:"uptime"`
	ConfigPath string         `json:"config_path"`
	HTTPAddr   string         `json:"http_addr,omitempty"`
	SSEAddr    string         `json:"sse_addr,omitempty"`
	LastReload *ReloadSummary `json:"last_reload,omitempty"`
	Tenants    []TenantStatus `json:"tenants"`
}

// ReloadSummary is the outcome of the most recent reload.
type ReloadSummary struct {
	At    time.Time `json:"at"`
	OK    bool      `json:"ok"`
	Error string    `json:"error,omitempty"`
	Count int       `json:"count"` // reloads since start, successful or not
}

// TenantStatus is one tenant's row in Status.
type TenantStatus struct {
	Name        string     `json:"name"`
	State       string     `json:"state"` // "starting" | "ready" | "degraded" | "stopping"
	URL         string     `json:"url"`
	DB          string     `json:"db"`
	Protocol    string     `json:"protocol"`
	OdooVersion string     `json:"odoo_version,omitempty"`
	ReadOnly    bool       `json:"read_only"`
	Sessions    int        `json:"sessions"`
	Calls       uint64     `json:"calls"`
	Errors      uint64     `json:"errors"`
	LatencyP50  Duration   `json:"latency_p50"`
	LatencyP99  Duration   `json:"latency_p99"`
	LastError   string     `json:"last_error,omitempty"`
	LastErrorAt *time.Time `json:"last_error_at,omitempty"`
}

// ReloadResult is what a successful reload changed.
type ReloadResult struct {
	Added     []string `json:"added"`
	Removed   []string `json:"removed"`
	Changed   []string `json:"changed"`
	Unchanged []string `json:"unchanged"`
	Duration  Duration `json:"duration"`
}

// CheckResult is the outcome of logging in to one tenant's Odoo.
type CheckResult struct {
	Tenant      string   `json:"tenant"`
	OK          bool     `json:"ok"`
	OdooVersion string   `json:"odoo_version,omitempty"`
	Protocol    string   `json:"protocol,omitempty"`
	UID         int64    `json:"uid,omitempty"`
	RoundTrip   Duration `json:"round_trip"`
	Error       string   `json:"error,omitempty"`
}

// Duration is a time.Duration that travels as a string ("1.5ms") in JSON.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
