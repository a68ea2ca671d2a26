package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDebianPackage builds the .deb with packaging/deb/build.sh, checks its
// metadata and contents with dpkg-deb, and runs lintian over it: errors
// fail the test, warnings are logged for the record.
func TestDebianPackage(t *testing.T) {
	for _, tool := range []string{"dpkg-deb", "lintian", "go"} {
		need(t, tool)
	}
	out := t.TempDir()
	b, err := exec.Command("bash", "deb/build.sh", "-v", "1.0.0~test", "-o", out).CombinedOutput()
	if err != nil {
		t.Fatalf("deb/build.sh: %v\n%s", err, b)
	}
	deb := strings.TrimSpace(string(b))
	if lines := strings.Split(deb, "\n"); len(lines) > 1 {
		deb = lines[len(lines)-1]
	}
	if _, err := os.Stat(deb); err != nil || filepath.Dir(deb) != out {
		t.Fatalf("build.sh printed %q, want a .deb in %s: %v", deb, out, err)
	}

	info, err := exec.Command("dpkg-deb", "--info", deb).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --info: %v\n%s", err, info)
	}
	for _, want := range []string{"Package: odoo-mcpd", "Version: 1.0.0~test", "conffiles", "postinst"} {
		if !strings.Contains(string(info), want) {
			t.Errorf("dpkg-deb --info lacks %q:\n%s", want, info)
		}
	}

	contents, err := exec.Command("dpkg-deb", "--contents", deb).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --contents: %v\n%s", err, contents)
	}
	for _, want := range []string{
		"./usr/bin/odoo-mcpd", "./usr/bin/odoo-mcpctl",
		"./lib/systemd/system/odoo-mcpd.service", "./lib/systemd/system/odoo-mcpd.socket",
		"./lib/systemd/system/odoo-mcpd-http.socket", "./lib/systemd/system/odoo-mcpd-sse.socket",
		"./usr/lib/sysusers.d/odoo-mcpd.conf", "./usr/lib/tmpfiles.d/odoo-mcpd.conf",
		"./etc/odoo-mcpd/tenants.toml", "./usr/share/doc/odoo-mcpd/copyright",
		"./usr/share/doc/odoo-mcpd/examples/tenants.toml",
		"./usr/share/doc/odoo-mcpd/examples/nginx/tls.conf",
		"./usr/share/man/man8/odoo-mcpd.8.gz", "./usr/share/man/man1/odoo-mcpctl.1.gz",
	} {
		if !regexp.MustCompile(`(?m)\s` + regexp.QuoteMeta(want) + `$`).Match(contents) {
			t.Errorf("package lacks %s", want)
		}
	}

	// The binaries in the package run and say which version they are.
	x := t.TempDir()
	if b, err := exec.Command("dpkg-deb", "-x", deb, x).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb -x: %v\n%s", err, b)
	}
	v, err := exec.Command(filepath.Join(x, "usr/bin/odoo-mcpd"), "-version").CombinedOutput()
	if err != nil || !strings.Contains(string(v), "1.0.0~test") {
		t.Errorf("packaged odoo-mcpd -version = %q, %v; want it to name 1.0.0~test", v, err)
	}
	// The packaged config is valid as shipped.
	cc, err := exec.Command(filepath.Join(x, "usr/bin/odoo-mcpd"), "-check-config", filepath.Join(x, "etc/odoo-mcpd/tenants.toml")).CombinedOutput()
	if err != nil {
		t.Errorf("odoo-mcpd -check-config on the packaged tenants.toml: %v\n%s", err, cc)
	}

	lint, err := exec.Command("lintian", "--no-tag-display-limit", deb).CombinedOutput()
	var errs, warns []string
	for _, l := range strings.Split(string(lint), "\n") {
		switch {
		case strings.HasPrefix(l, "E: "):
			errs = append(errs, l)
		case strings.HasPrefix(l, "W: "):
			warns = append(warns, l)
		}
	}
	if len(warns) > 0 {
		t.Logf("lintian warnings left (%d):\n%s", len(warns), strings.Join(warns, "\n"))
	}
	if len(errs) > 0 {
		t.Errorf("lintian errors:\n%s", strings.Join(errs, "\n"))
	}
	if err != nil && len(errs) == 0 {
		// lintian exits non-zero only for errors (or its own failure).
		t.Errorf("lintian: %v\n%s", err, lint)
	}
}
