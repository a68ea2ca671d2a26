package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// table is one generation of routes. It is never modified once stored in
// Daemon.routes: a reload builds a new one and swaps the pointer, so a
// request sees either the old set of tenants or the new one, never a mix.
type table struct {
	tenants map[string]*entry
	names   []string // sorted
}

func (t *table) statuses() []ctlapi.TenantStatus {
	out := make([]ctlapi.TenantStatus, 0, len(t.names))
	for _, name := range t.names {
		e := t.tenants[name]
		st := e.rt.Status()
		st.Name = name
		st.Sessions = e.mnt.sessions()
		out = append(out, st)
	}
	return out
}

// entry is a routed tenant: its runtime, the transports mounted on it, and
// the access guard built from its current settings. A changed tenant gets a
// new entry that shares rt, mnt and track with the old one, so requests in
// flight and open sessions carry over.
type entry struct {
	name  string
	rt    Runtime
	mnt   *mount
	http  http.Handler // Streamable HTTP, guarded
	sse   http.Handler // SSE stream and message endpoint, guarded
	track *tracker
}

// tracker counts a tenant's requests in flight so a removed tenant can be
// closed only once they are done.
type tracker struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // closed when closed && n == 0
}

func newTracker() *tracker { return &tracker{idle: make(chan struct{})} }

func (t *tracker) acquire() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.n++
	return true
}

func (t *tracker) release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.closed && t.n == 0 {
		close(t.idle)
	}
}

// drain refuses new requests and waits for the running ones until ctx ends.
func (t *tracker) drain(ctx context.Context) error {
	t.mu.Lock()
	if !t.closed {
		t.closed = true
		if t.n == 0 {
			close(t.idle)
		}
	}
	t.mu.Unlock()
	select {
	case <-t.idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeError answers with the one error shape every endpoint uses.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(ctlapi.Error{Error: msg})
}

// tenantFor finds the tenant a path addresses: /{tenant}{suffix}, or the
// bare suffix for the seed tenant, which is where the single-tenant
// servers odoo-mcpd replaces served it (MCP_HTTP_PATH, MCP_SSE_PATH). The
// name is not checked against the table: an unknown one is answered by
// serveTenant, the same way whatever the path.
func tenantFor(tbl *table, p, suffix string) (string, bool) {
	if p == suffix && tbl.tenants[seedTenant] != nil {
		return seedTenant, true
	}
	name, ok := strings.CutSuffix(p, suffix)
	if !ok || len(name) < 2 || name[0] != '/' || strings.Contains(name[1:], "/") {
		return "", false
	}
	return name[1:], true
}

// httpHandler serves the Streamable HTTP listener.
func (d *Daemon) httpHandler() http.Handler {
	// The daemon's own endpoints get the DNS-rebinding check the
	// transports apply to the tenants' ones.
	meta := transports.HostGuard(d.settings.AllowedHosts, http.HandlerFunc(d.serveMeta))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz", "/readyz", "/metrics":
			meta.ServeHTTP(w, r)
			return
		}
		tbl := d.routes.Load()
		name, ok := tenantFor(tbl, r.URL.Path, d.settings.HTTPPath)
		if !ok {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		d.serveTenant(w, r, tbl, name, "http", func(e *entry) http.Handler { return e.http })
	})
}

// seedTenant is the tenant the single-tenant paths (MCP_HTTP_PATH,
// MCP_SSE_PATH) reach, as the servers odoo-mcpd replaces served them.
const seedTenant = "default"

// sseHandler serves the SSE listener.
func (d *Daemon) sseHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			d.serveHealth(w, r, true)
			return
		}
		tbl := d.routes.Load()
		name, ok := tenantFor(tbl, r.URL.Path, d.settings.SSEPath)
		if ok {
			// The SSE transport knows its stream as /{tenant}/sse.
			r = rewritePath(r, "/"+name+"/sse")
		} else if name, ok = tenantFor(tbl, r.URL.Path, "/message"); !ok {
			writeError(w, http.StatusNotFound, "not found")
			return
		}
		d.serveTenant(w, r, tbl, name, "sse", func(e *entry) http.Handler { return e.sse })
	})
}

func rewritePath(r *http.Request, p string) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.Path = p
	r2.URL.RawPath = ""
	return r2
}

func (d *Daemon) serveTenant(w http.ResponseWriter, r *http.Request, tbl *table, name, transport string, pick func(*entry) http.Handler) {
	if d.closing.Load() {
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusServiceUnavailable, "shutting down")
		return
	}
	e := tbl.tenants[name]
	// A tenant removed by a reload that raced with this request refuses
	// it exactly as an unknown one does.
	if e == nil || !e.track.acquire() {
		writeError(w, http.StatusNotFound, "unknown tenant")
		return
	}
	defer e.track.release()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	start := time.Now()
	pick(e).ServeHTTP(rec, r)
	// Streams (GET) live as long as the client listens; only calls count
	// towards latency.
	d.metrics.request(name, transport, rec.status, r.Method == http.MethodPost, time.Since(start))
}

func (d *Daemon) serveMeta(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		d.serveHealth(w, r, true)
	case "/readyz":
		d.serveHealth(w, r, d.ready.Load() && !d.closing.Load())
	case "/metrics":
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		d.metrics.write(w, d)
	}
}

func (d *Daemon) serveHealth(w http.ResponseWriter, r *http.Request, ok bool) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"status":"not ready"}` + "\n"))
		return
	}
	w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// recorder remembers the status a handler wrote. It keeps Flush and
// Hijack reachable because SSE and streaming responses depend on them.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status = code
		r.wroteHeader = true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Flush() {
	r.wroteHeader = true
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := r.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijack not supported")
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
