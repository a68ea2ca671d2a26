package transports

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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
	// MaxSessions caps the open streams; one more gets 503. 0 means
	// DefaultMaxSessions.
	MaxSessions int
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
	maxSessions int

	streams   drainer // open event streams
	calls     drainer // requests whose answer has not been written yet
	closing   context.Context
	closeNow  context.CancelFunc
	mu        sync.Mutex
	live      map[string]*sseStream
	closeOnce sync.Once
}

// sseStream tracks the requests of one session whose answers are still to
// be written on its event stream, so Close can let them finish first.
type sseStream struct {
	mu      sync.Mutex
	pending map[string]struct{}
}

func (st *sseStream) add(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, dup := st.pending[id]; dup {
		return false
	}
	st.pending[id] = struct{}{}
	return true
}

func (st *sseStream) remove(id string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if _, ok := st.pending[id]; !ok {
		return false
	}
	delete(st.pending, id)
	return true
}

// drop forgets every pending request and returns how many there were.
func (st *sseStream) drop() int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := len(st.pending)
	clear(st.pending)
	return n
}

func (st *sseStream) any() bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return len(st.pending) > 0
}

type sseIDHolder struct {
	id     string
	stream *sseStream
}

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
		live:        map[string]*sseStream{},
		maxSessions: o.MaxSessions,
	}
	if s.maxSessions <= 0 {
		s.maxSessions = DefaultMaxSessions
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
			st := &sseStream{pending: map[string]struct{}{}}
			if h, ok := ctx.Value(sseIDKey{}).(*sseIDHolder); ok {
				h.id, h.stream = id, st
			}
			s.mu.Lock()
			s.live[id] = st
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
	if !s.streams.enter() {
		WriteError(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	defer s.streams.leave()
	if s.ActiveSessions() >= s.maxSessions {
		w.Header().Set("Retry-After", "60")
		WriteError(w, http.StatusServiceUnavailable, "too many sessions")
		return
	}

	// The stream ends when the client leaves or Close is called, whether
	// or not mcp-go has registered the session yet.
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.closing, cancel)
	defer stop()
	holder := &sseIDHolder{}
	ctx = context.WithValue(ctx, sseIDKey{}, holder)

	tap := &answerTap{ResponseWriter: newNoWildcardCORS(w), holder: holder, calls: &s.calls}
	jw := &jsonErrors{ResponseWriter: tap}
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
		// Answers that can no longer be delivered are not waited for.
		for range holder.stream.drop() {
			s.calls.leave()
		}
	}
}

func (s *SSE) serveMessage(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("sessionId")
	if id == "" {
		WriteError(w, http.StatusBadRequest, "missing sessionId")
		return
	}
	s.mu.Lock()
	st := s.live[id]
	s.mu.Unlock()
	if st == nil {
		if !s.streams.open() {
			WriteError(w, http.StatusServiceUnavailable, "shutting down")
			return
		}
		WriteError(w, http.StatusNotFound, "unknown session")
		return
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(io.LimitReader(r.Body, DefaultMaxBodyBytes+1))
		if err != nil {
			WriteError(w, http.StatusBadRequest, "cannot read request body")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	kind, rid := classify(body)
	key := compactID(rid)
	tracked := false
	if kind == msgRequest && key != "" {
		if !s.calls.enter() {
			WriteError(w, http.StatusServiceUnavailable, "shutting down")
			return
		}
		if tracked = st.add(key); !tracked {
			s.calls.leave() // same id twice: one answer to wait for
		}
	} else if kind != msgResponse && !s.calls.open() {
		// While draining, only answers to what calls in flight asked the
		// client (elicitation) are still taken.
		WriteError(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	jw := &jsonErrors{ResponseWriter: w}
	s.h.MessageHandler().ServeHTTP(jw, r)
	jw.finish()
	if tracked && jw.status != http.StatusAccepted {
		// Refused before it ran: no answer will come on the stream.
		if st.remove(key) {
			s.calls.leave()
		}
	}
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
	// Refuse new streams and calls, let the calls in flight write their
	// answers, then end the streams.
	streamsIdle := s.streams.close()
	err := wait(ctx, s.calls.close())
	s.closeOnce.Do(func() {
		s.closeNow()
		s.h.CloseSessions()
	})
	if werr := wait(ctx, streamsIdle); err == nil {
		err = werr
	}
	return err
}

// answerTap watches the events written on a stream for the answers to
// tracked requests, so Close knows when they are all delivered.
type answerTap struct {
	http.ResponseWriter
	holder *sseIDHolder
	calls  *drainer
}

func (a *answerTap) Write(p []byte) (int, error) {
	n, err := a.ResponseWriter.Write(p)
	if st := a.holder.stream; st != nil && st.any() {
		if key := answeredID(p); key != "" && st.remove(key) {
			a.calls.leave()
		}
	}
	return n, err
}

func (a *answerTap) Flush() {
	if f, ok := a.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (a *answerTap) Unwrap() http.ResponseWriter { return a.ResponseWriter }

// answeredID returns the id of the JSON-RPC response carried by one SSE
// event, or "" if the event is not a response.
func answeredID(event []byte) string {
	_, data, ok := bytes.Cut(event, []byte("data:"))
	if !ok {
		return ""
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	kind, id := classify(bytes.TrimSpace(data))
	if kind != msgResponse {
		return ""
	}
	return compactID(id)
}

// compactID turns a raw JSON-RPC id into a comparable key.
func compactID(id json.RawMessage) string {
	if len(id) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, id); err != nil {
		return ""
	}
	return b.String()
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
