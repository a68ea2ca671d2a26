package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// apiError is an error with the HTTP status it answers with.
type apiError struct {
	status int
	msg    string
	known  []string
}

func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// apiHandler is a control API endpoint: it returns an error instead of
// writing one, so every failure has the same shape.
type apiHandler func(w http.ResponseWriter, r *http.Request) error

func (d *Daemon) controlHandler() http.Handler {
	mux := http.NewServeMux()
	handle := func(method, path string, h apiHandler) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if r.Method != method {
				w.Header().Set("Allow", method)
				writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s needs %s, got %s", path, method, r.Method))
				return
			}
			if err := h(w, r); err != nil {
				var ae *apiError
				if !errors.As(err, &ae) {
					ae = &apiError{status: http.StatusInternalServerError, msg: err.Error()}
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(ae.status)
				json.NewEncoder(w).Encode(ctlapi.Error{Error: ae.msg, Known: ae.known})
			}
		})
	}
	handle(http.MethodGet, "/v1/status", d.apiStatus)
	handle(http.MethodGet, "/v1/tenants", d.apiTenants)
	handle(http.MethodPost, "/v1/reload", d.apiReload)
	handle(http.MethodPost, "/v1/check", d.apiCheck)
	handle(http.MethodGet, "/v1/stdio", d.apiStdio)
	notFound := func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no control endpoint %q (this daemon speaks /v1/)", r.URL.Path))
	}
	mux.HandleFunc("/", notFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ServeMux would answer an unclean path with an HTML redirect to
		// another endpoint; the API names its endpoints exactly.
		if p := r.URL.Path; p == "" || path.Clean(p) != p {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (d *Daemon) apiStatus(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, d.status())
}

func (d *Daemon) apiTenants(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, d.routes.Load().statuses())
}

func (d *Daemon) apiReload(w http.ResponseWriter, r *http.Request) error {
	res, err := d.Reload(r.Context())
	if errors.Is(err, ErrClosed) {
		return errorf(http.StatusServiceUnavailable, "daemon is stopping")
	}
	if err != nil {
		return errorf(http.StatusUnprocessableEntity, "reload failed, running configuration kept: %v", err)
	}
	return writeJSON(w, http.StatusOK, res)
}

// lookup finds the tenant a control request names. The control socket is
// for the host's operators, so an unknown name is answered with the known
// ones.
func (d *Daemon) lookup(r *http.Request) (*entry, error) {
	name := r.URL.Query().Get("tenant")
	tbl := d.routes.Load()
	if name == "" {
		return nil, &apiError{status: http.StatusBadRequest, msg: "missing ?tenant=NAME", known: tbl.names}
	}
	e := tbl.tenants[name]
	if e == nil {
		return nil, &apiError{status: http.StatusNotFound, msg: fmt.Sprintf("no tenant %q", name), known: tbl.names}
	}
	return e, nil
}

func (d *Daemon) apiCheck(w http.ResponseWriter, r *http.Request) error {
	e, err := d.lookup(r)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 60*time.Second)
	defer cancel()
	res, err := e.rt.Check(ctx)
	if err != nil {
		// A failed login is a result, not a failed request.
		res.OK = false
		if res.Error == "" {
			res.Error = err.Error()
		}
	}
	res.Tenant = e.name
	return writeJSON(w, http.StatusOK, res)
}

// apiStdio turns the connection into a newline-delimited JSON-RPC MCP
// session on one tenant: an HTTP Upgrade, then the tenant's server reads
// and writes the raw connection until either side hangs up.
func (d *Daemon) apiStdio(w http.ResponseWriter, r *http.Request) error {
	if !headerHasToken(r.Header, "Connection", "upgrade") || !strings.EqualFold(r.Header.Get("Upgrade"), ctlapi.UpgradeProtocol) {
		w.Header().Set("Upgrade", ctlapi.UpgradeProtocol)
		w.Header().Set("Connection", "Upgrade")
		return errorf(http.StatusUpgradeRequired, "the stdio pipe needs Connection: Upgrade and Upgrade: %s", ctlapi.UpgradeProtocol)
	}
	e, err := d.lookup(r)
	if err != nil {
		return err
	}
	if !d.pipes.acquire() {
		return errorf(http.StatusServiceUnavailable, "daemon is stopping")
	}
	defer d.pipes.release()
	if !e.track.acquire() {
		return errorf(http.StatusNotFound, "no tenant %q", e.name)
	}
	defer e.track.release()

	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return fmt.Errorf("stdio pipe: %w", err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: "+ctlapi.UpgradeProtocol+"\r\n\r\n"); err != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(e.mnt.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	log := d.log.With("tenant", e.name, "transport", "stdio")
	log.Info("stdio pipe opened")
	// brw.Reader holds whatever the client sent right after its request.
	err = e.mnt.serveStream(ctx, e.rt, brw.Reader, conn, transports.Client{Addr: "unix", Transport: transports.TransportStdio})
	if err != nil && ctx.Err() == nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
		log.Warn("stdio pipe ended", "err", err)
	} else {
		log.Info("stdio pipe closed")
	}
	return nil
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
