package config

import (
	"net"
	"strconv"
	"strings"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// envSource names the origin of problems found by FromEnv.
const envSource = "environment"

// Seed variables: the single-tenant Odoo MCP servers odoo-mcpd replaces are
// configured this way, and keep working unchanged.
var seedRequired = []string{"ODOO_URL", "ODOO_DB", "ODOO_USERNAME", "ODOO_PASSWORD"}

// FromEnv builds a configuration from the environment when there is no
// config file: ODOO_URL, ODOO_DB, ODOO_USERNAME and ODOO_PASSWORD (optional
// ODOO_API_KEY) describe one tenant named "default"; MCP_HOST and MCP_PORT
// set the Streamable HTTP listener, MCP_HTTP_PATH and MCP_SSE_PATH the
// endpoint paths. It reports ok=false when none of the ODOO_* variables is
// set, and an *Error when some are set but the set is incomplete or wrong.
func FromEnv(env func(string) string) (f *File, ok bool, err error) {
	if env == nil {
		return nil, false, nil
	}
	seen := false
	for _, k := range seedRequired {
		if env(k) != "" {
			seen = true
		}
	}
	if !seen {
		return nil, false, nil
	}
	var probs []Problem
	bad := func(key, msg string) { probs = append(probs, Problem{File: envSource, Key: key, Msg: msg}) }
	// set stores the variable key in dst when it is set and check accepts it.
	set := func(key string, dst *string, check func(string) (string, string)) {
		v := env(key)
		if v == "" {
			return
		}
		if n, msg := check(v); msg != "" {
			bad(key, msg)
		} else {
			*dst = n
		}
	}
	var missing []string
	for _, k := range seedRequired {
		if env(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		bad("", "to serve one tenant from the environment, also set "+strings.Join(missing, ", "))
	}

	c := defaultTenant()
	c.Name = "default"
	set("ODOO_URL", &c.URL, checkOdooURL)
	set("ODOO_DB", &c.DB, checkDB)
	set("ODOO_USERNAME", &c.Username, checkUsername)
	c.Password = odoo.NewSecret(env("ODOO_PASSWORD"))
	c.APIKey = odoo.NewSecret(env("ODOO_API_KEY"))
	finishTenant(&c)

	d := defaultDaemon()
	host, port := env("MCP_HOST"), env("MCP_PORT")
	if host != "" && !validHost(host) {
		bad("MCP_HOST", "must be a host name or IP address, got "+strconv.Quote(host))
		host = ""
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			bad("MCP_PORT", "must be a port number between 1 and 65535, got "+strconv.Quote(port))
			port = ""
		}
	}
	if host != "" || port != "" {
		dh, dp, _ := net.SplitHostPort(defaultHTTPListen)
		sh, sp, _ := net.SplitHostPort(defaultSSEListen)
		if host != "" {
			dh, sh = host, host
		}
		if port != "" {
			dp = port
			if port == sp {
				// The SSE listener keeps its own port; move it out of the way
				// rather than fail to bind.
				sp = dp
				if n, _ := strconv.Atoi(dp); n < 65535 {
					sp = strconv.Itoa(n + 1)
				}
			}
		}
		d.HTTPListen = net.JoinHostPort(dh, dp)
		d.SSEListen = net.JoinHostPort(sh, sp)
	}
	set("MCP_HTTP_PATH", &d.HTTPPath, checkEndpointPath)
	set("MCP_SSE_PATH", &d.SSEPath, checkEndpointPath)
	if len(probs) > 0 {
		return nil, true, &Error{Problems: probs}
	}
	return &File{Daemon: d, Tenants: []tenant.Config{c}}, true, nil
}
