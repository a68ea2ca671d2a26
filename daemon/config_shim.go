package daemon

import (
	"os"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// Config is a whole configuration file once loaded and validated.
type Config struct {
	Path     string
	Daemon   Settings
	Tenants  []tenant.Config // sorted by name
	Warnings []string
}

// Settings is the daemon section of the configuration.
type Settings struct {
	HTTPListen, SSEListen string
	ControlSocket         string
	ControlGroup          string
	ControlMode           os.FileMode
	LogLevel, LogFormat   string
	AuditFile             string
	DrainTimeout          time.Duration
	ShutdownTimeout       time.Duration
	TLSCert, TLSKey       string
	TLSClientCA           string
	AllowedHosts          []string
	HTTPPath, SSEPath     string
}
