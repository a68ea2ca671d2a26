package transports_test

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// One tenant on both listeners, as the daemon mounts it: the guard in
// front of each handler, the handlers kept across reloads that change only
// the policy, and Close before the listeners' Shutdown on SIGTERM.
func Example() {
	srv := server.NewMCPServer("acme", "1.0.0")
	policy := transports.AccessPolicy{
		TokenHashes:  []string{transports.TokenHash("a client token")},
		AllowOrigins: []string{"https://inspector.example.com"},
		RateLimit:    20, Burst: 40,
	}

	stream := transports.NewStreamableHTTP(srv, transports.StreamableOptions{
		SessionIdleTTL: 15 * time.Minute,
		AllowedHosts:   []string{"mcp.example.com"},
	})
	sse := transports.NewSSE(srv, "/acme", transports.SSEOptions{AllowedHosts: []string{"mcp.example.com"}})

	httpMux := http.NewServeMux()
	httpMux.Handle("/acme/mcp", transports.Guard(policy, stream))
	ssePolicy := policy
	ssePolicy.Transport = transports.TransportSSE
	sseMux := http.NewServeMux()
	sseMux.Handle("/acme/sse", transports.Guard(ssePolicy, sse))
	sseMux.Handle("/acme/message", transports.Guard(ssePolicy, sse))

	// The stdio pipe: one session per connection of the control socket.
	serveConn := func(ctx context.Context, conn net.Conn) error {
		defer conn.Close()
		return transports.ServeStream(ctx, srv, conn, conn, transports.Client{Addr: "unix"})
	}
	_ = serveConn

	// Drain: calls in flight finish, then sessions and streams end.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = stream.Close(ctx)
	_ = sse.Close(ctx)
}
