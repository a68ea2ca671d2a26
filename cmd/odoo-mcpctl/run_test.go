package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain lets a test run this very binary as odoo-mcpctl, to see the
// real exit status main produces.
func TestMain(m *testing.M) {
	if os.Getenv("ODOO_MCPCTL_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	removeBinaries()
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	err            error
}

func runCLI(t *testing.T, stdin io.Reader, env map[string]string, args ...string) result {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(ctx, args, func(k string) string { return env[k] }, stdin, &out, &errb)
	return result{out.String(), errb.String(), err}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func TestStatus(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "status")
	if r.err != nil || r.stderr != "" {
		t.Fatalf("status: err %v, stderr %q", r.err, r.stderr)
	}
	golden(t, "status.golden", r.stdout)

	r = runCLI(t, nil, nil, "-socket", f.Socket, "status", "--json")
	if r.err != nil {
		t.Fatalf("status --json: %v", r.err)
	}
	golden(t, "status.json.golden", r.stdout)
	var st ctlapi.Status
	if err := jsonUnmarshal(r.stdout, &st); err != nil || len(st.Tenants) != 3 || st.Tenants[0].LatencyP50 != ctlapi.Duration(12345*time.Microsecond) {
		t.Errorf("status --json does not round-trip: %v %+v", err, st)
	}
}

func TestStatusAfterFailedReload(t *testing.T) {
	f := startFake(t)
	st := sampleStatus()
	st.Tenants = nil
	st.HTTPAddr, st.SSEAddr = "", ""
	st.LastReload = &ctlapi.ReloadSummary{At: st.StartedAt.Add(time.Minute), OK: false, Count: 1,
		Error: "/etc/odoo-mcpd/tenants.toml:14: tenants.acme.url: must be an http(s) URL, got \"acme.local\"\n/etc/odoo-mcpd/tenants.toml:15: tenants.acme: missing db"}
	f.setStatus(st)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "status")
	if r.err != nil {
		t.Fatal(r.err)
	}
	golden(t, "status-failed-reload.golden", r.stdout)
}

func TestStatusSocketFromEnv(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, map[string]string{ctlapi.SocketEnv: f.Socket}, "status")
	if r.err != nil || !strings.Contains(r.stdout, "odoo-mcpd 1.2.3") {
		t.Errorf("status with $%s: err %v, out %q", ctlapi.SocketEnv, r.err, r.stdout)
	}
}

func TestTenants(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "tenants")
	if r.err != nil {
		t.Fatal(r.err)
	}
	golden(t, "tenants.golden", r.stdout)
}

const goodConfig = `
[tenants.acme]
url = "https://acme.odoo.example.com"
db = "acme-prod"
username = "bot"
password = "x"

[tenants.crm]
url = "https://crm.example.com"
db = "crm"
username = "bot"
password = "x"
`

func TestReload(t *testing.T) {
	f := startFake(t)
	f.setStatus(ctlapi.Status{Tenants: []ctlapi.TenantStatus{{Name: "acme"}, {Name: "crm"}, {Name: "initech"}}})
	if err := os.WriteFile(f.ConfigPath, []byte(goodConfig+"\n[tenants.globex]\nurl = \"http://g\"\ndb = \"g\"\nusername = \"u\"\npassword = \"x\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, nil, "-socket", f.Socket, "reload")
	if r.err != nil || r.stderr != "" {
		t.Fatalf("reload: err %v, stderr %q", r.err, r.stderr)
	}
	golden(t, "reload.golden", r.stdout)
}

// TestReloadBrokenConfig: the daemon's own message (file, line, key) is
// what the operator reads, and the command fails.
func TestReloadBrokenConfig(t *testing.T) {
	f := startFake(t)
	broken := goodConfig + "\n[tenants.globex]\nurl = \"globex.local\"\ndb = \"g\"\nusername = \"u\"\npassword = \"x\"\n"
	if err := os.WriteFile(f.ConfigPath, []byte(broken), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, nil, "-socket", f.Socket, "reload")
	var ex exitError
	if !errors.As(r.err, &ex) || ex != 1 {
		t.Fatalf("reload error = %v, want exit status 1", r.err)
	}
	want := "reload failed, running configuration kept: " + f.ConfigPath + `:15: tenants.globex.url: must be an http(s) URL, got "globex.local"` + "\n"
	if r.stderr != want || r.stdout != "" {
		t.Errorf("reload stderr = %q, stdout %q, want stderr %q", r.stderr, r.stdout, want)
	}

	// The same through the real binary: exit status 1, message on stderr.
	cmd := exec.Command(os.Args[0], "-socket", f.Socket, "reload")
	cmd.Env = append(os.Environ(), "ODOO_MCPCTL_TEST_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("odoo-mcpctl reload: %v, want exit status 1", err)
	}
	if stderr.String() != want {
		t.Errorf("odoo-mcpctl reload stderr = %q, want %q", stderr.String(), want)
	}
}

func TestCheck(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "check", "acme")
	if want := "acme: ok, Odoo 18.0 over xmlrpc, uid 2, round trip 42ms\n"; r.err != nil || r.stdout != want {
		t.Errorf("check acme = %q, %v, want %q", r.stdout, r.err, want)
	}
	r = runCLI(t, nil, nil, "-socket", f.Socket, "check", "globex-eu")
	if want := "globex-eu: login failed after 3ms: odoo: AccessDenied: Access Denied\n"; r.err != exitError(1) || r.stderr != want {
		t.Errorf("check globex-eu = %q, %v, want %q and exit 1", r.stderr, r.err, want)
	}
	r = runCLI(t, nil, nil, "-socket", f.Socket, "check", "nope")
	if want := `no tenant "nope" (known tenants: acme, globex-eu, initech)`; r.err == nil || r.err.Error() != want {
		t.Errorf("check nope = %v, want %s", r.err, want)
	}
}

func TestNotRunning(t *testing.T) {
	dir, err := os.MkdirTemp("", "ctl")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	missing := filepath.Join(dir, "none.sock")
	// A socket file nobody listens on: what a crashed daemon leaves.
	stale := filepath.Join(dir, "stale.sock")
	ln, err := net.Listen("unix", stale)
	if err != nil {
		t.Fatal(err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(false)
	ln.Close()
	for _, sock := range []string{missing, stale} {
		for _, cmd := range [][]string{{"status"}, {"reload"}, {"stdio", "--tenant", "acme"}} {
			r := runCLI(t, nil, nil, append([]string{"-socket", sock}, cmd...)...)
			want := "cannot reach odoo-mcpd at " + sock + ": is it running? see systemctl status odoo-mcpd"
			if r.err == nil || r.err.Error() != want {
				t.Errorf("%v on %s = %v, want %s", cmd, filepath.Base(sock), r.err, want)
			}
		}
	}
}

func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may connect to any socket")
	}
	f := startFake(t)
	if err := os.Chmod(f.Socket, 0o000); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, nil, "-socket", f.Socket, "status")
	if r.err == nil || !strings.HasPrefix(r.err.Error(), "permission denied on "+f.Socket+": only members of group ") ||
		!strings.Contains(r.err.Error(), "sudo usermod -aG ") {
		t.Errorf("status on a 0000 socket = %v, want a permission sentence naming the group", r.err)
	}
}

func TestStdio(t *testing.T) {
	f := startFake(t)
	in := strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize"}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"tools/list"}` + "\n")
	r := runCLI(t, in, nil, "-socket", f.Socket, "stdio", "--tenant", "acme")
	want := `{"jsonrpc":"2.0","id":1,"result":{"tenant":"acme","method":"initialize"}}` + "\n" +
		`{"jsonrpc":"2.0","id":2,"result":{"tenant":"acme","method":"tools/list"}}` + "\n"
	if r.err != nil || r.stdout != want || r.stderr != "" {
		t.Errorf("stdio = out %q, err %v, stderr %q; want out %q", r.stdout, r.err, r.stderr, want)
	}
}

// TestStdioDaemonGoesAway: the pipe ends while stdin is still open; the
// bridge exits cleanly and says why on stderr, never on stdout.
func TestStdioDaemonGoesAway(t *testing.T) {
	f := startFake(t)
	f.closeAfter = 1
	pr, pw := io.Pipe()
	defer pw.Close()
	go io.WriteString(pw, `{"jsonrpc":"2.0","id":7,"method":"ping"}`+"\n")
	r := runCLI(t, pr, nil, "-socket", f.Socket, "stdio", "--tenant", "acme")
	if r.err != nil {
		t.Fatalf("stdio: %v", r.err)
	}
	if want := `{"jsonrpc":"2.0","id":7,"result":{"tenant":"acme","method":"ping"}}` + "\n"; r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, `closed the stdio pipe to tenant "acme"`) {
		t.Errorf("stderr = %q, want a note that the daemon closed the pipe", r.stderr)
	}
}

func TestStdioUnknownTenant(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "stdio", "--tenant", "nope")
	if want := `no tenant "nope" (known tenants: acme, globex-eu, initech)`; r.err == nil || r.err.Error() != want || r.stdout != "" {
		t.Errorf("stdio nope = %v, stdout %q, want %s", r.err, r.stdout, want)
	}
	r = runCLI(t, nil, nil, "-socket", f.Socket, "stdio")
	var ue usageError
	if !errors.As(r.err, &ue) {
		t.Errorf("stdio without --tenant = %v, want a usage error", r.err)
	}
}

func TestTokenNew(t *testing.T) {
	tok, hash, err := newToken(bytes.NewReader(bytes.Repeat([]byte{7}, 32)))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(tok))
	if hash != "sha256:"+hex.EncodeToString(sum[:]) || !strings.HasPrefix(tok, tokenPrefix) || len(tok) != len(tokenPrefix)+43 {
		t.Errorf("newToken = %q, %q", tok, hash)
	}
	r1 := runCLI(t, nil, nil, "token", "new")
	r2 := runCLI(t, nil, nil, "token", "new")
	if r1.err != nil || r1.stdout == r2.stdout {
		t.Errorf("token new: %v; two runs printed the same token", r1.err)
	}
	lines := strings.Split(r1.stdout, "\n")
	tok, hash = strings.TrimPrefix(lines[0], "token: "), strings.TrimPrefix(lines[1], "hash:  ")
	sum = sha256.Sum256([]byte(tok))
	if hash != "sha256:"+hex.EncodeToString(sum[:]) || !strings.Contains(r1.stdout, `client_tokens = ["`+hash+`"]`) {
		t.Errorf("token new output does not pair the token with its hash:\n%s", r1.stdout)
	}
}

func TestVersion(t *testing.T) {
	f := startFake(t)
	r := runCLI(t, nil, nil, "-socket", f.Socket, "version")
	if r.err != nil || !strings.HasPrefix(r.stdout, "odoo-mcpctl ") || !strings.HasSuffix(r.stdout, "odoo-mcpd   1.2.3\n") {
		t.Errorf("version = %q, %v", r.stdout, r.err)
	}
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"frobnicate"}, {"status", "extra"}, {"check"}, {"token"}, {"-nosuchflag"}} {
		r := runCLI(t, nil, nil, args...)
		var ue usageError
		if !errors.As(r.err, &ue) {
			t.Errorf("run(%q) = %v, want a usage error", args, r.err)
		}
	}
}

// TestDeps keeps odoo-mcpctl a thin client: it must not link the daemon,
// the tenant runtime, the Odoo client or the transports.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const mod = "github.com/odoo-mcpd/odoo-mcpd/"
	allowed := map[string]bool{mod + "daemon/ctlapi": true, mod + "daemon/ctlclient": true, mod + "cmd/odoo-mcpctl": true}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, mod) && !allowed[p] {
			t.Errorf("odoo-mcpctl imports %s; it may use only daemon/ctlapi and daemon/ctlclient", p)
		}
		if strings.Contains(p, ".") && !strings.HasPrefix(p, mod) && !strings.HasPrefix(p, "vendor/") && strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
			t.Errorf("odoo-mcpctl imports third-party package %s", p)
		}
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
