package transports

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// DefaultSessionIdleTTL expires Streamable HTTP sessions nobody used for
// this long when StreamableOptions leaves SessionIdleTTL at 0. Without a
// TTL, clients that vanish without DELETE would hold memory forever.
const DefaultSessionIdleTTL = 30 * time.Minute

// DefaultMaxSessions caps the sessions (or SSE streams) one handler holds
// when its options leave MaxSessions at 0, so a flood of initialize
// requests cannot grow memory without bound.
const DefaultMaxSessions = 10000

// StreamableOptions configures a Streamable HTTP handler.
type StreamableOptions struct {
	// Stateless issues session ids but accepts any well-formed one, so a
	// session survives a restart and any replica behind a balancer can
	// answer. Server-to-client streams (GET) are refused in this mode: they
	// would live on one replica only. When false, only ids this handler
	// issued and has not expired are accepted; others get 404.
	Stateless bool
	// SessionIdleTTL ends sessions idle this long; 0 means
	// DefaultSessionIdleTTL. It cannot be disabled.
	SessionIdleTTL time.Duration
	// AllowedHosts are Host names accepted on a loopback listener besides
	// localhost and loopback addresses (DNS-rebinding guard); list the
	// public name a same-host reverse proxy forwards.
	AllowedHosts []string
	// Heartbeat, when positive, pings clients on their GET stream this
	// often so idle proxies do not cut it.
	Heartbeat time.Duration
	// MaxSessions caps the live sessions; an initialize beyond it gets
	// 503. 0 means DefaultMaxSessions.
	MaxSessions int
	// Observer, when set, sees sessions open and close.
	Observer Observer
	// Logger receives mcp-go's transport-level messages; nil means
	// slog.Default().
	Logger *slog.Logger
}

// Streamable serves MCP over Streamable HTTP (protocol 2025-03-26 and
// later) for one mcp-go server, on whatever path it is mounted.
type Streamable struct {
	h           *server.StreamableHTTPServer
	reg         *sessionRegistry
	hosts       hostAllowList
	stateless   bool
	maxSessions int
	calls       drainer // requests in flight other than GET streams
	streams     drainer // GET streams, which only end when told to
}

// NewStreamableHTTP returns the Streamable HTTP handler for srv.
func NewStreamableHTTP(srv *server.MCPServer, o StreamableOptions) *Streamable {
	s := &Streamable{
		reg:         newSessionRegistry(!o.Stateless, observerOrNop(o.Observer)),
		hosts:       newHostAllowList(o.AllowedHosts),
		stateless:   o.Stateless,
		maxSessions: o.MaxSessions,
	}
	if s.maxSessions <= 0 {
		s.maxSessions = DefaultMaxSessions
	}
	ttl := o.SessionIdleTTL
	if ttl <= 0 {
		ttl = DefaultSessionIdleTTL
	}
	opts := []server.StreamableHTTPOption{
		server.WithSessionIdManager(s.reg),
		server.WithSessionIdleTTL(ttl),
		// Our own Host check replaces mcp-go's, which knows no allow-list
		// and answers in plain text.
		server.WithDisableLocalhostProtection(true),
		server.WithHTTPContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			return ensureClient(ctx, r, TransportHTTP)
		}),
		server.WithDisableStreaming(o.Stateless),
	}
	if o.Heartbeat > 0 {
		opts = append(opts, server.WithHeartbeatInterval(o.Heartbeat))
	}
	if o.Logger != nil {
		opts = append(opts, server.WithStreamableHTTPLogger(o.Logger))
	}
	s.h = server.NewStreamableHTTPServer(srv, opts...)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Streamable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.check(w, r) {
		return
	}
	switch r.Method {
	case http.MethodPost, http.MethodGet, http.MethodDelete, http.MethodHead:
	case http.MethodOptions:
		w.Header().Set("Allow", "GET, POST, DELETE, OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	default:
		w.Header().Set("Allow", "GET, POST, DELETE, OPTIONS")
		WriteError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	d := &s.calls
	if r.Method == http.MethodGet {
		d = &s.streams
	}
	if !d.enter() {
		// While draining, a client may still answer what a call in flight
		// asked it (elicitation), or that call could never finish.
		if r.Method != http.MethodPost || !isResponse(r) {
			WriteError(w, http.StatusServiceUnavailable, "shutting down")
			return
		}
	} else {
		defer d.leave()
	}

	// mcp-go does not check session ids on GET and DELETE: a GET with a
	// made-up id would open a session under it. Check them here. Requests
	// on the sessionless 2026-07-28 protocol carry no id; mcp-go handles
	// those itself.
	if (r.Method == http.MethodGet || r.Method == http.MethodDelete) &&
		!mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) {
		if r.Method == http.MethodDelete && s.stateless {
			w.Header().Set("Allow", "POST")
			WriteError(w, http.StatusMethodNotAllowed, "stateless server: nothing to delete")
			return
		}
		if !s.stateless {
			id := r.Header.Get(server.HeaderKeySessionID)
			if id == "" {
				WriteError(w, http.StatusBadRequest, "missing Mcp-Session-Id header")
				return
			}
			if !s.reg.known(id) {
				WriteError(w, http.StatusNotFound, "unknown session")
				return
			}
		}
	}

	if r.Method == http.MethodPost && r.Header.Get(server.HeaderKeySessionID) == "" &&
		!mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion)) {
		method, modern, ok := peekPost(r)
		switch {
		case !ok || modern || method == "" || method == mcp.MethodServerDiscover:
		case method == mcp.MethodInitialize:
			if s.reg.count() >= s.maxSessions {
				w.Header().Set("Retry-After", "60")
				WriteError(w, http.StatusServiceUnavailable, "too many sessions")
				return
			}
		default:
			// mcp-go answers 404 here, which tells a client its session
			// expired; the spec asks for 400: this client never had one.
			WriteError(w, http.StatusBadRequest, "missing Mcp-Session-Id header")
			return
		}
	}

	jw := &jsonErrors{ResponseWriter: w}
	defer jw.finish()
	s.h.ServeHTTP(jw, r)
}

// peekPost reads a POST body's JSON-RPC method and whether it is on the
// sessionless 2026-07-28 protocol, leaving the body readable. ok is false
// when the body is not JSON; mcp-go answers that with a parse error.
func peekPost(r *http.Request) (method mcp.MCPMethod, modern, ok bool) {
	if r.Body == nil {
		return "", false, false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, DefaultMaxBodyBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return "", false, false
	}
	var msg struct {
		Method string `json:"method"`
		Params struct {
			Meta *mcp.Meta `json:"_meta"`
		} `json:"params"`
	}
	if json.Unmarshal(b, &msg) != nil {
		return "", false, false
	}
	return mcp.MCPMethod(msg.Method), mcp.IsModernProtocol(msg.Params.Meta.ProtocolVersion()), true
}

// ActiveSessions reports the number of live sessions.
func (s *Streamable) ActiveSessions() int { return s.reg.count() }

// Close refuses new requests with 503, waits within ctx for the calls in
// flight to finish (sessions stay valid meanwhile, so a call waiting on an
// elicitation answer can get it), then ends every session and its GET
// stream. Close is safe to call more than once.
func (s *Streamable) Close(ctx context.Context) error {
	streamsIdle := s.streams.close()
	err := wait(ctx, s.calls.close())
	// Shutdown of a handler-only server stops the idle sweeper and closes
	// the sessions; it has no http.Server of its own to stop.
	if serr := s.h.Shutdown(ctx); err == nil {
		err = serr
	}
	if werr := wait(ctx, streamsIdle); err == nil {
		err = werr
	}
	s.reg.endAll()
	return err
}

// isResponse reports whether r's body is a JSON-RPC response, leaving the
// body readable again.
func isResponse(r *http.Request) bool {
	if r.Body == nil {
		return false
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, DefaultMaxBodyBytes+1))
	r.Body = io.NopCloser(bytes.NewReader(b))
	if err != nil {
		return false
	}
	kind, _ := classify(b)
	return kind == msgResponse
}
