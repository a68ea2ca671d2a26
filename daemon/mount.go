package daemon

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/tenant"
	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// mount is the transports serving one tenant's MCP server. It lives as
// long as the runtime does, across reloads that change only credentials
// or policy, because the sessions it holds are what clients keep.
type mount struct {
	stream    *transports.Streamable
	sse       *transports.SSE
	stateless bool
	idle      time.Duration
	pipes     atomic.Int64 // open stdio pipes

	// ctx ends the stdio pipes on this tenant when its streams close.
	ctx    context.Context
	cancel context.CancelFunc
}

func newMount(rt Runtime, cfg tenant.Config, ds *settingsView, log *slog.Logger) *mount {
	ctx, cancel := context.WithCancel(context.Background())
	srv := rt.MCPServer()
	return &mount{
		stream: transports.NewStreamableHTTP(srv, transports.StreamableOptions{
			Stateless:      cfg.Stateless,
			SessionIdleTTL: cfg.SessionIdleTimeout,
			AllowedHosts:   ds.allowedHosts,
			Logger:         log,
		}),
		sse: transports.NewSSE(srv, "/"+cfg.Name, transports.SSEOptions{
			AllowedHosts: ds.allowedHosts,
			KeepAlive:    30 * time.Second,
		}),
		stateless: cfg.Stateless,
		idle:      cfg.SessionIdleTimeout,
		ctx:       ctx,
		cancel:    cancel,
	}
}

// settingsView is what mounts need of the daemon settings.
type settingsView struct {
	allowedHosts []string
}

// fits reports whether the mount can keep serving a tenant with cfg; a
// change of session mode needs new transports.
func (m *mount) fits(cfg tenant.Config) bool {
	return m.stateless == cfg.Stateless && m.idle == cfg.SessionIdleTimeout
}

// handlers wraps the transports in the tenant's access guard.
func (m *mount) handlers(cfg tenant.Config) (httpH, sseH http.Handler) {
	p := transports.AccessPolicy{
		TokenHashes:  cfg.Access.TokenHashes,
		AllowIPs:     cfg.Access.AllowIPs,
		AllowOrigins: cfg.Access.AllowOrigins,
		RateLimit:    cfg.Access.RateLimit,
		Burst:        cfg.Access.Burst,
		MaxBodyBytes: cfg.Access.MaxBodyBytes,
	}
	hp, sp := p, p
	hp.Transport = transports.TransportHTTP
	sp.Transport = transports.TransportSSE
	return transports.Guard(hp, m.stream), transports.Guard(sp, m.sse)
}

func (m *mount) sessions() int {
	return m.stream.ActiveSessions() + m.sse.ActiveSessions() + int(m.pipes.Load())
}

// closeStreams lets calls in flight finish within ctx, then ends every
// session, SSE stream and stdio pipe, so a drain does not wait on clients
// that never hang up.
func (m *mount) closeStreams(ctx context.Context) error {
	m.cancel()
	errS := m.sse.Close(ctx)
	errH := m.stream.Close(ctx)
	if errS != nil {
		return errS
	}
	return errH
}

// close releases what closeStreams has not, bounded in time.
func (m *mount) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	m.closeStreams(ctx)
}

// serveStream runs one newline-delimited JSON-RPC session of the tenant's
// MCP server over a byte stream.
func (m *mount) serveStream(ctx context.Context, rt Runtime, r io.Reader, w io.Writer, c transports.Client) error {
	m.pipes.Add(1)
	defer m.pipes.Add(-1)
	return transports.ServeStream(ctx, rt.MCPServer(), r, w, c)
}
