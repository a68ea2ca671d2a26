package packaging

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// No Docker engine runs where the tests do, so the image is not built
// here. What can rot silently is checked instead: the Dockerfile builds the
// commands that exist with the version variable that exists, and the
// binary accepts the default command's flags.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, cmd := range regexp.MustCompile(`\./cmd/[a-z-]+`).FindAllString(df, -1) {
		if _, err := os.Stat(filepath.Join("..", cmd, "main.go")); err != nil {
			t.Errorf("Dockerfile builds %s, which has no main.go: %v", cmd, err)
		}
	}
	if !strings.Contains(df, "-X github.com/odoo-mcpd/odoo-mcpd/daemon.Version=") {
		t.Error("Dockerfile does not stamp daemon.Version")
	}
	if !strings.Contains(df, "USER nonroot") || !strings.Contains(df, "CGO_ENABLED=0") {
		t.Error("Dockerfile must build a static binary and run as non-root")
	}
	m := regexp.MustCompile(`(?m)^CMD (\[.*\])$`).FindStringSubmatch(df)
	if m == nil {
		t.Fatal("Dockerfile has no exec-form CMD")
	}
	var args []string
	if err := json.Unmarshal([]byte(m[1]), &args); err != nil {
		t.Fatalf("CMD %s: %v", m[1], err)
	}
	bin := filepath.Join(t.TempDir(), "odoo-mcpd")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/odoo-mcpd").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// -version after the default flags: a flag the binary does not know
	// fails the parse before -version is looked at.
	out, err := exec.Command(bin, append(args, "-version")...).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "odoo-mcpd ") {
		t.Errorf("odoo-mcpd %s -version: %v\n%s", strings.Join(args, " "), err, out)
	}
}
