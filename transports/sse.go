package transports

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// SSEOptions configures an SSE handler.
type SSEOptions struct {
	// AllowedHosts are Host names accepted on a loopback listener besides
	// localhost and loopback addresses; see StreamableOptions.
	AllowedHosts []string
	// KeepAlive, when positive, pings each stream this often so idle
	// proxies do not cut it.
	KeepAlive time.Duration
	// Observer, when set, sees streams open and close.
	Observer Observer
}

// SSE serves MCP over the 2024-11-05 HTTP+SSE transport for one mcp-go
// server: GET basePath+"/sse" opens the event stream, whose first event
// names basePath+"/message?sessionId=..." for the client's POSTs.
type SSE struct {
	h           *server.SSEServer
	ssePath     string
	messagePath string
	hosts       hostAllowList
	obs         Observer

	drain     drainer
	closing   context.Context
	closeNow  context.CancelFunc
	mu        sync.Mutex
	live      map[string]struct{}
	closeOnce sync.Once
}

type sseIDHolder struct{ id string }

type sseIDKey struct{}

// NewSSE returns the SSE handler for srv mounted at basePath (e.g. "/acme").
func NewSSE(srv *server.MCPServer, basePath string, o SSEOptions) *SSE {
	basePath = "/" + strings.Trim(basePath, "/")
	if basePath == "/" {
		basePath = ""
	}
	s := &SSE{
		ssePath:     basePath + "/sse",
		messagePath: basePath + "/message",
		hosts:       newHostAllowList(o.AllowedHosts),
		obs:         observerOrNop(o.Observer),
		live:        map[string]struct{}{},
	}
	s.closing, s.closeNow = context.WithCancel(context.Background())
	opts := []server.SSEOption{
		// No base URL: the endpoint event carries a path only, which stays
		// right behind a reverse proxy that changes scheme, host or port.
		server.WithStaticBasePath(basePath),
		server.WithSSEDisableLocalhostProtection(true),
		server.WithSSEContextFunc(func(ctx context.Context, r *http.Request) context.Context {
			return ensureClient(ctx, r, TransportSSE)
		}),
		server.WithSessionIDGenerator(func(ctx context.Context, r *http.Request) (string, error) {
			id := newSessionID()
			if h, ok := ctx.Value(sseIDKey{}).(*sseIDHolder); ok {
				h.id = id
			}
			s.mu.Lock()
			s.live[id] = struct{}{}
			s.mu.Unlock()
			s.obs.SessionOpened(TransportSSE)
			return id, nil
		}),
	}
	if o.KeepAlive > 0 {
		opts = append(opts, server.WithKeepAliveInterval(o.KeepAlive))
	}
	s.h = server.NewSSEServer(srv, opts...)
	return s
}

// ServeHTTP implements http.Handler.
func (s *SSE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.check(w, r) {
		return
	}
	switch r.URL.Path {
	case s.ssePath:
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			WriteError(w, http.StatusMethodNotAllowed, "method not allowed: the event stream is opened with GET")
			return
		}
		s.serveStream(w, r)
	case s.messagePath:
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			WriteError(w, http.StatusMethodNotAllowed, "method not allowed: messages are sent with POST")
			return
		}
		s.serveMessage(w, r)
	default:
		WriteError(w, http.StatusNotFound, "not found")
	}
}

func (s *SSE) serveStream(w http.ResponseWriter, r *http.Request) {
	if !s.drain.enter() {
		WriteError(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	defer s.drain.leave()

	// The stream ends when the client leaves or Close is called, whether
	// or not mcp-go has registered the session yet.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()
	holder := &sseIDHolder{}
	ctx = context.WithValue(ctx, sseIDKey{}, holder)

	jw := &jsonErrors{ResponseWriter: newNoWildcardCORS(w)}
	s.h.SSEHandler().ServeHTTP(jw, r.WithContext(ctx))
	jw.finish()

	if holder.id != "" {
		s.mu.Lock()
		_, ok := s.live[holder.id]
		delete(s.live, holder.id)
		s.mu.Unlock()
		if ok {
			s.obs.SessionClosed(TransportSSE)
		}
	}
}

func (s *SSE) serveMessage(w http.ResponseWriter, r *http.Request) {
	if !s.drain.enter() {
		WriteError(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	defer s.drain.leave()
	id := r.URL.Query().Get("sessionId")
	if id == "" {
		WriteError(w, http.StatusBadRequest, "missing sessionId")
		return
	}
	s.mu.Lock()
	_, ok := s.live[id]
	s.mu.Unlock()
	if !ok {
		WriteError(w, http.StatusNotFound, "unknown session")
		return
	}
	jw := &jsonErrors{ResponseWriter: w}
	s.h.MessageHandler().ServeHTTP(jw, r)
	jw.finish()
}

// ActiveSessions reports the number of open event streams.
func (s *SSE) ActiveSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.live)
}

// Close refuses new streams and messages with 503, ends every open stream
// (the client sees the stream finish, not a reset), and waits within ctx
// for the handlers to return. Close is safe to call more than once.
func (s *SSE) Close(ctx context.Context) error {
	idle := s.drain.close()
	s.closeOnce.Do(func() {
		s.closeNow()
		s.h.CloseSessions()
	})
	return wait(ctx, idle)
}

// noWildcardCORS drops the "Access-Control-Allow-Origin: *" mcp-go adds to
// every event stream: the guard decides CORS, and a wildcard would let any
// web page read the stream.
type noWildcardCORS struct {
	http.ResponseWriter
	before string // the guard's value, if any
	wrote  bool
}

func newNoWildcardCORS(w http.ResponseWriter) *noWildcardCORS {
	return &noWildcardCORS{ResponseWriter: w, before: w.Header().Get("Access-Control-Allow-Origin")}
}

func (n *noWildcardCORS) fix() {
	if n.wrote {
		return
	}
	n.wrote = true
	if n.Header().Get("Access-Control-Allow-Origin") == "*" && n.before != "*" {
		if n.before == "" {
			n.Header().Del("Access-Control-Allow-Origin")
		} else {
			n.Header().Set("Access-Control-Allow-Origin", n.before)
		}
	}
}

func (n *noWildcardCORS) WriteHeader(code int) { n.fix(); n.ResponseWriter.WriteHeader(code) }

func (n *noWildcardCORS) Write(p []byte) (int, error) { n.fix(); return n.ResponseWriter.Write(p) }

func (n *noWildcardCORS) Flush() {
	n.fix()
	if f, ok := n.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (n *noWildcardCORS) Unwrap() http.ResponseWriter { return n.ResponseWriter }
