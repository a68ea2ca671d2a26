package daemon

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/activation"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
)

// Names of the sockets systemd hands over (FileDescriptorName= in the
// .socket unit).
const (
	fdHTTP    = "http"
	fdSSE     = "sse"
	fdControl = "control"
)

// listeners are the process's sockets. They are taken once, at Start, and
// kept until Close: a reload never rebinds.
type listeners struct {
	http, sse, control net.Listener
	controlPath        string
	// removeControl is set when the daemon created the socket file itself
	// and so must remove it; an inherited socket belongs to systemd.
	removeControl bool
}

func (l *listeners) close() {
	for _, ln := range []net.Listener{l.http, l.sse, l.control} {
		if ln != nil {
			ln.Close()
		}
	}
	if l.removeControl && l.controlPath != "" {
		os.Remove(l.controlPath)
	}
}

// acquireListeners takes the sockets systemd passed, by name, and binds
// the rest from the configuration.
func (d *Daemon) acquireListeners(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			d.lns.close()
			d.lns = listeners{}
		}
	}()
	given := d.opts.Listeners
	if given == nil {
		named, err := activation.ListenersWithNames()
		if err != nil {
			return fmt.Errorf("socket activation: %w", err)
		}
		given = map[string]net.Listener{}
		for name, lns := range named {
			switch {
			case len(lns) == 0:
			case name != fdHTTP && name != fdSSE && name != fdControl:
				for _, ln := range lns {
					ln.Close()
				}
				d.log.Warn("ignoring inherited socket with an unknown name", "fdname", name)
			default:
				given[name] = lns[0]
				for _, extra := range lns[1:] {
					extra.Close()
				}
				if len(lns) > 1 {
					d.log.Warn("several inherited sockets share a name; using the first", "fdname", name)
				}
			}
		}
	}
	s := d.settings
	if d.lns.http, err = takeOrListen(ctx, given[fdHTTP], s.HTTPListen, fdHTTP); err != nil {
		return err
	}
	if d.lns.sse, err = takeOrListen(ctx, given[fdSSE], s.SSEListen, fdSSE); err != nil {
		return err
	}
	if d.lns.http == nil && d.lns.sse == nil {
		return errors.New("no listener: set daemon.http_listen or daemon.sse_listen, or pass sockets named http or sse")
	}
	if ln := given[fdControl]; ln != nil {
		d.lns.control = ln
		if ua, ok := ln.Addr().(*net.UnixAddr); ok {
			d.lns.controlPath = ua.Name
		}
	} else if s.ControlSocket != "" {
		if d.lns.control, err = listenControl(s.ControlSocket, s.ControlMode, s.ControlGroup); err != nil {
			return err
		}
		d.lns.controlPath = s.ControlSocket
		d.lns.removeControl = true
	}
	if s.TLSCert != "" || s.TLSKey != "" {
		tc, err := tlsConfig(s)
		if err != nil {
			return err
		}
		d.tlsConf.Store(tc)
		// Each handshake takes the configuration of the moment, so a
		// reload can swap in renewed certificates without rebinding.
		live := &tls.Config{GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) { return d.tlsConf.Load(), nil }}
		if d.lns.http != nil {
			d.lns.http = tls.NewListener(d.lns.http, live)
		}
		if d.lns.sse != nil {
			d.lns.sse = tls.NewListener(d.lns.sse, live)
		}
	}
	return nil
}

func takeOrListen(ctx context.Context, given net.Listener, addr, name string) (net.Listener, error) {
	if given != nil {
		return given, nil
	}
	if addr == "" {
		return nil, nil
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s listener: %w", name, err)
	}
	return ln, nil
}

// listenControl binds the control socket at path. A socket file nobody
// answers on is left over from a crash and is replaced; one that answers
// belongs to a running daemon and is an error.
func listenControl(path string, mode os.FileMode, group string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("control socket %s: exists and is not a socket", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("control socket %s: another process is listening on it (is odoo-mcpd already running?)", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("control socket %s: remove stale socket: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	fail := func(err error) (net.Listener, error) {
		ln.Close()
		os.Remove(path)
		return nil, err
	}
	if group != "" {
		gid, err := lookupGroup(group)
		if err != nil {
			return fail(fmt.Errorf("control socket %s: group %q: %w", path, group, err))
		}
		if err := os.Chown(path, -1, gid); err != nil {
			return fail(fmt.Errorf("control socket %s: %w", path, err))
		}
	}
	if err := os.Chmod(path, mode); err != nil {
		return fail(fmt.Errorf("control socket %s: %w", path, err))
	}
	return ln, nil
}

func lookupGroup(name string) (int, error) {
	if n, err := strconv.Atoi(name); err == nil {
		return n, nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(g.Gid)
}

func tlsConfig(s config.Daemon) (*tls.Config, error) {
	if s.TLSCert == "" || s.TLSKey == "" {
		return nil, errors.New("tls: daemon.tls_cert and daemon.tls_key must be set together")
	}
	cert, err := tls.LoadX509KeyPair(s.TLSCert, s.TLSKey)
	if err != nil {
		return nil, fmt.Errorf("tls: load %s and %s: %w", s.TLSCert, s.TLSKey, err)
	}
	tc := &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
		NextProtos:   []string{"h2", "http/1.1"},
	}
	if s.TLSClientCA != "" {
		pem, err := os.ReadFile(s.TLSClientCA)
		if err != nil {
			return nil, fmt.Errorf("tls: client CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls: client CA %s: no PEM certificate found", s.TLSClientCA)
		}
		tc.ClientCAs = pool
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return tc, nil
}

// serve starts one http.Server per listener. A server that stops on its
// own (not through Close) is reported on Done.
func (d *Daemon) serve() {
	errLog := slog.NewLogLogger(d.log.Handler(), slog.LevelWarn)
	mk := func(h http.Handler) *http.Server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          errLog,
			BaseContext:       func(net.Listener) context.Context { return d.ctx },
		}
	}
	start := func(srv *http.Server, ln net.Listener, name string) {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			err := srv.Serve(ln)
			if err != nil && !errors.Is(err, http.ErrServerClosed) && !d.closing.Load() {
				d.serveErr <- fmt.Errorf("%s listener: %w", name, err)
			}
		}()
	}
	if d.lns.http != nil {
		d.httpSrv = mk(d.httpHandler())
		start(d.httpSrv, d.lns.http, fdHTTP)
	}
	if d.lns.sse != nil {
		d.sseSrv = mk(d.sseHandler())
		start(d.sseSrv, d.lns.sse, fdSSE)
	}
	if d.lns.control != nil {
		d.ctlSrv = mk(d.controlHandler())
		start(d.ctlSrv, d.lns.control, fdControl)
	}
}
