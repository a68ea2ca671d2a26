package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlclient"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/loadtest"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

const usage = `usage: odoo-mcpload MODE [flags]

Modes:
  overhead    search_records returning 10 rows, one call at a time, over
              Streamable HTTP, SSE and (with -ctl) the odoo-mcpctl stdio
              bridge, against the same search_read made with the Odoo client
  throughput  -c sessions calling search_records over Streamable HTTP; the
              demo daemon runs in a child process and its CPU per call is
              reported
  scale       -tenants tenants in one file: start to READY, idle RSS, and a
              reload changing one tenant while -c sessions call others
  sse         -sessions open SSE sessions: RSS the daemon adds
  serve       run a daemon from the tenants file -config until stdin
              closes (what scale and sse run in a child process)

Every run is bounded by -n calls or -d time. Run "odoo-mcpload MODE -h"
for a mode's flags.
`

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usageError{"no mode given"}
	}
	mode, rest := args[0], args[1:]
	fs := flag.NewFlagSet("odoo-mcpload "+mode, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		url      = fs.String("url", "", "Streamable HTTP endpoint of a tenant of a running daemon (default: an in-process demo)")
		token    = fs.String("token", "", "client token for -url, sent as a bearer token")
		conc     = fs.Int("c", 50, "concurrent sessions")
		dur      = fs.Duration("d", 10*time.Second, "run for this long (0: until -n calls)")
		calls    = fs.Int("n", 0, "stop after this many calls (0: until -d)")
		warmup   = fs.Int("warmup", 20, "unmeasured calls per session first")
		ctl      = fs.String("ctl", "", "odoo-mcpctl binary, to measure its stdio bridge (overhead mode)")
		tenants  = fs.Int("tenants", 1000, "tenants in the file (scale)")
		sessions = fs.Int("sessions", 1000, "SSE sessions to open (sse)")
		cfgPath  = fs.String("config", "", "tenants file (serve)")
		asJSON   = fs.Bool("json", false, "print results as JSON")
		profile  = fs.String("cpuprofile", "", "throughput, scale, sse: write the daemon process's CPU profile to this file; serve: profile this process")
		memprof  = fs.String("memprofile", "", "throughput, scale, sse: write the daemon process's heap profile to this file when the run ends; serve: profile this process")
		idle     = fs.Duration("idle", 0, "scale: also measure RSS after this long with no calls (Odoo keep-alive connections close after 90s; Go's forced GC runs every 2 minutes)")
		rounds   = fs.Int("rounds", 10, "overhead: the ways take turns this many times, each time with its share of -n or -d")
		raw      = fs.Bool("raw", false, "throughput: use the plain net/http client instead of mcp-go's")
	)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return usageError{err.Error()}
	}
	if *dur <= 0 && *calls <= 0 {
		return usageError{"set -d or -n: every run needs a bound"}
	}
	opts := loadtest.Options{Concurrency: *conc, Duration: *dur, Calls: *calls, Warmup: *warmup}
	out := &report{w: stdout, json: *asJSON}
	headers := map[string]string{}
	if *token != "" {
		headers["Authorization"] = "Bearer " + *token
	}
	childProfile, childMemProfile = *profile, *memprof
	switch mode {
	case "overhead":
		if *url != "" {
			return usageError{"overhead compares with the Odoo client directly, so it runs the in-process demo; drop -url"}
		}
		opts.Concurrency = 1
		return overhead(ctx, opts, *ctl, max(1, *rounds), out)
	case "throughput":
		return throughput(ctx, opts, *url, headers, *raw, out)
	case "scale":
		return scale(ctx, *tenants, *idle, opts, out)
	case "sse":
		return sseSessions(ctx, *sessions, out)
	case "serve":
		if *cfgPath == "" {
			return usageError{"serve needs -config FILE"}
		}
		return serve(ctx, *cfgPath, *profile, *memprof, stdin, stdout)
	}
	fmt.Fprint(stderr, usage)
	return usageError{fmt.Sprintf("unknown mode %q", mode)}
}

// report prints results as aligned text or JSON lines.
type report struct {
	w    io.Writer
	json bool
}

func (r *report) result(name string, res loadtest.Result) {
	if r.json {
		json.NewEncoder(r.w).Encode(map[string]any{"name": name, "result": res})
		return
	}
	fmt.Fprintf(r.w, "%-16s %s\n", name, res)
}

func (r *report) figure(name string, v any) {
	if r.json {
		json.NewEncoder(r.w).Encode(map[string]any{"name": name, "value": v})
		return
	}
	fmt.Fprintf(r.w, "%-28s %v\n", name, v)
}

func startDemo(ctx context.Context) (*loadtest.Demo, func(), error) {
	dir, err := os.MkdirTemp("", "odoo-mcpload-")
	if err != nil {
		return nil, nil, err
	}
	d, err := loadtest.StartDemo(ctx, 1, dir, nil)
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return d, func() { d.Close(); os.RemoveAll(dir) }, nil
}

func overhead(ctx context.Context, o loadtest.Options, ctl string, rounds int, out *report) error {
	d, stop, err := startDemo(ctx)
	if err != nil {
		return err
	}
	defer stop()
	hc := loadtest.HTTPClient(1)
	ids, err := loadtest.FindTenPartners(ctx, d.MCPURL("demo"), hc, nil)
	if err != nil {
		return err
	}
	call := loadtest.SearchTenRows(ids)
	ways := []struct {
		name string
		nc   loadtest.NewCaller
	}{
		{"direct-odoo", loadtest.DirectSearchTenRows(d.OdooConfig(), ids)},
		{"streamable-http", loadtest.StreamableHTTP(d.MCPURL("demo"), call, hc, nil)},
		{"http-raw-client", loadtest.RawStreamableHTTP(d.MCPURL("demo"), call, hc, nil)},
		{"sse", loadtest.SSE(d.SSEURL("demo"), call, hc, nil)},
	}
	if ctl != "" {
		ways = append(ways, struct {
			name string
			nc   loadtest.NewCaller
		}{"stdio-bridge", loadtest.Stdio(ctl, nil, []string{"-socket", d.ControlSocket(), "stdio", "--tenant", "demo"}, call)})
	}
	// The ways take turns, round after round, so a change in the
	// machine's other load falls on all of them alike.
	runs := map[string][]loadtest.Result{}
	per := o
	per.KeepSamples = true
	if o.Calls > 0 {
		per.Calls = max(1, o.Calls/rounds)
	}
	if o.Duration > 0 {
		per.Duration = o.Duration / time.Duration(rounds)
	}
	for i := 0; i < rounds; i++ {
		for _, w := range ways {
			r, err := loadtest.Run(ctx, w.nc, per)
			if err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			runs[w.name] = append(runs[w.name], r)
		}
	}
	results := map[string]loadtest.Result{}
	for _, w := range ways {
		results[w.name] = loadtest.Merge(runs[w.name]...)
		out.result(w.name, results[w.name])
	}
	base := results["direct-odoo"]
	for _, w := range ways[1:] {
		r := results[w.name]
		out.figure(w.name+" added p50", (r.P50 - base.P50).Round(time.Microsecond))
		out.figure(w.name+" added p99", (r.P99 - base.P99).Round(time.Microsecond))
		out.figure(w.name+" ratio p50", fmt.Sprintf("%.2fx", float64(r.P50)/float64(base.P50)))
	}
	if s, ok := results["stdio-bridge"]; ok {
		h := results["streamable-http"]
		out.figure("stdio vs http added p50", (s.P50 - h.P50).Round(time.Microsecond))
	}
	return nil
}

func throughput(ctx context.Context, o loadtest.Options, url string, headers map[string]string, raw bool, out *report) error {
	hc := loadtest.HTTPClient(o.Concurrency)
	pid := 0
	if url == "" {
		// The daemon runs in a child process, so its own CPU time per
		// call can be told apart from the clients' and the simulator's.
		c, err := startChild(ctx, 1)
		if err != nil {
			return err
		}
		defer c.stop()
		url, pid = c.mcpURL("demo"), c.cmd.Process.Pid
	}
	ids, err := loadtest.FindTenPartners(ctx, url, hc, headers)
	if err != nil {
		return err
	}
	nc, name := loadtest.StreamableHTTP(url, loadtest.SearchTenRows(ids), hc, headers), "streamable-http"
	if raw {
		nc, name = loadtest.RawStreamableHTTP(url, loadtest.SearchTenRows(ids), hc, headers), "http-raw-client"
	}
	var cpu0 time.Duration
	var cpuErr error
	o.OnMeasure = func() {
		if pid != 0 {
			cpu0, cpuErr = loadtest.ProcCPU(pid)
		}
	}
	r, err := loadtest.Run(ctx, nc, o)
	if err != nil {
		return err
	}
	out.result(name, r)
	if pid != 0 && cpuErr == nil && r.Calls > 0 {
		cpu1, err := loadtest.ProcCPU(pid)
		if err != nil {
			return err
		}
		per := (cpu1 - cpu0) / time.Duration(r.Calls)
		out.figure("daemon CPU per call", per.Round(time.Microsecond))
		if per > 0 {
			out.figure("daemon capacity, 2 cores", fmt.Sprintf("%.0f calls/s (2 CPU-seconds per second / CPU per call)", 2*float64(time.Second)/float64(per)))
		}
	}
	if r.Errors > 0 {
		return fmt.Errorf("%d of %d calls failed; first: %s", r.Errors, r.Calls, r.FirstError)
	}
	return nil
}

// childProfile and childMemProfile, when set, are where the serving child
// writes its CPU and heap profiles (-cpuprofile, -memprofile).
var childProfile, childMemProfile string

// child is a daemon served by this program in another process, so its
// memory is measured apart from the clients' and the simulator's, which
// stay in this process.
type child struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	info  loadtest.ServeInfo
	dir   string
	sim   *odootest.Server
}

func startChild(ctx context.Context, tenants int) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "odoo-mcpload-")
	if err != nil {
		return nil, err
	}
	c := &child{dir: dir, sim: odootest.New()}
	if err := c.sim.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	path := filepath.Join(dir, "tenants.toml")
	if err := loadtest.WriteConfig(path, c.sim.URL(), dir, tenants); err != nil {
		c.stop()
		return nil, err
	}
	args := []string{"serve", "-config", path}
	if childProfile != "" {
		args = append(args, "-cpuprofile", childProfile)
	}
	if childMemProfile != "" {
		args = append(args, "-memprofile", childMemProfile)
	}
	c.cmd = exec.CommandContext(ctx, self, args...)
	c.cmd.Stderr = os.Stderr
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		c.stop()
		return nil, err
	}
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		c.stop()
		return nil, err
	}
	if err := c.cmd.Start(); err != nil {
		c.cmd = nil
		c.stop()
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err == nil {
		err = json.Unmarshal(line, &c.info)
	}
	if err != nil {
		c.stop()
		return nil, fmt.Errorf("serving child did not report ready: %w", err)
	}
	return c, nil
}

func (c *child) rss() (int64, error) { return loadtest.RSS(c.cmd.Process.Pid) }

func (c *child) stop() {
	if c.stdin != nil {
		c.stdin.Close()
	}
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Wait()
	}
	c.sim.Close()
	os.RemoveAll(c.dir)
}

func (c *child) mcpURL(tenant string) string { return "http://" + c.info.HTTP + "/" + tenant + "/mcp" }

// waitReady waits until every tenant has logged in to Odoo (or ctx ends).
func waitReady(ctx context.Context, cc *ctlclient.Client, n int) (time.Duration, error) {
	start := time.Now()
	for {
		ts, err := cc.Tenants(ctx)
		if err != nil {
			return 0, err
		}
		ready := 0
		for _, t := range ts {
			if t.State == "ready" {
				ready++
			}
		}
		if ready == n {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%d of %d tenants ready: %w", ready, n, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func scale(ctx context.Context, tenants int, idle time.Duration, o loadtest.Options, out *report) error {
	if tenants < 2 {
		return usageError{"scale needs at least 2 tenants"}
	}
	c, err := startChild(ctx, tenants)
	if err != nil {
		return err
	}
	defer c.stop()
	out.figure("tenants", tenants)
	out.figure("start to READY", c.info.StartToReady.Round(time.Millisecond))
	out.figure("RSS before daemon", loadtest.MiB(c.info.RSSBefore))
	out.figure("RSS at READY", loadtest.MiB(c.info.RSSReady))
	cc := &ctlclient.Client{Socket: c.info.Control}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	probes, err := waitReady(wctx, cc, tenants)
	cancel()
	if err != nil {
		return err
	}
	out.figure("all tenants logged in after", probes.Round(time.Millisecond))
	rss, err := c.rss()
	if err != nil {
		return err
	}
	out.figure("idle RSS (daemon process)", loadtest.MiB(rss))
	if idle > 0 {
		select {
		case <-time.After(idle):
		case <-ctx.Done():
			return ctx.Err()
		}
		if rss, err = c.rss(); err != nil {
			return err
		}
		out.figure(fmt.Sprintf("RSS after %s without calls", idle), loadtest.MiB(rss))
	}

	// Load on other tenants while one is changed and reloaded.
	hc := loadtest.HTTPClient(o.Concurrency)
	ids, err := loadtest.FindTenPartners(ctx, c.mcpURL(loadtest.TenantName(2)), hc, nil)
	if err != nil {
		return err
	}
	var next atomic.Int64
	others := func(ctx context.Context, _ int) (loadtest.Caller, error) {
		i := 2 + int(next.Add(1))%(tenants-2)
		if tenants == 2 {
			i = 0
		}
		return loadtest.StreamableHTTP(c.mcpURL(loadtest.TenantName(i)), loadtest.SearchTenRows(ids), hc, nil)(ctx, 0)
	}
	changed := loadtest.TenantName(1)
	type reloadOutcome struct {
		res  string
		wall time.Duration
		err  error
	}
	done := make(chan reloadOutcome, 1)
	loadOpts := o
	if loadOpts.Duration <= 0 || loadOpts.Duration > 5*time.Second {
		loadOpts.Duration = 3 * time.Second
	}
	loadOpts.Calls = 0
	loadOpts.OnMeasure = func() {
		// Let the measured phase run a while before the reload.
		select {
		case <-time.After(loadOpts.Duration / 3):
		case <-ctx.Done():
			done <- reloadOutcome{err: ctx.Err()}
			return
		}
		if err := changeTenant(c.info.Config, changed); err != nil {
			done <- reloadOutcome{err: err}
			return
		}
		t0 := time.Now()
		res, err := cc.Reload(ctx)
		wall := time.Since(t0)
		if err != nil {
			done <- reloadOutcome{err: err}
			return
		}
		s := fmt.Sprintf("changed=%v added=%v removed=%v unchanged=%d daemon-measured=%s", res.Changed, res.Added, res.Removed, len(res.Unchanged), time.Duration(res.Duration).Round(time.Microsecond))
		if len(res.Changed) != 1 || res.Changed[0] != changed {
			err = fmt.Errorf("reload changed %v, want [%s]", res.Changed, changed)
		}
		done <- reloadOutcome{res: s, wall: wall, err: err}
	}
	r, err := loadtest.Run(ctx, others, loadOpts)
	if err != nil {
		return err
	}
	ro := <-done
	if ro.err != nil {
		return fmt.Errorf("reload: %w", ro.err)
	}
	out.figure("reload (wall, via control API)", ro.wall.Round(time.Microsecond))
	out.figure("reload result", ro.res)
	out.result("load on others", r)
	if r.Errors > 0 {
		return fmt.Errorf("%d calls on unchanged tenants failed during the reload; first: %s", r.Errors, r.FirstError)
	}
	return nil
}

// changeTenant edits name's table in the tenants file: a lower
// max_records is a change the daemon applies in place.
func changeTenant(path, name string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	head := "[tenants." + name + "]\n"
	s := string(b)
	if !strings.Contains(s, head) {
		return fmt.Errorf("%s: no table for tenant %s", path, name)
	}
	s = strings.Replace(s, head, head+"max_records = 150\n", 1)
	return os.WriteFile(path, []byte(s), 0o600)
}

func sseSessions(ctx context.Context, n int, out *report) error {
	c, err := startChild(ctx, 1)
	if err != nil {
		return err
	}
	defer c.stop()
	before, err := c.rss()
	if err != nil {
		return err
	}
	url := "http://" + c.info.SSE + "/demo/sse"
	hc := loadtest.HTTPClient(n)
	clients := make([]*client.Client, 0, n)
	defer func() {
		for _, cl := range clients {
			cl.Close()
		}
	}()
	for i := 0; i < n; i++ {
		cl, err := client.NewSSEMCPClient(url, client.WithHTTPClient(hc))
		if err != nil {
			return err
		}
		if err := cl.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("session %d: %w", i, err)
		}
		clients = append(clients, cl)
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
		init.Params.ClientInfo = mcp.Implementation{Name: "odoo-mcpload", Version: "1"}
		ictx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err = cl.Initialize(ictx, init)
		cancel()
		if err != nil {
			return fmt.Errorf("session %d: initialize: %w", i, err)
		}
	}
	// Every session must still answer once all are open.
	pctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for i, cl := range clients {
		if _, err := cl.ListTools(pctx, mcp.ListToolsRequest{}); err != nil {
			return fmt.Errorf("session %d: tools/list with all open: %w", i, err)
		}
	}
	runtime.GC()
	after, err := c.rss()
	if err != nil {
		return err
	}
	out.figure("SSE sessions open", n)
	out.figure("RSS before", loadtest.MiB(before))
	out.figure("RSS with sessions", loadtest.MiB(after))
	out.figure("added RSS", loadtest.MiB(after-before))
	out.figure("added per session", fmt.Sprintf("%.1f KiB", float64(after-before)/float64(n)/1024))
	return nil
}

func serve(ctx context.Context, path, profile, memprofile string, stdin io.Reader, stdout io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if memprofile != "" {
		// Taken when the parent ends the run, before the daemon closes,
		// so it shows what the daemon held while serving.
		loadtest.BeforeClose = func() error {
			f, err := os.Create(memprofile)
			if err != nil {
				return err
			}
			defer f.Close()
			runtime.GC()
			return pprof.WriteHeapProfile(f)
		}
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	// The parent ends the child by closing its stdin.
	go func() {
		io.Copy(io.Discard, stdin)
		cancel()
	}()
	return loadtest.Serve(ctx, path, stdout, nil)
}
