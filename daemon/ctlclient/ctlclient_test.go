package ctlclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

func TestZeroValue(t *testing.T) {
	var c Client
	if got := c.SocketPath(); got != ctlapi.DefaultSocket {
		t.Errorf("zero Client.SocketPath() = %q, want %q", got, ctlapi.DefaultSocket)
	}
	var nilc *Client
	if got := nilc.SocketPath(); got != ctlapi.DefaultSocket {
		t.Errorf("nil Client.SocketPath() = %q, want %q", got, ctlapi.DefaultSocket)
	}
}

func TestDialErrorText(t *testing.T) {
	tests := []struct {
		err  DialError
		want string
	}{
		{DialError{Socket: "/run/x.sock", Err: syscall.ECONNREFUSED}, "cannot reach odoo-mcpd at /run/x.sock: is it running? see systemctl status odoo-mcpd"},
		{DialError{Socket: "/run/x.sock", Err: &os.PathError{Op: "dial", Path: "/run/x.sock", Err: syscall.ENOENT}}, "cannot reach odoo-mcpd at /run/x.sock: is it running? see systemctl status odoo-mcpd"},
		{DialError{Socket: "/run/x.sock", Err: syscall.EACCES, Group: "odoo-mcpd"}, "permission denied on /run/x.sock: only members of group \"odoo-mcpd\" may use it; add yourself with `sudo usermod -aG odoo-mcpd $USER` and log in again"},
		{DialError{Socket: "/run/x.sock", Err: syscall.EACCES}, "permission denied on /run/x.sock: run as a user allowed to use the socket (see daemon.control_group in the config)"},
		{DialError{Socket: "/run/x.sock", Err: syscall.ENAMETOOLONG}, "cannot reach odoo-mcpd at /run/x.sock: file name too long"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("DialError{%v}.Error() = %q, want %q", tt.err.Err, got, tt.want)
		}
	}
}

func TestGroupOf(t *testing.T) {
	dir := t.TempDir()
	if g := groupOf(filepath.Join(dir, "missing", "ctl.sock")); g == "" {
		t.Errorf("groupOf(a path under an existing directory) = \"\", want that directory's group")
	}
}

// serve answers every request on a temp unix socket with handler.
func serve(t *testing.T, handler http.HandlerFunc) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "cc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: handler}
	done := make(chan struct{})
	go func() { srv.Serve(ln); close(done) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return sock
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    string
	}{
		{"api error", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(422)
			io.WriteString(w, `{"error":"reload failed: tenants.toml:3: tenants.a.url: must be an http(s) URL, got \"x\""}`)
		}, `reload failed: tenants.toml:3: tenants.a.url: must be an http(s) URL, got "x"`},
		{"unknown tenant, none configured", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(404)
			io.WriteString(w, `{"error":"no tenant \"a\"","known":[]}`)
		}, `no tenant "a" (no tenants are configured)`},
		{"not our daemon", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, "<html>oops</html>")
		}, "answered 500: <html>oops</html>"},
		{"not json", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello")
		}, "sent an unreadable answer to /v1/reload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{Socket: serve(t, tt.handler)}
			_, err := c.Reload(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Reload() = %v, want an error containing %q", err, tt.want)
			}
			var ae *APIError
			if strings.HasPrefix(tt.name, "api") && (!errors.As(err, &ae) || ae.Status != 422) {
				t.Errorf("Reload() error %T, want *APIError with status 422", err)
			}
		})
	}
}

func TestStdioRefused(t *testing.T) {
	sock := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") != ctlapi.UpgradeProtocol || r.URL.Query().Get("tenant") != "a b" {
			w.WriteHeader(400)
			io.WriteString(w, `{"error":"bad request"}`)
			return
		}
		w.WriteHeader(503)
		io.WriteString(w, `{"error":"daemon is stopping"}`)
	})
	_, err := (&Client{Socket: sock}).Stdio(context.Background(), "a b")
	if err == nil || err.Error() != "daemon is stopping" {
		t.Errorf("Stdio() = %v, want the daemon's message", err)
	}
}
