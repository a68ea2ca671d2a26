package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

// TestReadmeDesktopSnippet parses the Claude Desktop configuration the
// README shows and runs the command it names against a control socket, so
// the snippet cannot drift from the real command line.
func TestReadmeDesktopSnippet(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "### Claude Desktop")
	if i < 0 {
		t.Fatal("README has no Claude Desktop section")
	}
	m := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(text[i:])
	if m == nil {
		t.Fatal("README's Claude Desktop section has no json block")
	}
	var cfg struct {
		MCPServers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("README snippet is not valid JSON: %v", err)
	}
	if len(cfg.MCPServers) == 0 {
		t.Fatal("README snippet names no server")
	}
	f := startFake(t)
	for name, s := range cfg.MCPServers {
		if s.Command != "odoo-mcpctl" {
			t.Errorf("server %s runs %q, want odoo-mcpctl", name, s.Command)
		}
		in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize"}` + "\n")
		r := runCLI(t, in, map[string]string{ctlapi.SocketEnv: f.Socket}, s.Args...)
		if r.err != nil || !strings.Contains(r.stdout, `"id":1,"result"`) {
			t.Errorf("odoo-mcpctl %s = out %q, err %v, stderr %q; want the tenant's answer", strings.Join(s.Args, " "), r.stdout, r.err, r.stderr)
		}
	}
}
