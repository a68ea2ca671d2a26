package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// DaemonOptions describe an in-process daemon to measure.
type DaemonOptions struct {
	// OdooURL is the Odoo every tenant talks to.
	OdooURL string
	// DB, Username and Password log in to it.
	DB, Username, Password string
	// Tenants is how many tenants to serve; the first is named "demo", the
	// others "t0001", "t0002"... Zero means one.
	Tenants int
	// Dir holds the control socket; it must exist.
	Dir string
	// Logger receives the daemon's logs; nil discards them.
	Logger *slog.Logger
}

// Daemon is a running in-process odoo-mcpd.
type Daemon struct {
	*daemon.Daemon
	mu       sync.Mutex
	cfg      *config.File
	runtimes map[string]daemon.Runtime // latest built per name
}

// TenantName returns the name of the i-th tenant StartDaemon configures.
func TenantName(i int) string {
	if i == 0 {
		return "demo"
	}
	return fmt.Sprintf("t%04d", i)
}

// TenantConfig is the settings StartDaemon gives the i-th tenant.
func TenantConfig(o DaemonOptions, i int) tenant.Config {
	return tenant.Config{
		Name:             TenantName(i),
		URL:              o.OdooURL,
		DB:               o.DB,
		Username:         o.Username,
		Password:         odoo.NewSecret(o.Password),
		Protocol:         "xmlrpc",
		Timeout:          30 * time.Second,
		MaxRecords:       200,
		MaxResponseBytes: 1 << 20,
		ConfirmWrites:    "off",
		// As odoo-mcpd -demo and the file loader's defaults set them.
		Access:             tenant.Access{MaxBodyBytes: 1 << 20},
		SessionIdleTimeout: 30 * time.Minute,
	}
}

// StartDaemon starts a daemon with the real tenant runtime on loopback
// listeners picked by the kernel and a control socket in o.Dir. It returns
// once the daemon is ready, which is when Start returns.
func StartDaemon(ctx context.Context, o DaemonOptions) (*Daemon, error) {
	if o.Tenants <= 0 {
		o.Tenants = 1
	}
	cfg := &config.File{
		Path: "(in-process)",
		Daemon: config.Daemon{
			ControlSocket: filepath.Join(o.Dir, "control.sock"),
			DrainTimeout:  5 * time.Second,
		},
	}
	for i := 0; i < o.Tenants; i++ {
		cfg.Tenants = append(cfg.Tenants, TenantConfig(o, i))
	}
	lns := map[string]net.Listener{}
	for _, name := range []string{"http", "sse"} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, err
		}
		lns[name] = ln
	}
	d := &Daemon{cfg: cfg, runtimes: map[string]daemon.Runtime{}}
	d.Daemon = daemon.New(daemon.Options{
		Load:       d.load,
		ConfigPath: cfg.Path,
		NewRuntime: d.newRuntime,
		Logger:     o.Logger,
		Notify:     func(string) error { return nil },
		Listeners:  lns,
	})
	if err := d.Start(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Daemon) newRuntime(cfg tenant.Config, o daemon.RuntimeOptions) (daemon.Runtime, error) {
	rt, err := daemon.NewTenantRuntime(cfg, o)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.runtimes[cfg.Name] = rt
	d.mu.Unlock()
	return rt, nil
}

// Runtime returns the tenant runtime most recently built for name, or nil.
func (d *Daemon) Runtime(name string) daemon.Runtime {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.runtimes[name]
}

func (d *Daemon) load() (*config.File, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := *d.cfg
	c.Tenants = append([]tenant.Config(nil), d.cfg.Tenants...)
	return &c, nil
}

// SetTenant replaces the i-th tenant's settings in the configuration the
// next Reload reads.
func (d *Daemon) SetTenant(i int, cfg tenant.Config) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cfg.Tenants[i] = cfg
}

// Tenant returns the i-th tenant's current settings.
func (d *Daemon) Tenant(i int) tenant.Config {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.cfg.Tenants[i]
}

// MCPURL is the Streamable HTTP endpoint of a tenant.
func (d *Daemon) MCPURL(name string) string { return "http://" + d.HTTPAddr() + "/" + name + "/mcp" }

// SSEURL is the SSE endpoint of a tenant.
func (d *Daemon) SSEURL(name string) string { return "http://" + d.SSEAddr() + "/" + name + "/sse" }
