package daemon

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

const socketActivate = "/usr/bin/systemd-socket-activate"

// repoRoot walks up from the test's directory to go.mod.
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

// buildDaemon compiles cmd/odoo-mcpd into a temporary directory.
func buildDaemon(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "odoo-mcpd")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/odoo-mcpd")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/odoo-mcpd: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSocketActivation runs the real binary under Debian's
// systemd-socket-activate with three named sockets, as odoo-mcpd.socket
// hands them over, and follows its sd_notify messages through a start, a
// SIGHUP reload and a SIGTERM stop.
func TestSocketActivation(t *testing.T) {
	if _, err := os.Stat(socketActivate); err != nil {
		t.Skipf("%s not installed: %v", socketActivate, err)
	}
	bin := buildDaemon(t)
	sim := startSim(t)
	dir := t.TempDir()
	notifyPath, notes := notifySocket(t)
	httpAddr, sseAddr := freePort(t), freePort(t)
	ctlPath := filepath.Join(dir, "control.sock")
	os.WriteFile(filepath.Join(dir, "pw"), []byte("admin\n"), 0o600)
	cfgPath := filepath.Join(dir, "tenants.toml")
	// The file names other addresses on purpose: inherited sockets win.
	head := "[daemon]\nhttp_listen = \"127.0.0.1:1\"\nsse_listen = \"127.0.0.1:2\"\ncontrol_socket = \"/nonexistent/ctl.sock\"\nlog_format = \"json\"\n"
	one := fmt.Sprintf("[tenants.acme]\nurl = %q\ndb = \"odoo_test\"\nusername = \"admin\"\npassword_file = \"pw\"\nclient_tokens = [%q]\n", sim.URL(), "sha256:"+strings.Repeat("ab", 32))
	two := strings.Replace(one, "[tenants.acme]", "[tenants.beta]", 1)
	if err := os.WriteFile(cfgPath, []byte(head+one), 0o600); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(socketActivate,
		"-l", httpAddr, "-l", sseAddr, "-l", ctlPath, "--fdname=http:sse:control",
		"-E", "NOTIFY_SOCKET="+notifyPath, "-E", "WATCHDOG_USEC=400000",
		bin, "-config", cfgPath)
	var stderr lockedBuffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
		recordOutput(t, stderr.String())
		if t.Failed() {
			t.Logf("daemon output:\n%s", stderr.String())
		}
	}()

	// The first connection is what starts the service; it waits in the
	// socket's backlog until the daemon accepts it.
	var resp *http.Response
	waitFor(t, "the activated daemon to answer /readyz", func() bool {
		c := &http.Client{Timeout: 5 * time.Second}
		r, err := c.Get("http://" + httpAddr + "/readyz")
		if err != nil {
			return false
		}
		resp = r
		return true
	})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz = %d", resp.StatusCode)
	}
	pings := 0
	if m := nextNote(t, notes, &pings); !strings.HasPrefix(m, "READY=1\nSTATUS=serving 1 tenant") {
		t.Fatalf("first notification = %q, want READY=1 with status", m)
	}

	// The control socket came from systemd too.
	ctl := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", ctlPath)
	}}}
	status := func() ctlapi.Status {
		r, err := ctl.Get("http://odoo-mcpd/v1/status")
		if err != nil {
			t.Fatalf("control socket: %v", err)
		}
		defer r.Body.Close()
		var st ctlapi.Status
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatalf("status %q: %v", body, err)
		}
		return st
	}
	if st := status(); st.HTTPAddr != httpAddr || st.SSEAddr != sseAddr || len(st.Tenants) != 1 || st.ConfigPath != cfgPath {
		t.Fatalf("status = %+v, want the inherited addresses and one tenant", st)
	}
	if r, err := http.Get("http://" + sseAddr + "/healthz"); err != nil || r.StatusCode != 200 {
		t.Fatalf("SSE listener /healthz = %v, %v", r, err)
	}

	// SIGHUP: RELOADING=1 with MONOTONIC_USEC in one datagram, then READY=1.
	if err := os.WriteFile(cfgPath, []byte(head+one+two), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGHUP)
	if m := nextNote(t, notes, &pings); !strings.HasPrefix(m, "RELOADING=1\nMONOTONIC_USEC=") {
		t.Fatalf("on SIGHUP = %q, want RELOADING=1 and MONOTONIC_USEC in one message", m)
	}
	if m := nextNote(t, notes, &pings); !strings.HasPrefix(m, "READY=1\nSTATUS=serving 2 tenants; last reload ok") {
		t.Fatalf("after reload = %q", m)
	}
	if st := status(); len(st.Tenants) != 2 || st.HTTPAddr != httpAddr {
		t.Fatalf("after reload: %+v, want 2 tenants on the same listener", st)
	}
	for pings == 0 {
		select {
		case m := <-notes:
			if m != "WATCHDOG=1" {
				t.Fatalf("unexpected %q while waiting for a watchdog ping", m)
			}
			pings++
		case <-time.After(20 * time.Second):
			t.Fatal("no WATCHDOG=1 within 20s at WATCHDOG_USEC=400000")
		}
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if m := nextNote(t, notes, &pings); !strings.HasPrefix(m, "STOPPING=1") {
		t.Fatalf("on SIGTERM = %q, want STOPPING=1", m)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("daemon exit: %v, want status 0", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("daemon did not exit within 60s of SIGTERM")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("no JSON \"stopped\" log line in:\n%s", stderr.String())
	}
}
