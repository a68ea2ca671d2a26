// Package daemon is odoo-mcpd's supervisor. It owns the listening sockets
// (inherited from systemd or bound itself), the routing table that maps a
// tenant's name to its MCP handlers, the reload loop that turns a new
// configuration file into a new generation of tenants, the control API on
// the unix socket, and the conversation with systemd (readiness, reloads,
// status, watchdog). Tenants themselves come from a Factory; the daemon
// never reaches into their Odoo or MCP internals.
package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

// Version is the daemon's version, set at build time with
// -ldflags "-X github.com/odoo-mcpd/odoo-mcpd/daemon.Version=...".
var Version = "dev"

// Options configure a Daemon.
type Options struct {
	// Load reads and validates the whole configuration. It is called once
	// by Start and again on every reload; it must not have side effects.
	Load func() (*config.File, error)
	// ConfigPath is shown in the status; it is informational only.
	ConfigPath string
	// NewRuntime builds one tenant's runtime; nil means NewTenantRuntime.
	NewRuntime Factory
	// Logger receives the daemon's logs; nil discards them.
	Logger *slog.Logger
	// Notify sends one sd_notify datagram. Nil uses $NOTIFY_SOCKET.
	Notify func(state string) error
	// Listeners, when not nil, replaces socket activation: keys are the
	// names "http", "sse" and "control". Missing names are bound from the
	// configuration.
	Listeners map[string]net.Listener
	// LogLevel, when set, is the level of Logger; a reload sets it from
	// daemon.log_level.
	LogLevel *slog.LevelVar
	// Ready, when set, is called by Run once the daemon serves.
	Ready func(d *Daemon)
}

// Daemon is the running supervisor. Build it with New, then Start it; Close
// drains and stops it and is safe after a failed or partial Start.
type Daemon struct {
	opts     Options
	log      *slog.Logger
	settings config.Daemon // from the first load; listeners never change after
	started  time.Time

	routes  atomic.Pointer[table]
	metrics *metrics

	lns        listeners
	tlsConf    atomic.Pointer[tls.Config] // what the TLS listeners serve now
	httpSrv    *http.Server
	sseSrv     *http.Server
	ctlSrv     *http.Server
	audit      *slog.Logger
	auditClose func() error

	pipes *tracker // open stdio pipes
	reqs  chan reloadRequest
	pings chan chan struct{}
	ready atomic.Bool
	// drainTimeout is the one daemon setting a reload applies at once.
	drainTimeout atomic.Int64
	closing      atomic.Bool

	mu         sync.Mutex
	lastReload *ctlapi.ReloadSummary
	reloads    int

	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup // serving and background goroutines
	drains   sync.WaitGroup // removed tenants draining
	serveErr chan error
	closeMu  sync.Mutex
	closed   bool
}

// New returns a daemon that has not started yet.
func New(opts Options) *Daemon {
	if opts.NewRuntime == nil {
		opts.NewRuntime = NewTenantRuntime
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Notify == nil {
		opts.Notify = func(state string) error {
			_, err := sddaemon.SdNotify(false, state)
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Daemon{
		opts:     opts,
		log:      opts.Logger,
		metrics:  newMetrics(),
		reqs:     make(chan reloadRequest),
		pings:    make(chan chan struct{}),
		ctx:      ctx,
		cancel:   cancel,
		serveErr: make(chan error, 3),
		pipes:    newTracker(),
	}
	d.routes.Store(&table{tenants: map[string]*entry{}})
	return d
}

// Start loads the configuration, builds every tenant, takes the listeners
// and serves them, then tells systemd the daemon is ready. On error nothing
// keeps running; Close is still safe to call.
func (d *Daemon) Start(ctx context.Context) error {
	if d.opts.Load == nil {
		return errors.New("daemon: Options.Load is required")
	}
	d.started = time.Now()
	cfg, err := d.opts.Load()
	if err != nil {
		d.notify("STATUS=configuration error: " + statusText(err))
		return fmt.Errorf("load configuration: %w", err)
	}
	for _, w := range cfg.Warnings {
		d.log.Warn("configuration", "warning", w)
	}
	d.settings = withDefaults(cfg.Daemon)
	d.drainTimeout.Store(int64(d.settings.DrainTimeout))
	if err := d.openAudit(); err != nil {
		return err
	}
	if _, err := d.apply(cfg); err != nil {
		d.notify("STATUS=configuration error: " + statusText(err))
		return err
	}
	if err := d.acquireListeners(ctx); err != nil {
		return err
	}
	d.serve()
	d.wg.Add(1)
	go d.reloadLoop()
	d.ready.Store(true)
	d.recordReload(nil, false)
	d.notify("READY=1\nSTATUS=" + d.statusLine())
	d.startWatchdog()
	d.log.Info("serving", "tenants", len(d.routes.Load().names), "http", addrOf(d.lns.http), "sse", addrOf(d.lns.sse), "control", d.lns.controlPath)
	return nil
}

// Done is closed-over by Run: it yields an error when a listener stops
// serving on its own, which means the daemon can no longer do its job.
func (d *Daemon) Done() <-chan error { return d.serveErr }

// HTTPAddr is the Streamable HTTP listener's address, or "" when disabled.
func (d *Daemon) HTTPAddr() string { return addrOf(d.lns.http) }

// SSEAddr is the SSE listener's address, or "" when disabled.
func (d *Daemon) SSEAddr() string { return addrOf(d.lns.sse) }

// ControlSocket is the control socket's path, or "" when it is inherited
// without a path or disabled.
func (d *Daemon) ControlSocket() string { return d.lns.controlPath }

func addrOf(ln net.Listener) string {
	if ln == nil {
		return ""
	}
	return ln.Addr().String()
}

// Close tells systemd the daemon is stopping, stops accepting connections,
// ends SSE and listening streams, lets in-flight calls finish within the
// drain timeout, then closes every tenant. Calling it again does nothing.
func (d *Daemon) Close() error {
	d.closeMu.Lock()
	if d.closed {
		d.closeMu.Unlock()
		return nil
	}
	d.closed = true
	d.closeMu.Unlock()

	d.closing.Store(true)
	d.ready.Store(false)
	d.notify("STOPPING=1\nSTATUS=stopping")
	drain := d.settings.ShutdownTimeout
	if drain <= 0 {
		drain = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()

	// Shutdown closes the listeners at once and then waits for active
	// requests; long-lived streams never go idle by themselves, so they are
	// ended in parallel.
	var sw sync.WaitGroup
	var shutdownErr error
	var errMu sync.Mutex
	for _, srv := range []*http.Server{d.httpSrv, d.sseSrv, d.ctlSrv} {
		if srv == nil {
			continue
		}
		sw.Add(1)
		go func(srv *http.Server) {
			defer sw.Done()
			if err := srv.Shutdown(ctx); err != nil {
				errMu.Lock()
				shutdownErr = errors.Join(shutdownErr, err)
				errMu.Unlock()
				srv.Close()
			}
		}(srv)
	}
	tbl := d.routes.Load()
	for _, e := range tbl.tenants {
		sw.Add(1)
		go func() {
			defer sw.Done()
			if err := e.mnt.closeStreams(ctx); err != nil {
				errMu.Lock()
				shutdownErr = errors.Join(shutdownErr, err)
				errMu.Unlock()
			}
		}()
	}
	sw.Wait()
	if err := d.pipes.drain(ctx); err != nil {
		d.log.Warn("stdio pipes still open after the drain timeout")
	}
	d.lns.close()
	if shutdownErr != nil {
		d.log.Warn("drain timeout passed with requests still running; they were cut", "drain_timeout", drain.String())
	}

	d.cancel()
	d.drains.Wait()
	d.wg.Wait()
	// A reload that was running when Close began may have swapped in
	// tenants since; the reload goroutine has stopped now, so this table
	// is the last one.
	tbl = d.routes.Load()
	for _, name := range tbl.names {
		e := tbl.tenants[name]
		e.mnt.close()
		if err := e.rt.Close(); err != nil {
			d.log.Warn("close tenant", "tenant", name, "err", err)
		}
	}
	d.routes.Store(&table{tenants: map[string]*entry{}})
	if d.auditClose != nil {
		d.auditClose()
	}
	d.log.Info("stopped")
	return nil
}

func (d *Daemon) notify(state string) {
	if err := d.opts.Notify(state); err != nil {
		d.log.Warn("sd_notify", "err", err)
	}
}

// statusLine is what systemctl status shows under the unit.
func (d *Daemon) statusLine() string {
	tbl := d.routes.Load()
	n := len(tbl.names)
	notReady := 0
	for _, st := range tbl.statuses() {
		if st.State != "ready" && st.State != "starting" {
			notReady++
		}
	}
	d.mu.Lock()
	last := d.lastReload
	d.mu.Unlock()
	s := fmt.Sprintf("serving %d tenant%s", n, plural(n))
	if notReady > 0 {
		s += fmt.Sprintf(" (%d degraded)", notReady)
	}
	if last != nil {
		if last.OK {
			s += "; last reload ok at " + last.At.UTC().Format(time.RFC3339)
		} else {
			s += "; last reload failed at " + last.At.UTC().Format(time.RFC3339) + ": " + last.Error
		}
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// statusText keeps an error to one short line: STATUS= is a single line in
// systemctl status, and multi-problem config errors span many.
func statusText(err error) string {
	s := err.Error()
	n := strings.Count(s, "\n")
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + fmt.Sprintf(" (and %d more)", n)
	}
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

func withDefaults(s config.Daemon) config.Daemon {
	if s.ControlMode == 0 {
		s.ControlMode = 0o660
	}
	if s.DrainTimeout <= 0 {
		s.DrainTimeout = 10 * time.Second
	}
	if s.HTTPPath == "" {
		s.HTTPPath = "/mcp"
	}
	if s.SSEPath == "" {
		s.SSEPath = "/sse"
	}
	return s
}

// status builds the control API's view of the daemon.
func (d *Daemon) status() ctlapi.Status {
	tbl := d.routes.Load()
	st := ctlapi.Status{
		Version:    Version,
		PID:        os.Getpid(),
		StartedAt:  d.started,
		Uptime:     ctlapi.Duration(time.Since(d.started).Round(time.Millisecond)),
		ConfigPath: d.opts.ConfigPath,
		HTTPAddr:   d.HTTPAddr(),
		SSEAddr:    d.SSEAddr(),
		Tenants:    tbl.statuses(),
	}
	d.mu.Lock()
	if d.lastReload != nil {
		lr := *d.lastReload
		st.LastReload = &lr
	}
	d.mu.Unlock()
	return st
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (d *Daemon) view() *settingsView {
	return &settingsView{allowedHosts: d.settings.AllowedHosts}
}
