package daemon

import (
	"context"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// notifySocket listens where sd_notify writes and yields each datagram.
func notifySocket(t *testing.T) (string, <-chan string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch := make(chan string, 256)
	go func() {
		defer close(ch)
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return
			}
			ch <- string(buf[:n])
		}
	}()
	return path, ch
}

// next returns the next datagram that is not a watchdog ping, counting
// the pings it skips.
func nextNote(t *testing.T, ch <-chan string, pings *int) string {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatal("notify socket closed")
			}
			if m == "WATCHDOG=1" {
				*pings++
				continue
			}
			return m
		case <-timeout:
			t.Fatal("no sd_notify message within 20s")
		}
	}
}

func TestSystemdNotify(t *testing.T) {
	path, ch := notifySocket(t)
	t.Setenv("NOTIFY_SOCKET", path)
	t.Setenv("WATCHDOG_USEC", "100000")
	src := &cfgSource{}
	cfg := twoTenants(t)
	src.set(cfg, nil)
	logs := &logBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Load: src.load, NewRuntime: newEchoRuntime, Logger: newTestLogger(logs), Listeners: map[string]net.Listener{}})
	}()
	t.Cleanup(func() { recordOutput(t, logs.String()) })

	pings := 0
	ready := nextNote(t, ch, &pings)
	if !strings.HasPrefix(ready, "READY=1\nSTATUS=serving 2 tenants") {
		t.Fatalf("first message = %q, want READY=1 with a status", ready)
	}
	// Reload by signal, as systemctl reload does: RELOADING=1 with
	// MONOTONIC_USEC in one datagram, then READY=1.
	next := *cfg
	next.Tenants = append(next.Tenants, tenant.Config{Name: "gamma", URL: "http://127.0.0.1:1", DB: "g"})
	src.set(&next, nil)
	before := monotonicNow(t)
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	reloading := nextNote(t, ch, &pings)
	lines := strings.Split(reloading, "\n")
	if lines[0] != "RELOADING=1" || len(lines) < 2 || !strings.HasPrefix(lines[1], "MONOTONIC_USEC=") {
		t.Fatalf("reload message = %q, want RELOADING=1 and MONOTONIC_USEC together", reloading)
	}
	usec, err := strconv.ParseInt(strings.TrimPrefix(lines[1], "MONOTONIC_USEC="), 10, 64)
	if err != nil || usec < before {
		t.Errorf("MONOTONIC_USEC = %q, want a CLOCK_MONOTONIC time after %d", lines[1], before)
	}
	again := nextNote(t, ch, &pings)
	if !strings.HasPrefix(again, "READY=1\nSTATUS=serving 3 tenants; last reload ok at ") {
		t.Fatalf("after reload = %q, want READY=1 with 3 tenants and reload ok", again)
	}
	// A broken file: still READY=1, and the status says what went wrong.
	src.set(nil, errBroken)
	syscall.Kill(syscall.Getpid(), syscall.SIGHUP)
	if m := nextNote(t, ch, &pings); !strings.HasPrefix(m, "RELOADING=1\n") {
		t.Fatalf("second reload = %q", m)
	}
	if m := nextNote(t, ch, &pings); !strings.Contains(m, "READY=1") || !strings.Contains(m, "last reload failed") || !strings.Contains(m, "tenants.toml:7") {
		t.Fatalf("after broken reload = %q, want READY=1 and the failure in STATUS", m)
	}
	// Watchdog pings keep coming while healthy.
	for pings < 2 {
		select {
		case m := <-ch:
			if m != "WATCHDOG=1" {
				t.Fatalf("unexpected %q while waiting for watchdog pings", m)
			}
			pings++
		case <-time.After(20 * time.Second):
			t.Fatal("no watchdog pings")
		}
	}
	cancel()
	if m := nextNote(t, ch, &pings); !strings.HasPrefix(m, "STOPPING=1") {
		t.Fatalf("on stop = %q, want STOPPING=1", m)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run = %v, want nil on a clean stop", err)
	}
}

var errBroken = brokenErr("tenants.toml:7: tenants.acme.timeout: must be a duration, got \"soon\"")

type brokenErr string

func (e brokenErr) Error() string { return string(e) }

func monotonicNow(t *testing.T) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatalf("clock_gettime: %v", err)
	}
	return ts.Nano() / 1e3
}
