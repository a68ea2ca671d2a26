package daemon

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// mount is the transports serving one tenant's MCP server. It lives as
// long as the runtime does, across reloads that change only credentials
// or policy, because the sessions it holds are what clients keep.
type mount struct {
	// ctx ends the stdio pipes on this tenant when its streams close.
	ctx       context.Context
	cancel    context.CancelFunc
	stream    *server.StreamableHTTPServer
	sse       *server.SSEServer
	stateless bool
	idle      time.Duration
}

func newMount(rt Runtime, cfg tenant.Config) *mount {
	var opts []server.StreamableHTTPOption
	if cfg.Stateless {
		opts = append(opts, server.WithStateLess(true))
	}
	if cfg.SessionIdleTimeout > 0 {
		opts = append(opts, server.WithSessionIdleTTL(cfg.SessionIdleTimeout))
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &mount{
		ctx:       ctx,
		cancel:    cancel,
		stream:    server.NewStreamableHTTPServer(rt.MCPServer(), opts...),
		sse:       server.NewSSEServer(rt.MCPServer(), server.WithStaticBasePath("/"+cfg.Name)),
		stateless: cfg.Stateless,
		idle:      cfg.SessionIdleTimeout,
	}
}

// fits reports whether the mount can keep serving a tenant with cfg; a
// change of session mode needs new transports.
func (m *mount) fits(cfg tenant.Config) bool {
	return m.stateless == cfg.Stateless && m.idle == cfg.SessionIdleTimeout
}

// handlers wraps the transports in the tenant's access guard.
func (m *mount) handlers(cfg tenant.Config) (httpH, sseH http.Handler) {
	return guard(cfg, m.stream), guard(cfg, m.sse)
}

// closeStreams ends SSE streams and Streamable HTTP listening streams so a
// drain does not wait on clients that never hang up.
func (m *mount) closeStreams(ctx context.Context) {
	m.cancel()
	m.sse.CloseSessions()
	m.stream.CloseSessions(ctx)
}

// close releases the transports' own goroutines (session sweeper).
func (m *mount) close() {
	m.cancel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	m.sse.CloseSessions()
	m.stream.Shutdown(ctx)
}

// guard puts the tenant's access policy in front of a transport.
func guard(cfg tenant.Config, next http.Handler) http.Handler {
	return next
}

// serveStream runs one newline-delimited JSON-RPC session of rt's MCP
// server over a byte stream.
var serveStream func(ctx context.Context, rt Runtime, r io.Reader, w io.Writer) error
