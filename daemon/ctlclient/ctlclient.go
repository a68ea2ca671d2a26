// Package ctlclient is the Go client of odoo-mcpd's control API, the
// HTTP+JSON interface on the daemon's unix socket. odoo-mcpctl is built on
// it. It speaks only the wire types of daemon/ctlapi, and turns a failed
// dial into a sentence telling the user what to do.
package ctlclient

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
)

// Client calls the control API. The zero value talks to ctlapi.DefaultSocket.
type Client struct {
	// Socket is the path of the daemon's control socket; empty means
	// ctlapi.DefaultSocket.
	Socket string
}

// SocketPath returns the socket the client dials.
func (c *Client) SocketPath() string {
	if c == nil || c.Socket == "" {
		return ctlapi.DefaultSocket
	}
	return c.Socket
}

// maxResponse bounds a control API answer; a status document of thousands
// of tenants is far below it.
const maxResponse = 32 << 20

// Status returns the daemon's status document.
func (c *Client) Status(ctx context.Context) (*ctlapi.Status, error) {
	var st ctlapi.Status
	if err := c.do(ctx, http.MethodGet, "/v1/status", &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Tenants returns one row per served tenant.
func (c *Client) Tenants(ctx context.Context) ([]ctlapi.TenantStatus, error) {
	var ts []ctlapi.TenantStatus
	if err := c.do(ctx, http.MethodGet, "/v1/tenants", &ts); err != nil {
		return nil, err
	}
	return ts, nil
}

// Reload asks the daemon to re-read its configuration. A rejected
// configuration comes back as an *APIError carrying the daemon's message.
func (c *Client) Reload(ctx context.Context) (*ctlapi.ReloadResult, error) {
	var res ctlapi.ReloadResult
	if err := c.do(ctx, http.MethodPost, "/v1/reload", &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Check makes the daemon log in to the tenant's Odoo now. A failed login
// is a CheckResult with OK false, not an error.
func (c *Client) Check(ctx context.Context, tenant string) (*ctlapi.CheckResult, error) {
	var res ctlapi.CheckResult
	if err := c.do(ctx, http.MethodPost, "/v1/check?tenant="+url.QueryEscape(tenant), &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// Stdio opens the stdio pipe to tenant: after the HTTP Upgrade the
// returned connection carries newline-delimited JSON-RPC both ways. The
// caller closes it; CloseWrite signals the end of its input.
func (c *Client) Stdio(ctx context.Context, tenant string) (*Pipe, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	// Only the handshake is bound to ctx; the pipe lives until closed.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	req, _ := http.NewRequest(http.MethodGet, "http://odoo-mcpd/v1/stdio?tenant="+url.QueryEscape(tenant), nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", ctlapi.UpgradeProtocol)
	fail := func(err error) (*Pipe, error) {
		stop()
		conn.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if err := req.Write(conn); err != nil {
		return fail(c.transportError(err))
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil {
		return fail(c.transportError(err))
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
		resp.Body.Close()
		return fail(c.apiError(resp, body))
	}
	if !stop() {
		conn.Close()
		return nil, ctx.Err()
	}
	conn.SetDeadline(time.Time{})
	return &Pipe{conn: conn.(*net.UnixConn), r: br}, nil
}

// Pipe is an open stdio pipe to a tenant's MCP server.
type Pipe struct {
	conn *net.UnixConn
	r    *bufio.Reader // holds any bytes that arrived with the 101 answer
}

// Read reads the tenant server's output.
func (p *Pipe) Read(b []byte) (int, error) { return p.r.Read(b) }

// Write sends input to the tenant server.
func (p *Pipe) Write(b []byte) (int, error) { return p.conn.Write(b) }

// CloseWrite tells the daemon no more input is coming; output may still
// arrive until it closes its side.
func (p *Pipe) CloseWrite() error { return p.conn.CloseWrite() }

// Close ends the pipe.
func (p *Pipe) Close() error { return p.conn.Close() }

func (c *Client) do(ctx context.Context, method, path string, out any) error {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return c.dial(ctx) },
	}
	defer tr.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, method, "http://odoo-mcpd"+path, nil)
	if err != nil {
		return err
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		var de *DialError
		if errors.As(err, &de) {
			return de
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return c.transportError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	if err != nil {
		return c.transportError(err)
	}
	if len(body) > maxResponse {
		return fmt.Errorf("odoo-mcpd at %s sent more than %d bytes for %s", c.SocketPath(), maxResponse, path)
	}
	if resp.StatusCode/100 != 2 {
		return c.apiError(resp, body)
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("odoo-mcpd at %s sent an unreadable answer to %s: %v", c.SocketPath(), path, err)
	}
	return nil
}

func (c *Client) transportError(err error) error {
	return fmt.Errorf("talking to odoo-mcpd at %s: %w", c.SocketPath(), err)
}

// APIError is a request the daemon answered with a failure.
type APIError struct {
	Status  int      // HTTP status
	Message string   // the daemon's message, verbatim
	Known   []string // the tenant names, when the request named an unknown one
}

// Error returns the daemon's message, followed by the known tenants when
// the request named one that does not exist.
func (e *APIError) Error() string {
	if e.Known == nil {
		return e.Message
	}
	if len(e.Known) == 0 {
		return e.Message + " (no tenants are configured)"
	}
	return e.Message + " (known tenants: " + strings.Join(e.Known, ", ") + ")"
}

func (c *Client) apiError(resp *http.Response, body []byte) error {
	var ae ctlapi.Error
	if err := json.Unmarshal(body, &ae); err != nil || ae.Error == "" {
		msg := strings.TrimSpace(string(bytes.ToValidUTF8(body, nil)))
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		if msg == "" {
			msg = http.StatusText(resp.StatusCode)
		}
		return &APIError{Status: resp.StatusCode, Message: fmt.Sprintf("odoo-mcpd at %s answered %d: %s", c.SocketPath(), resp.StatusCode, msg)}
	}
	return &APIError{Status: resp.StatusCode, Message: ae.Error, Known: ae.Known}
}

// DialError is a failure to connect to the control socket, phrased as what
// the user should do about it.
type DialError struct {
	Socket string
	Err    error  // the underlying error
	Group  string // the group that may use the socket, when access was denied
}

// Error says what went wrong and what to do.
func (e *DialError) Error() string {
	switch {
	case errors.Is(e.Err, os.ErrPermission):
		if e.Group != "" {
			return fmt.Sprintf("permission denied on %s: only members of group %q may use it; add yourself with `sudo usermod -aG %s $USER` and log in again", e.Socket, e.Group, e.Group)
		}
		return fmt.Sprintf("permission denied on %s: run as a user allowed to use the socket (see daemon.control_group in the config)", e.Socket)
	case errors.Is(e.Err, os.ErrNotExist), errors.Is(e.Err, syscall.ECONNREFUSED):
		return fmt.Sprintf("cannot reach odoo-mcpd at %s: is it running? see systemctl status odoo-mcpd", e.Socket)
	}
	return fmt.Sprintf("cannot reach odoo-mcpd at %s: %v", e.Socket, e.Err)
}

// Unwrap returns the underlying error.
func (e *DialError) Unwrap() error { return e.Err }

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	path := c.SocketPath()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if err == nil {
		return conn, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	de := &DialError{Socket: path, Err: err}
	if errors.Is(err, os.ErrPermission) {
		de.Group = groupOf(path)
	}
	return nil, de
}

// groupOf names the group of the socket, or of the first directory on its
// path the user cannot enter.
func groupOf(path string) string {
	for p := path; ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err == nil {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				gid := strconv.FormatUint(uint64(st.Gid), 10)
				if g, err := user.LookupGroupId(gid); err == nil {
					return g.Name
				}
				return gid
			}
			return ""
		}
		if p == filepath.Dir(p) {
			return ""
		}
	}
}
