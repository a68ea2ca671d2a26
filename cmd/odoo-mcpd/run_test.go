package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

func TestVersion(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"-version"}, nil, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "odoo-mcpd ") {
		t.Fatalf("-version = %q, %v", out.String(), err)
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	os.WriteFile(filepath.Join(dir, "pw"), []byte("secret\n"), 0o600)
	os.WriteFile(good, []byte("[tenants.acme]\nurl = \"https://acme.example.com\"\ndb = \"acme\"\nusername = \"bot\"\npassword_file = \"pw\"\n"), 0o600)
	var out, errOut strings.Builder
	if err := run(context.Background(), []string{"-check-config", good}, nil, &out, &errOut); err != nil || !strings.Contains(out.String(), "ok, 1 tenant") {
		t.Fatalf("-check-config good = %v, out %q, err %q", err, out.String(), errOut.String())
	}
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(bad, []byte("[tenants.acme]\nurl = \"acme.local\"\ndb = \"acme\"\nusername = \"bot\"\npassword_file = \"pw\"\ncolour = 3\n[tenants.Beta]\nurl = \"https://b.example.com\"\n"), 0o600)
	out.Reset()
	errOut.Reset()
	err := run(context.Background(), []string{"-check-config", bad}, nil, &out, &errOut)
	var ex exitError
	if !errors.As(err, &ex) || ex != 1 {
		t.Fatalf("-check-config bad = %v, want exit status 1", err)
	}
	// Every problem is listed, each with the file and line.
	for _, want := range []string{"bad.toml:2", "acme.local", "bad.toml:6", "colour", "Beta"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("-check-config output lacks %q:\n%s", want, errOut.String())
		}
	}
}

func TestNoConfiguration(t *testing.T) {
	for _, k := range []string{"ODOO_URL", "ODOO_DB", "ODOO_USERNAME", "ODOO_PASSWORD"} {
		t.Setenv(k, "")
	}
	err := run(context.Background(), []string{"-config", filepath.Join(t.TempDir(), "missing.toml")}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Fatalf("missing explicit config = %v, want an error naming the file", err)
	}
}

// syncBuffer is written by the daemon and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemo runs -demo as a newcomer would, takes the URL it prints and
// calls a tool on it.
func TestDemoSocketFromEnvironment(t *testing.T) {
	want := filepath.Join(t.TempDir(), "ctl.sock")
	t.Setenv(ctlapi.SocketEnv, want)
	if got := demoSocket(); got != want {
		t.Errorf("demoSocket() = %q, want %q from $%s", got, want, ctlapi.SocketEnv)
	}
	t.Setenv(ctlapi.SocketEnv, "")
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	if got := demoSocket(); !strings.HasPrefix(got, "/run/user/1000/odoo-mcpd-demo-") {
		t.Errorf("demoSocket() = %q, want it under $XDG_RUNTIME_DIR", got)
	}
}

func TestDemo(t *testing.T) {
	t.Setenv(ctlapi.SocketEnv, "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-demo", "-http", "127.0.0.1:0", "-sse", "127.0.0.1:0"}, nil, pw, &stderr)
		pw.Close()
	}()
	var printed strings.Builder
	urlRE := regexp.MustCompile(`Streamable HTTP\s+(http://\S+)`)
	sc := bufio.NewScanner(pr)
	var url string
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		if strings.HasPrefix(sc.Text(), "Ctrl-C") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatalf("no URL printed:\n%s\n%s", printed.String(), stderr.String())
	}
	js := printed.String()[strings.Index(printed.String(), "{") : strings.LastIndex(printed.String(), "}")+1]
	var clientCfg struct {
		MCPServers map[string]map[string]any `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(js), &clientCfg); err != nil || clientCfg.MCPServers["odoo-demo"]["url"] != url {
		t.Errorf("client config %s: %v", js, err)
	}
	if !strings.Contains(printed.String(), filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), "odoo-mcpd-demo-")) {
		t.Errorf("control socket not under $XDG_RUNTIME_DIR:\n%s", printed.String())
	}

	tr, err := transport.NewStreamableHTTP(url)
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion("2025-11-25"))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = "2025-11-25"
	if _, err := c.Initialize(ctx, init); err != nil {
		t.Fatal(err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = "search_records"
	req.Params.Arguments = map[string]any{"model": "res.partner", "fields": []string{"name"}, "limit": 3}
	res, err := c.CallTool(ctx, req)
	if err != nil || res.IsError {
		t.Fatalf("search_records on the demo = %+v, %v", res, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("demo run = %v, want nil on stop", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("demo did not stop")
	}
}

// TestSeedEnvironment: no file, ODOO_* set: tenant "default" is served at
// the single-tenant servers' path, MCP_HTTP_PATH.
func TestSeedEnvironment(t *testing.T) {
	// The seed variables move only the HTTP listener; SSE stays on its
	// default port, which another process on this host may hold.
	if l, err := net.Listen("tcp", "127.0.0.1:8009"); err != nil {
		t.Skipf("127.0.0.1:8009 is busy (%v); the seed mode's SSE listener needs it", err)
	} else {
		l.Close()
	}
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	t.Setenv("ODOO_URL", sim.URL())
	t.Setenv("ODOO_DB", "odoo_test")
	t.Setenv("ODOO_USERNAME", "admin")
	t.Setenv("ODOO_PASSWORD", "admin")
	t.Setenv("MCP_HOST", "127.0.0.1")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	t.Setenv("MCP_PORT", strconv.Itoa(port))
	t.Setenv("MCP_HTTP_PATH", "/odoo")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		// The default path does not exist here, so the environment is used.
		done <- run(ctx, []string{}, nil, io.Discard, &stderr)
	}()
	addrRE := regexp.MustCompile(`http=(127\.0\.0\.1:\d+)`)
	var addr string
	deadline := time.Now().Add(30 * time.Second)
	for addr == "" && time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v\n%s", err, stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
			addr = m[1]
		}
	}
	if addr == "" {
		t.Fatalf("daemon did not report its address:\n%s", stderr.String())
	}
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"seed","version":"1"}}}`
	req, _ := http.NewRequest("POST", fmt.Sprintf("http://%s/odoo", addr), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), "odoo-mcpd/default") {
		t.Fatalf("POST /odoo = %d %s, want the default tenant's initialize", resp.StatusCode, b)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run = %v", err)
	}
	if strings.Contains(stderr.String(), "admin\"") {
		t.Errorf("password in logs:\n%s", stderr.String())
	}
}
