package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var units = []string{"odoo-mcpd.service", "odoo-mcpd.socket", "odoo-mcpd-http.socket", "odoo-mcpd-sse.socket"}

// unitRoot lays the units out in a throwaway root, with the system's own
// units beside them and an executable at the path ExecStart names, so that
// systemd-analyze judges the files and not this machine's state.
func unitRoot(t *testing.T) string {
	t.Helper()
	need(t, "systemd-analyze")
	root := t.TempDir()
	for _, d := range []string{"usr/bin", "bin", "etc/systemd/system", "usr/lib/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sys, err := filepath.Glob("/usr/lib/systemd/system/*.target")
	if err != nil || len(sys) == 0 {
		t.Fatalf("no system targets under /usr/lib/systemd/system: %v", err)
	}
	for _, f := range sys {
		copyFile(t, f, filepath.Join(root, "usr/lib/systemd/system", filepath.Base(f)))
	}
	writeFile(t, filepath.Join(root, "usr/bin/odoo-mcpd"), "#!/bin/sh\n", 0o755)
	copyFile(t, "/bin/kill", filepath.Join(root, "bin/kill"))
	for _, u := range units {
		copyFile(t, filepath.Join("systemd", u), filepath.Join(root, "etc/systemd/system", u))
	}
	return root
}

func TestSystemdAnalyzeVerify(t *testing.T) {
	root := unitRoot(t)
	args := []string{"verify", "--man=no", "--root=" + root}
	for _, u := range units {
		args = append(args, filepath.Join(root, "etc/systemd/system", u))
	}
	out, err := exec.Command("systemd-analyze", args...).CombinedOutput()
	// verify exits 0 on warnings: any output at all is a finding.
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestSystemdAnalyzeSecurity(t *testing.T) {
	root := unitRoot(t)
	out, err := exec.Command("systemd-analyze", "security", "--offline=true", "--no-pager",
		"--root="+root, filepath.Join(root, "etc/systemd/system/odoo-mcpd.service")).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for odoo-mcpd.service: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	level, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("systemd-analyze security: exposure %.1f", level)
	if level > 2.0 {
		t.Errorf("exposure level %.1f, want 2.0 or better\n%s", level, out)
	}
}

func TestSysusersAndTmpfiles(t *testing.T) {
	need(t, "systemd-sysusers")
	need(t, "systemd-tmpfiles")
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if out, err := exec.Command("systemd-sysusers", "--root="+root, abs("systemd/odoo-mcpd.sysusers")).CombinedOutput(); err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	passwd, err := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^odoo-mcpd:x:\d+:\d+:[^:]*:/var/lib/odoo-mcpd:/usr/sbin/nologin$`).Match(passwd) {
		t.Errorf("etc/passwd has no odoo-mcpd system user:\n%s", passwd)
	}
	if out, err := exec.Command("systemd-tmpfiles", "--root="+root, "--create", abs("systemd/odoo-mcpd.tmpfiles")).CombinedOutput(); err != nil {
		t.Fatalf("systemd-tmpfiles: %v\n%s", err, out)
	}
	for path, mode := range map[string]os.FileMode{
		"etc/odoo-mcpd":             0o750,
		"etc/odoo-mcpd/credentials": 0o750,
		"var/lib/odoo-mcpd":         0o750,
	} {
		fi, err := os.Stat(filepath.Join(root, path))
		if err != nil {
			t.Errorf("tmpfiles did not create /%s: %v", path, err)
			continue
		}
		if got := fi.Mode().Perm(); got != mode {
			t.Errorf("/%s mode = %o, want %o", path, got, mode)
		}
	}
}

// The socket units must give the descriptor names the daemon looks for.
func TestSocketNames(t *testing.T) {
	for unit, name := range map[string]string{
		"odoo-mcpd.socket":      "control",
		"odoo-mcpd-http.socket": "http",
		"odoo-mcpd-sse.socket":  "sse",
	} {
		b, err := os.ReadFile(filepath.Join("systemd", unit))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "\nFileDescriptorName="+name+"\n") {
			t.Errorf("%s: want FileDescriptorName=%s", unit, name)
		}
		if !strings.Contains(string(b), "\nService=odoo-mcpd.service\n") {
			t.Errorf("%s: want Service=odoo-mcpd.service", unit)
		}
	}
}

func need(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found: run `make deps` (it installs the Debian packages the tests use)", tool)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b), fi.Mode().Perm())
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
