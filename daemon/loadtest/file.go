package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/odoo-mcpd/odoo-mcpd/daemon"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// WriteConfig writes a tenants file for n tenants (named as TenantName)
// that all use the Odoo at odooURL as its admin, with the listeners on
// ports the kernel picks and the control socket in dir. The password sits
// in a file beside it, as operators are told to keep it.
func WriteConfig(path, odooURL, dir string, n int) error {
	pw := filepath.Join(dir, "odoo.password")
	if err := os.WriteFile(pw, []byte("admin\n"), 0o600); err != nil {
		return err
	}
	var b strings.Builder
	// The loader refuses two listeners with the same address, port 0
	// included, so SSE takes another loopback address.
	fmt.Fprintf(&b, "[daemon]\nhttp_listen = \"127.0.0.1:0\"\nsse_listen = \"127.0.0.2:0\"\ncontrol_socket = %q\ndrain_timeout = \"5s\"\n\n", filepath.Join(dir, "control.sock"))
	fmt.Fprintf(&b, "[defaults]\nusername = \"admin\"\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "\n[tenants.%s]\nurl = %q\ndb = %q\npassword_file = %q\n", TenantName(i), odooURL, odootest.DB, pw)
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// LoadFile reads a tenants file the way the daemon does.
func LoadFile(path string) (*config.File, error) { return config.Load(path, os.Getenv) }

// StartFromFile starts a daemon with the real tenant runtime from a
// tenants file, binding the listeners it names; a reload reads the file
// again.
func StartFromFile(ctx context.Context, path string, log *slog.Logger) (*daemon.Daemon, error) {
	d := daemon.New(daemon.Options{
		Load:       func() (*config.File, error) { return LoadFile(path) },
		ConfigPath: path,
		NewRuntime: daemon.NewTenantRuntime,
		Logger:     log,
		Notify:     func(string) error { return nil },
	})
	if err := d.Start(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}
