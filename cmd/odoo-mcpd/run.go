package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

const usage = `usage: odoo-mcpd [flags]

Serves the tenants of a TOML file (default %s) over Streamable HTTP,
SSE and a control socket. With no file but ODOO_URL, ODOO_DB, ODOO_USERNAME
and ODOO_PASSWORD set, serves one tenant named "default".

  odoo-mcpd -check-config FILE   validate a file and list every problem
  odoo-mcpd -demo                serve tenant "demo" backed by a built-in Odoo simulator

Flags:
`

// run is the whole program; main only turns its error into an exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("odoo-mcpd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, usage, config.DefaultPath)
		fs.PrintDefaults()
	}
	cfgPath := fs.String("config", config.DefaultPath, "configuration `file`")
	check := fs.String("check-config", "", "validate `FILE` and exit: 0 when valid, 1 listing every problem")
	demo := fs.Bool("demo", false, "serve tenant \"demo\" backed by the in-process Odoo simulator (no config file, loopback only)")
	httpAddr := fs.String("http", "127.0.0.1:8008", "with -demo: Streamable HTTP listen `address`")
	sseAddr := fs.String("sse", "127.0.0.1:8009", "with -demo: SSE listen `address`")
	version := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return exitError(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "odoo-mcpd: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitError(2)
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			explicit = true
		}
	})

	switch {
	case *version:
		fmt.Fprintf(stdout, "odoo-mcpd %s\n", daemon.Version)
		return nil
	case *check != "":
		return checkConfig(*check, stdout, stderr)
	case *demo:
		return runDemo(ctx, *httpAddr, *sseAddr, stdout, stderr)
	}

	first, load, err := loader(*cfgPath, explicit)
	if err != nil {
		return err
	}
	log, lv, err := buildLogger(stderr, first.Daemon)
	if err != nil {
		return fmt.Errorf("%s: %w", first.Path, err)
	}
	return daemon.Run(ctx, daemon.Options{Load: load, ConfigPath: first.Path, Logger: log, LogLevel: lv})
}

// loader returns the configuration to start with and the function that
// reads it again on each reload. The file wins; the seed environment is
// used only when no file was asked for and none exists.
func loader(path string, explicit bool) (*config.File, func() (*config.File, error), error) {
	_, statErr := os.Stat(path)
	if statErr != nil && errors.Is(statErr, os.ErrNotExist) && !explicit {
		f, ok, err := config.FromEnv(os.Getenv)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			// The environment does not change under a running process, so
			// a reload serves the same tenant.
			return f, func() (*config.File, error) {
				f, _, err := config.FromEnv(os.Getenv)
				return f, err
			}, nil
		}
		return nil, nil, fmt.Errorf("no configuration: %s does not exist and ODOO_URL, ODOO_DB, ODOO_USERNAME, ODOO_PASSWORD are not set (try odoo-mcpd -demo)", path)
	}
	f, err := config.Load(path, os.Getenv)
	if err != nil {
		return nil, nil, err
	}
	first := f
	load := func() (*config.File, error) {
		// Start reads the file once more; hand it the copy already read
		// so the logger and the first generation agree.
		if first != nil {
			f, first = first, nil
			return f, nil
		}
		return config.Load(path, os.Getenv)
	}
	return f, load, nil
}

func buildLogger(w io.Writer, d config.Daemon) (*slog.Logger, *slog.LevelVar, error) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	level, err := daemon.ParseLevel(d.LogLevel)
	if err != nil {
		return nil, nil, err
	}
	lv := new(slog.LevelVar)
	lv.Set(level)
	log, err := daemon.NewLogger(w, d.LogFormat, lv, tty)
	return log, lv, err
}

func checkConfig(path string, stdout, stderr io.Writer) error {
	f, err := config.Load(path, os.Getenv)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitError(1)
	}
	for _, w := range f.Warnings {
		fmt.Fprintln(stderr, "warning:", w)
	}
	fmt.Fprintf(stdout, "%s: ok, %d tenant%s\n", path, len(f.Tenants), map[bool]string{true: "", false: "s"}[len(f.Tenants) == 1])
	return nil
}

// runDemo serves tenant "demo" on an in-process Odoo simulator: nothing
// to install, nothing beyond loopback, no root.
func runDemo(ctx context.Context, httpAddr, sseAddr string, stdout, stderr io.Writer) error {
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		return fmt.Errorf("start the Odoo simulator: %w", err)
	}
	defer sim.Close()
	sock := demoSocket()
	cfg := &config.File{
		Path: "(demo)",
		Daemon: config.Daemon{
			HTTPListen:      httpAddr,
			SSEListen:       sseAddr,
			ControlSocket:   sock,
			ControlMode:     0o600,
			LogLevel:        "info",
			LogFormat:       "auto",
			DrainTimeout:    5 * time.Second,
			ShutdownTimeout: 10 * time.Second,
			HTTPPath:        "/mcp",
			SSEPath:         "/sse",
		},
		Tenants: []tenant.Config{{
			Name:               "demo",
			URL:                sim.URL(),
			DB:                 "odoo_test",
			Username:           "admin",
			Password:           odoo.NewSecret("admin"),
			Protocol:           "xmlrpc",
			Timeout:            30 * time.Second,
			MaxRecords:         200,
			MaxResponseBytes:   1 << 20,
			ConfirmWrites:      "off",
			Access:             tenant.Access{MaxBodyBytes: 1 << 20},
			SessionIdleTimeout: 30 * time.Minute,
		}},
	}
	log, _, err := buildLogger(stderr, cfg.Daemon)
	if err != nil {
		return err
	}
	return daemon.Run(ctx, daemon.Options{
		Load:       func() (*config.File, error) { return cfg, nil },
		ConfigPath: cfg.Path,
		Logger:     log,
		Ready:      func(d *daemon.Daemon) { printDemo(stdout, d) },
	})
}

// demoSocket is $ODOO_MCPD_SOCKET when set, so odoo-mcpctl finds the demo
// with no flag, else a per-user name under $XDG_RUNTIME_DIR or the temp dir.
func demoSocket() string {
	if p := os.Getenv(ctlapi.SocketEnv); p != "" {
		return p
	}
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "odoo-mcpd-demo-"+strconv.Itoa(os.Getuid())+".sock")
}

func printDemo(w io.Writer, d *daemon.Daemon) {
	httpURL := "http://" + d.HTTPAddr() + "/demo/mcp"
	sseURL := "http://" + d.SSEAddr() + "/demo/sse"
	clientCfg := map[string]any{"mcpServers": map[string]any{
		"odoo-demo": map[string]any{"type": "http", "url": httpURL},
		"odoo-demo-stdio": map[string]any{
			"command": "odoo-mcpctl",
			"args":    []string{"stdio", "--tenant", "demo"},
			"env":     map[string]string{ctlapi.SocketEnv: d.ControlSocket()},
		},
	}}
	js, _ := json.MarshalIndent(clientCfg, "", "  ")
	fmt.Fprintf(w, `odoo-mcpd %s: demo tenant "demo" on a built-in Odoo simulator (database odoo_test, sample data)

  Streamable HTTP  %s
  SSE              %s
  Control socket   %s   (odoo-mcpctl: export %s=%s)
  Metrics          http://%s/metrics

MCP client configuration:
%s

Ctrl-C stops.
`, daemon.Version, httpURL, sseURL, d.ControlSocket(), ctlapi.SocketEnv, d.ControlSocket(), d.HTTPAddr(), js)
}
