package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

// fakeDaemon serves the control API's wire types on a real unix socket,
// the way odoo-mcpd does, with answers the test sets. Reload runs the real
// config loader on ConfigPath so a broken file yields the daemon's real
// message.
type fakeDaemon struct {
	Socket     string
	ConfigPath string

	mu     sync.Mutex
	status ctlapi.Status
	// closeAfter makes the stdio pipe hang up after this many replies
	// (0: never), as a daemon that stops would.
	closeAfter int
}

func startFake(t *testing.T) *fakeDaemon {
	t.Helper()
	// A short directory: unix socket paths are limited to 107 bytes.
	dir, err := os.MkdirTemp("", "ctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	f := &fakeDaemon{Socket: filepath.Join(dir, "control.sock"), ConfigPath: filepath.Join(dir, "tenants.toml"), status: sampleStatus()}
	ln, err := net.Listen("unix", f.Socket)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f.handler()}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return f
}

func sampleStatus() ctlapi.Status {
	started := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	errAt := time.Date(2026, 11, 25, 9, 12, 30, 0, time.UTC)
	return ctlapi.Status{
		Version: "1.2.3", PID: 4242, StartedAt: started,
		Uptime:     ctlapi.Duration(90*time.Minute + 5*time.Second + 300*time.Millisecond),
		ConfigPath: "/etc/odoo-mcpd/tenants.toml", HTTPAddr: "127.0.0.1:8008", SSEAddr: "127.0.0.1:8009",
		LastReload: &ctlapi.ReloadSummary{At: started.Add(time.Hour), OK: true, Count: 3},
		Tenants: []ctlapi.TenantStatus{
			{Name: "acme", State: "ready", URL: "https://acme.odoo.example.com", DB: "acme-prod", Protocol: "xmlrpc",
				OdooVersion: "18.0", ReadOnly: true, Sessions: 2, Calls: 15342, Errors: 3,
				LatencyP50: ctlapi.Duration(12345 * time.Microsecond), LatencyP99: ctlapi.Duration(480 * time.Millisecond),
				LastError: "odoo: search_read sale.order: AccessError:\nYou are not allowed to access 'Sales Order'", LastErrorAt: &errAt},
			{Name: "globex-eu", State: "degraded", URL: "http://odoo.globex.internal:8069", DB: "globex", Protocol: "json2",
				Calls: 0, LastError: "odoo: transport: connection refused", LastErrorAt: &errAt},
			{Name: "initech", State: "starting", URL: "https://initech.example.com", DB: "initech", Protocol: "auto",
				Sessions: 0, Calls: 7, LatencyP50: ctlapi.Duration(850 * time.Microsecond), LatencyP99: ctlapi.Duration(2500 * time.Millisecond)},
		},
	}
}

func (f *fakeDaemon) setStatus(st ctlapi.Status) { f.mu.Lock(); f.status = st; f.mu.Unlock() }

func (f *fakeDaemon) names() []string {
	var out []string
	for _, t := range f.status.Tenants {
		out = append(out, t.Name)
	}
	return out
}

func writeJSONResp(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeDaemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSONResp(w, 200, f.status)
	})
	mux.HandleFunc("GET /v1/tenants", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		writeJSONResp(w, 200, f.status.Tenants)
	})
	mux.HandleFunc("POST /v1/reload", func(w http.ResponseWriter, r *http.Request) {
		file, err := config.Load(f.ConfigPath, func(string) string { return "" })
		if err != nil {
			writeJSONResp(w, http.StatusUnprocessableEntity, ctlapi.Error{Error: "reload failed, running configuration kept: " + err.Error()})
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		res := ctlapi.ReloadResult{Duration: ctlapi.Duration(1234567 * time.Nanosecond)}
		old := map[string]bool{}
		for _, n := range f.names() {
			old[n] = true
		}
		var next []ctlapi.TenantStatus
		for _, c := range file.Tenants {
			if old[c.Name] {
				// Which settings changed is the daemon's business; the fake
				// calls tenants whose name starts with "c" changed.
				if c.Name[0] == 'c' {
					res.Changed = append(res.Changed, c.Name)
				} else {
					res.Unchanged = append(res.Unchanged, c.Name)
				}
				delete(old, c.Name)
			} else {
				res.Added = append(res.Added, c.Name)
			}
			next = append(next, ctlapi.TenantStatus{Name: c.Name, State: "starting", URL: c.URL, DB: c.DB, Protocol: c.Protocol})
		}
		for _, n := range f.names() {
			if old[n] {
				res.Removed = append(res.Removed, n)
			}
		}
		f.status.Tenants = next
		writeJSONResp(w, 200, res)
	})
	mux.HandleFunc("POST /v1/check", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("tenant")
		f.mu.Lock()
		known := f.names()
		f.mu.Unlock()
		switch name {
		case "acme":
			writeJSONResp(w, 200, ctlapi.CheckResult{Tenant: name, OK: true, OdooVersion: "18.0", Protocol: "xmlrpc", UID: 2, RoundTrip: ctlapi.Duration(42 * time.Millisecond)})
		case "globex-eu":
			writeJSONResp(w, 200, ctlapi.CheckResult{Tenant: name, OK: false, RoundTrip: ctlapi.Duration(3 * time.Millisecond), Error: "odoo: AccessDenied: Access Denied"})
		default:
			writeJSONResp(w, 404, ctlapi.Error{Error: fmt.Sprintf("no tenant %q", name), Known: known})
		}
	})
	mux.HandleFunc("GET /v1/stdio", f.stdio)
	return mux
}

// stdio answers each JSON-RPC request line with a result naming the
// tenant, the way the daemon's pipe carries a tenant's MCP server.
func (f *fakeDaemon) stdio(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("tenant")
	if r.Header.Get("Upgrade") != ctlapi.UpgradeProtocol {
		writeJSONResp(w, http.StatusUpgradeRequired, ctlapi.Error{Error: "needs Upgrade: " + ctlapi.UpgradeProtocol})
		return
	}
	f.mu.Lock()
	known, closeAfter := f.names(), f.closeAfter
	f.mu.Unlock()
	found := false
	for _, n := range known {
		found = found || n == name
	}
	if !found {
		writeJSONResp(w, 404, ctlapi.Error{Error: fmt.Sprintf("no tenant %q", name), Known: known})
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "+ctlapi.UpgradeProtocol+"\r\n\r\n")
	sc := bufio.NewScanner(brw.Reader)
	replies := 0
	for sc.Scan() {
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			fmt.Fprintf(conn, `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}`+"\n")
			continue
		}
		fmt.Fprintf(conn, `{"jsonrpc":"2.0","id":%s,"result":{"tenant":%q,"method":%q}}`+"\n", req.ID, name, req.Method)
		replies++
		if closeAfter > 0 && replies >= closeAfter {
			return
		}
	}
	if err := sc.Err(); err != nil && !errors.Is(err, net.ErrClosed) {
		return
	}
}
