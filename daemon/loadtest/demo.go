package loadtest

import (
	"context"
	"log/slog"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// Demo is the Odoo simulator and an in-process daemon whose tenants all
// use it as their Odoo, logged in as the simulator's admin.
type Demo struct {
	Sim *odootest.Server
	*Daemon
}

// StartDemo starts the simulator (no added latency) and a daemon with the
// given number of tenants over it; dir holds the control socket.
func StartDemo(ctx context.Context, tenants int, dir string, log *slog.Logger) (*Demo, error) {
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		return nil, err
	}
	d, err := StartDaemon(ctx, DaemonOptions{
		OdooURL: sim.URL(), DB: odootest.DB, Username: "admin", Password: "admin",
		Tenants: tenants, Dir: dir, Logger: log,
	})
	if err != nil {
		sim.Close()
		return nil, err
	}
	return &Demo{Sim: sim, Daemon: d}, nil
}

// OdooConfig is the Odoo client configuration the tenants use, for
// calling the simulator directly.
func (d *Demo) OdooConfig() odoo.Config {
	return odoo.Config{URL: d.Sim.URL(), DB: odootest.DB, Username: "admin", Password: odoo.NewSecret("admin"), Protocol: "xmlrpc"}
}

// Close stops the daemon, then the simulator.
func (d *Demo) Close() {
	d.Daemon.Close()
	d.Sim.Close()
}
