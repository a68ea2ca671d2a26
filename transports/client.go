package transports

import (
	"context"
	"net"
	"net/http"
	"net/netip"
)

// Transport names recorded in Client.Transport.
const (
	TransportHTTP  = "http"
	TransportSSE   = "sse"
	TransportStdio = "stdio"
)

// Client identifies the caller of one request or stream, for audit lines.
// It never holds a secret.
type Client struct {
	// Addr is the client's IP address as the guard decided it (the peer
	// address, or the first untrusted hop of X-Forwarded-For behind a
	// trusted proxy). Empty for the stdio pipe's peer when unknown.
	Addr string
	// Token is a short non-secret id of the token the client presented: the
	// first 8 hex digits of its sha256 hash. Empty when no token was needed.
	Token string
	// Transport is TransportHTTP, TransportSSE or TransportStdio.
	Transport string
}

type clientKey struct{}

// WithClient returns a copy of ctx that carries c.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientFromContext returns the Client stored in ctx by WithClient, which
// the guard and the transports do for every request they pass on.
func ClientFromContext(ctx context.Context) (Client, bool) {
	c, ok := ctx.Value(clientKey{}).(Client)
	return c, ok
}

// ensureClient makes sure a request's context carries a Client, so tool
// handlers can always name their caller even when no guard is mounted.
func ensureClient(ctx context.Context, r *http.Request, transport string) context.Context {
	if _, ok := ClientFromContext(ctx); ok {
		return ctx
	}
	return WithClient(ctx, Client{Addr: peerIP(r.RemoteAddr), Transport: transport})
}

// peerIP returns the IP part of a RemoteAddr, or "" if it has none.
func peerIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return ""
	}
	return ip.Unmap().String()
}
