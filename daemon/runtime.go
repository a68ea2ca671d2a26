package daemon

import (
	"context"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// Runtime is one running tenant as the supervisor drives it. The supervisor
// never reaches into a tenant beyond this: it mounts the MCP server on its
// listeners, hands it new settings on reload, asks it for its status, and
// closes it once it is no longer routed.
type Runtime interface {
	// Config returns the settings the runtime currently applies.
	Config() tenant.Config
	// MCPServer is the server the transports mount; it stays the same
	// across Update so open sessions survive a reload.
	MCPServer() *server.MCPServer
	// Update applies new settings of the same tenant in place.
	Update(cfg tenant.Config) error
	// Start begins background work (version detection, a login probe). It
	// must not block serving.
	Start(ctx context.Context)
	// Check logs in to the tenant's Odoo now.
	Check(ctx context.Context) (ctlapi.CheckResult, error)
	// Status is the tenant's row in the control API's status.
	Status() ctlapi.TenantStatus
	// Close releases the runtime; it is called once, after the tenant is
	// no longer routed and its requests have drained.
	Close() error
}

// RuntimeOptions carries what the supervisor gives every runtime it builds.
type RuntimeOptions struct {
	// Logger is already scoped with the tenant's name.
	Logger *slog.Logger
	// Audit, when not nil, receives audit lines besides Logger.
	Audit *slog.Logger
	// ObserveOdoo, when not nil, must be called after every Odoo call so
	// the supervisor's metrics see Odoo latency.
	ObserveOdoo func(model, method string, seconds float64, failed bool)
}

// Factory builds a runtime for one tenant. It must not do network I/O.
type Factory func(cfg tenant.Config, opts RuntimeOptions) (Runtime, error)
