// Package config reads odoo-mcpd's TOML configuration file (and, for
// compatibility with the single-tenant servers, the environment) into
// immutable values: the daemon's own settings and one tenant.Config per
// tenant, defaults applied and secrets read from their files or variables.
//
// Decoding is strict. Unknown keys, wrong types and impossible values are
// all collected, so a single -check-config run lists every problem, each as
// "file:line: key: what is wrong, got VALUE". No problem text ever contains
// a secret.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// DefaultPath is where the daemon looks for its configuration file.
const DefaultPath = "/etc/odoo-mcpd/tenants.toml"

// File is a loaded configuration. Nothing modifies it after Load returns.
type File struct {
	// Path is the file it was read from; empty when built from the environment.
	Path   string
	Daemon Daemon
	// Tenants are sorted by name.
	Tenants []tenant.Config
	// Warnings are accepted but discouraged settings (an inline password,
	// a world-writable control socket), formatted like problems.
	Warnings []string
}

// Tenant returns the tenant named name.
func (f *File) Tenant(name string) (tenant.Config, bool) {
	i, ok := slices.BinarySearchFunc(f.Tenants, name, func(c tenant.Config, n string) int {
		return strings.Compare(c.Name, n)
	})
	if !ok {
		return tenant.Config{}, false
	}
	return f.Tenants[i], true
}

// Daemon holds the [daemon] table: settings of the process, not of a tenant.
type Daemon struct {
	// HTTPListen and SSEListen are host:port addresses of the Streamable
	// HTTP and SSE listeners; "" disables that listener.
	HTTPListen, SSEListen string
	// ControlSocket is the unix socket of the control API, created with
	// ControlMode and owned by ControlGroup ("" keeps the process's group).
	ControlSocket string
	ControlGroup  string
	ControlMode   os.FileMode
	// LogLevel is debug|info|warn|error; LogFormat is auto|text|json.
	LogLevel, LogFormat string
	// AuditFile, when set, receives a JSON line for every write tool call.
	AuditFile string
	// DrainTimeout bounds how long a removed tenant's calls may finish
	// after a reload; ShutdownTimeout bounds the drain on SIGTERM.
	DrainTimeout    time.Duration
	ShutdownTimeout time.Duration
	// TLSCert and TLSKey enable TLS on both listeners; TLSClientCA also
	// requires client certificates signed by it.
	TLSCert, TLSKey, TLSClientCA string
	// AllowedHosts are extra Host header values accepted besides loopback
	// names (the DNS-rebinding guard).
	AllowedHosts []string
	// HTTPPath and SSEPath are the per-tenant endpoint suffixes:
	// /{tenant}{HTTPPath} and /{tenant}{SSEPath}.
	HTTPPath, SSEPath string
}

// Built-in defaults, in one place. A [defaults] table in the file overrides
// the tenant ones; a tenant's own table overrides both.
const (
	defaultHTTPListen         = "127.0.0.1:8008"
	defaultSSEListen          = "127.0.0.1:8009"
	defaultControlMode        = 0o660
	defaultHTTPPath           = "/mcp"
	defaultSSEPath            = "/sse"
	defaultTimeout            = 30 * time.Second
	defaultMaxRecords         = 200
	defaultMaxResponseBytes   = 1 << 20
	defaultMaxBodyBytes       = 1 << 20
	defaultSessionIdleTimeout = 30 * time.Minute
	defaultDrainTimeout       = 10 * time.Second
	defaultShutdownTimeout    = 30 * time.Second
)

func defaultDaemon() Daemon {
	return Daemon{
		HTTPListen:      defaultHTTPListen,
		SSEListen:       defaultSSEListen,
		ControlSocket:   ctlapi.DefaultSocket,
		ControlMode:     defaultControlMode,
		LogLevel:        "info",
		LogFormat:       "auto",
		DrainTimeout:    defaultDrainTimeout,
		ShutdownTimeout: defaultShutdownTimeout,
		HTTPPath:        defaultHTTPPath,
		SSEPath:         defaultSSEPath,
	}
}

func defaultTenant() tenant.Config {
	return tenant.Config{
		Protocol:           "xmlrpc",
		Timeout:            defaultTimeout,
		MaxRecords:         defaultMaxRecords,
		MaxResponseBytes:   defaultMaxResponseBytes,
		ConfirmWrites:      "off",
		Access:             tenant.Access{MaxBodyBytes: defaultMaxBodyBytes},
		SessionIdleTimeout: defaultSessionIdleTimeout,
	}
}

// finishTenant derives the settings that depend on others once everything
// is known.
func finishTenant(c *tenant.Config) {
	if c.Access.RateLimit > 0 && c.Access.Burst == 0 {
		c.Access.Burst = max(1, int(c.Access.RateLimit+0.999999))
	}
}

// maxFileSize bounds the config file; anything larger is not a config file.
const maxFileSize = 4 << 20

// Load reads and validates the configuration file at path. env looks up
// environment variables (os.Getenv in the daemon) for *_env secrets and
// $CREDENTIALS_DIRECTORY. On any problem it returns an *Error listing all
// of them and no File.
func Load(path string, env func(string) string) (*File, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Msg: "cannot read config file: " + describeOSError(err)}}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, &Error{Problems: []Problem{{File: path, Msg: "cannot read config file: " + describeOSError(err)}}}
	}
	if len(data) > maxFileSize {
		return nil, &Error{Problems: []Problem{{File: path, Msg: fmt.Sprintf("config file is larger than %d bytes", maxFileSize)}}}
	}
	var worldReadable bool
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o004 != 0 {
		worldReadable = true
	}
	return parse(path, data, env, worldReadable)
}

// Parse validates configuration text as if read from a file named path.
// Relative secret file names are resolved as Load resolves them.
func Parse(path string, data []byte, env func(string) string) (*File, error) {
	if env == nil {
		env = func(string) string { return "" }
	}
	return parse(path, data, env, false)
}

func describeOSError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
