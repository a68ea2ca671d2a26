package daemon

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

// ErrClosed is returned by Reload once the daemon is stopping.
var ErrClosed = errors.New("daemon is stopping")

type reloadRequest struct {
	reply chan reloadReply
}

type reloadReply struct {
	res ctlapi.ReloadResult
	err error
}

// Reload reads the configuration again and applies it. Reloads run one at
// a time on the reload goroutine; an invalid file, or a tenant that cannot
// be built, changes nothing and the error is returned.
func (d *Daemon) Reload(ctx context.Context) (ctlapi.ReloadResult, error) {
	req := reloadRequest{reply: make(chan reloadReply, 1)}
	select {
	case d.reqs <- req:
	case <-ctx.Done():
		return ctlapi.ReloadResult{}, ctx.Err()
	case <-d.ctx.Done():
		return ctlapi.ReloadResult{}, ErrClosed
	}
	select {
	case rep := <-req.reply:
		return rep.res, rep.err
	case <-ctx.Done():
		// The reload still completes; only this caller stops waiting.
		return ctlapi.ReloadResult{}, ctx.Err()
	}
}

func (d *Daemon) reloadLoop() {
	defer d.wg.Done()
	for {
		select {
		case req := <-d.reqs:
			res, err := d.reload()
			req.reply <- reloadReply{res, err}
		case p := <-d.pings:
			close(p)
		case <-d.ctx.Done():
			return
		}
	}
}

func (d *Daemon) reload() (ctlapi.ReloadResult, error) {
	start := time.Now()
	// One datagram: systemd 253+ needs MONOTONIC_USEC with RELOADING=1.
	d.notify("RELOADING=1\n" + monotonicUsec() + "\nSTATUS=reloading")
	var res ctlapi.ReloadResult
	// A loader's error names the file, line and key; it is shown as is,
	// after "reload failed, running configuration kept:", so each of its
	// lines starts with the file.
	cfg, err := d.opts.Load()
	if err == nil {
		for _, w := range cfg.Warnings {
			d.log.Warn("configuration", "warning", w)
		}
		d.warnDaemonChanges(cfg.Daemon)
		// Certificates are read again on every reload (renewals); a file
		// that no longer loads fails the reload like a bad tenant does.
		var tc *tls.Config
		if d.tlsConf.Load() != nil {
			tc, err = tlsConfig(d.settings)
		}
		if err == nil {
			res, err = d.apply(cfg)
		}
		if err == nil && tc != nil {
			d.tlsConf.Store(tc)
		}
		if err == nil && d.opts.LogLevel != nil {
			if lv, perr := ParseLevel(cfg.Daemon.LogLevel); perr == nil && lv != d.opts.LogLevel.Level() {
				d.opts.LogLevel.Set(lv)
				d.log.Info("log level changed", "level", lv.String())
			}
		}
	}
	res.Duration = ctlapi.Duration(time.Since(start))
	d.recordReload(err, true)
	if err != nil {
		d.log.Error("reload failed; running configuration kept", "err", err)
	} else {
		d.log.Info("reloaded", "added", res.Added, "removed", res.Removed, "changed", res.Changed, "unchanged", len(res.Unchanged), "duration", time.Duration(res.Duration).String())
	}
	d.notify("READY=1\nSTATUS=" + d.statusLine())
	return res, err
}

func (d *Daemon) recordReload(err error, counted bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if counted {
		d.reloads++
	}
	s := &ctlapi.ReloadSummary{At: time.Now(), OK: err == nil, Count: d.reloads}
	if err != nil {
		s.Error = statusText(err)
	}
	d.lastReload = s
	if counted {
		d.metrics.reloaded(err == nil, s.At)
	}
}

// warnDaemonChanges logs the [daemon] settings a reload cannot apply:
// listeners and the control socket belong to the process, not to a
// generation, so changing them takes a restart.
func (d *Daemon) warnDaemonChanges(s config.Daemon) {
	s = withDefaults(s)
	cur := d.settings
	if s.HTTPListen != cur.HTTPListen || s.SSEListen != cur.SSEListen || s.ControlSocket != cur.ControlSocket ||
		s.TLSCert != cur.TLSCert || s.TLSKey != cur.TLSKey || s.TLSClientCA != cur.TLSClientCA ||
		s.HTTPPath != cur.HTTPPath || s.SSEPath != cur.SSEPath || s.AuditFile != cur.AuditFile ||
		s.ControlMode != cur.ControlMode || s.ControlGroup != cur.ControlGroup || (s.LogLevel != cur.LogLevel && d.opts.LogLevel == nil) ||
		s.LogFormat != cur.LogFormat || !reflect.DeepEqual(s.AllowedHosts, cur.AllowedHosts) {
		d.log.Warn("daemon settings changed; they take effect after a restart, tenants are reloaded now")
	}
	d.drainTimeout.Store(int64(s.DrainTimeout))
}

// apply turns cfg into the running generation. Everything that can fail is
// done before the swap, and undone on failure, so the running set is
// either fully the old one or fully the new one.
func (d *Daemon) apply(cfg *config.File) (ctlapi.ReloadResult, error) {
	old := d.routes.Load()
	next := &table{tenants: make(map[string]*entry, len(cfg.Tenants))}
	res := ctlapi.ReloadResult{Added: []string{}, Removed: []string{}, Changed: []string{}, Unchanged: []string{}}

	type update struct {
		e      *entry
		oldCfg tenant.Config
		newCfg tenant.Config
	}
	var added []*entry
	var updates []update
	fail := func(err error) (ctlapi.ReloadResult, error) {
		for _, e := range added {
			e.mnt.close()
			e.rt.Close()
		}
		return ctlapi.ReloadResult{}, err
	}

	seen := make(map[string]bool, len(cfg.Tenants))
	for _, tc := range cfg.Tenants {
		if seen[tc.Name] {
			return fail(fmt.Errorf("tenant %q appears twice", tc.Name))
		}
		seen[tc.Name] = true
		if oe := old.tenants[tc.Name]; oe != nil {
			if oe.rt.Config().Equal(tc) {
				next.tenants[tc.Name] = oe
				res.Unchanged = append(res.Unchanged, tc.Name)
				continue
			}
			updates = append(updates, update{e: oe, oldCfg: oe.rt.Config(), newCfg: tc})
			res.Changed = append(res.Changed, tc.Name)
			continue
		}
		rt, err := d.opts.NewRuntime(tc, d.runtimeOptions(tc.Name))
		if err != nil {
			return fail(fmt.Errorf("tenant %s: %w", tc.Name, err))
		}
		mnt := newMount(rt, tc, d.view(), d.log.With("tenant", tc.Name))
		e := &entry{name: tc.Name, rt: rt, mnt: mnt, track: newTracker()}
		e.http, e.sse = mnt.handlers(tc)
		added = append(added, e)
		next.tenants[tc.Name] = e
		res.Added = append(res.Added, tc.Name)
	}

	// Updates change running tenants in place; a failure rolls back the
	// ones already done so the running set stays as it was.
	var replaced []*mount
	for i, u := range updates {
		if err := u.e.rt.Update(u.newCfg); err != nil {
			for _, done := range updates[:i] {
				if rerr := done.e.rt.Update(done.oldCfg); rerr != nil {
					d.log.Error("roll back tenant update", "tenant", done.e.name, "err", rerr)
				}
			}
			return fail(fmt.Errorf("tenant %s: %w", u.e.name, err))
		}
		ne := &entry{name: u.e.name, rt: u.e.rt, mnt: u.e.mnt, track: u.e.track}
		if !ne.mnt.fits(u.newCfg) {
			// Session mode changed: open sessions cannot carry over.
			replaced = append(replaced, ne.mnt)
			ne.mnt = newMount(ne.rt, u.newCfg, d.view(), d.log.With("tenant", u.e.name))
		}
		ne.http, ne.sse = ne.mnt.handlers(u.newCfg)
		next.tenants[u.e.name] = ne
	}

	var removed []*entry
	for _, name := range old.names {
		if !seen[name] {
			removed = append(removed, old.tenants[name])
			res.Removed = append(res.Removed, name)
		}
	}
	next.names = sortedKeys(next.tenants)
	sort.Strings(res.Added)
	sort.Strings(res.Changed)
	sort.Strings(res.Unchanged)

	d.routes.Store(next)
	d.metrics.retain(next.names)

	for _, e := range added {
		e.rt.Start(d.ctx)
	}
	for _, m := range replaced {
		m.close()
	}
	for _, e := range removed {
		d.drains.Add(1)
		go d.retire(e)
	}
	return res, nil
}

// retire drains and closes a tenant that is no longer routed.
func (d *Daemon) retire(e *entry) {
	defer d.drains.Done()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(d.drainTimeout.Load()))
	defer cancel()
	if err := e.mnt.closeStreams(ctx); err != nil {
		d.log.Warn("removed tenant's sessions did not finish within the drain timeout", "tenant", e.name)
	}
	if err := e.track.drain(ctx); err != nil {
		d.log.Warn("removed tenant still had requests after the drain timeout", "tenant", e.name)
	}
	e.mnt.close()
	if err := e.rt.Close(); err != nil {
		d.log.Warn("close removed tenant", "tenant", e.name, "err", err)
	}
	d.log.Info("tenant removed", "tenant", e.name)
}

func (d *Daemon) runtimeOptions(name string) RuntimeOptions {
	return RuntimeOptions{
		Logger: d.log.With("tenant", name),
		Audit:  auditFor(d.audit, name),
		ObserveOdoo: func(model, method string, seconds float64, failed bool) {
			d.metrics.odooCall(name, seconds, failed)
		},
	}
}
