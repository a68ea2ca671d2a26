package tenant

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// Credential rotation.
//
// An operator changes a tenant's password in two places, Odoo and the
// daemon's file, and cannot do both at once. Whichever goes first, calls
// made in between would be refused. The tenant bridges that window by
// knowing more than one generation of its credentials: each Odoo client
// holds one set (and already logs in again once when Odoo refuses its
// cached login); the tenant decides which set a call uses and whether a
// refused call gets a second try with another set.
//
//   - Odoo first: calls refused on the old credentials are tried once more
//     on the newer credentials a reload brought. A call refused before the
//     reload lands waits for it, for at most rotationHold, but only when
//     those credentials worked before, so a wrong password from the start
//     fails at once, and only within rotationHold of the first refusal, so
//     a password nobody will reload fails fast after that.
//   - File first: after Update changes the password, the previous client is
//     kept until Odoo accepts the new credentials, or for rotationGrace,
//     whichever comes first. Meanwhile calls go to the previous credentials
//     first and, when Odoo refuses them, once more to the new ones. In that
//     order a refusal of the previous credentials can only mean Odoo has
//     moved on to the new ones, so the retry cannot lose a race with the
//     change in Odoo, as trying the new ones first could.
//
// A call is never tried more than twice, and only an AccessDenied is
// retried. Retrying a write is safe: Odoo checks the credentials before it
// runs the method, and a call that ends in any fault is rolled back by
// Odoo's transaction, so a refused call left nothing behind to repeat.

const (
	// rotationGrace bounds how long the previous credentials stay in use
	// after Update changed them while Odoo still refuses the new ones.
	rotationGrace = 5 * time.Minute
	// rotationHold bounds how long calls refused on credentials that
	// worked wait for a reload bringing new ones.
	rotationHold = 10 * time.Second
)

// clock is the time source of rotation, replaced in tests.
type clock struct {
	now   func() time.Time
	after func(time.Duration) <-chan time.Time
}

var realClock = clock{now: time.Now, after: time.After}

// creds is one generation of a tenant's credentials and the Odoo client
// that uses them. States built from the same secrets share a generation
// number; the client itself is shared by reference when a newer state
// keeps it as its fallback.
type creds struct {
	gen    uint64
	client odooAPI
	// refs counts the states holding the client; the last to retire
	// closes it.
	refs atomic.Int32
	// worked is set once Odoo has accepted these credentials.
	worked atomic.Bool
	// refusedAt is when Odoo first refused these credentials after they
	// worked (unix nanoseconds, 0 when not refused since); it starts the
	// hold window.
	refusedAt atomic.Int64
	// fallback is true when these credentials replaced others that stay
	// in use until Odoo accepts these; their first success is logged.
	fallback bool
}

func (c *creds) release() {
	if c.refs.Add(-1) == 0 {
		c.client.Close()
	}
}

// backend is the Odoo access of one state: its own credentials and, for a
// bounded time after a password change, the previous ones.
type backend struct {
	t          *Tenant
	own        *creds
	prev       *creds // nil when there is nothing to fall back to
	graceUntil time.Time
}

// newBackend wraps the client built for cfg, inheriting from the state it
// replaces (nil for the first) the generation and any fallback.
func (t *Tenant) newBackend(cfg Config, client odooAPI, old *state) *backend {
	own := &creds{gen: 1, client: client}
	own.refs.Store(1)
	b := &backend{t: t, own: own}
	if old == nil {
		return b
	}
	ob := old.odoo
	now := t.clock.now()
	switch {
	case !sameAccount(old.cfg, cfg):
		// Another Odoo, database or user: the old credentials would run
		// calls somewhere else or as someone else, so none are kept.
		own.gen = ob.own.gen + 1
	case old.cfg.Password.Equal(cfg.Password) && old.cfg.APIKey.Equal(cfg.APIKey):
		// Same secrets, other settings: same generation, and a rotation
		// still in progress carries on.
		own.gen = ob.own.gen
		own.worked.Store(ob.own.worked.Load())
		own.fallback = ob.own.fallback
		if ob.inGrace(now) {
			b.keep(ob.prev, ob.graceUntil)
		}
	default:
		// A rotation. Fall back on the last credentials known to Odoo:
		// the previous ones when the replaced state had not got its own
		// accepted yet.
		own.gen = ob.own.gen + 1
		own.fallback = true
		last := ob.own
		if ob.inGrace(now) {
			last = ob.prev
		}
		b.keep(last, now.Add(rotationGrace))
	}
	return b
}

func sameAccount(a, b Config) bool {
	return a.URL == b.URL && a.DB == b.DB && a.Username == b.Username
}

func (b *backend) keep(prev *creds, until time.Time) {
	prev.refs.Add(1)
	b.prev, b.graceUntil = prev, until
}

// release lets go of the clients; called once no call uses the state.
func (b *backend) release() {
	b.own.release()
	if b.prev != nil {
		b.prev.release()
	}
}

// inGrace reports whether calls still go to the previous credentials first.
func (b *backend) inGrace(now time.Time) bool {
	return b.prev != nil && !b.own.worked.Load() && now.Before(b.graceUntil)
}

// run makes one Odoo call through fn, and at most one more when Odoo
// refuses the credentials and another set may be accepted.
func (b *backend) run(ctx context.Context, fn func(odooAPI) error) error {
	first := b.own
	if b.inGrace(b.t.clock.now()) {
		first = b.prev
	}
	err := fn(first.client)
	b.t.note(first, err)
	if !refused(err) {
		return err
	}
	next, release := b.retryWith(ctx, first)
	if next == nil {
		return err
	}
	defer release()
	b.t.log.Debug("odoo refused the credentials, trying the newer ones once", "generation", first.gen, "retry_generation", next.gen)
	err = fn(next.client)
	b.t.note(next, err)
	return err
}

// retryWith picks the credentials for the one retry after Odoo refused c,
// or nil. release is called once the retry is done.
func (b *backend) retryWith(ctx context.Context, c *creds) (*creds, func()) {
	// A reload brought newer credentials while the call ran.
	if st, release, ok := b.t.newer(b.own.gen); ok {
		return st.odoo.own, release
	}
	// The previous credentials were refused: Odoo has the new ones.
	if c != b.own {
		return b.own, func() {}
	}
	// Credentials that worked are refused: Odoo changed first, and the
	// reload with the new ones is likely on its way.
	left, first, ok := c.hold(b.t.clock.now())
	if !ok {
		return nil, nil
	}
	if first {
		b.t.log.Warn("odoo refuses credentials that worked; calls wait for a reload with new ones", "generation", c.gen, "wait", left.String())
	}
	ch := *b.t.rotated.Load() // before the check, so a rotation in between still wakes us
	if st, release, ok := b.t.newer(b.own.gen); ok {
		return st.odoo.own, release
	}
	select {
	case <-ch:
	case <-ctx.Done():
		return nil, nil
	case <-b.t.clock.after(left):
		return nil, nil
	}
	if st, release, ok := b.t.newer(b.own.gen); ok {
		return st.odoo.own, release
	}
	return nil, nil
}

// hold reports whether a call refused on c may wait for a reload, and for
// how long: only when c worked before, and within rotationHold of the
// first refusal. first is true for the refusal that opens the window.
func (c *creds) hold(now time.Time) (left time.Duration, first, ok bool) {
	if !c.worked.Load() {
		return 0, false, false
	}
	first = c.refusedAt.CompareAndSwap(0, now.UnixNano())
	left = time.Unix(0, c.refusedAt.Load()).Add(rotationHold).Sub(now)
	return left, first, left > 0
}

// note records what Odoo's answer says about c.
func (t *Tenant) note(c *creds, err error) {
	if !answered(err) {
		return
	}
	c.refusedAt.Store(0)
	if !c.worked.Swap(true) && c.fallback {
		t.log.Info("odoo accepted the new credentials; the previous ones are no longer used", "generation", c.gen)
	}
}

// newer returns the tenant's current state, held like acquire, when its
// credentials are of a later generation than gen.
func (t *Tenant) newer(gen uint64) (*state, func(), bool) {
	for {
		st := t.st.Load()
		if st.odoo.own.gen <= gen {
			return nil, nil, false
		}
		st.mu.RLock()
		if !st.retired {
			return st, st.mu.RUnlock, true
		}
		st.mu.RUnlock()
		if t.st.Load() == st {
			return nil, nil, false // closed
		}
	}
}

// refused reports whether Odoo refused the credentials.
func refused(err error) bool {
	var e *odoo.Error
	return errors.As(err, &e) && e.Kind == odoo.KindAccessDenied
}

// answered reports whether Odoo accepted the credentials: it answered, or
// raised a fault it raises only once the credentials passed. AccessError is
// left out: the client raises it itself, before the wire, for a private
// method.
func answered(err error) bool {
	if err == nil {
		return true
	}
	var e *odoo.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case odoo.KindUserError, odoo.KindServer:
		return true
	}
	return false
}

// The calls the tools make, each through run.

func (b *backend) ExecuteKW(ctx context.Context, model, method string, args []any, kwargs map[string]any) (v any, err error) {
	err = b.run(ctx, func(c odooAPI) (err error) {
		v, err = c.ExecuteKW(ctx, model, method, args, kwargs)
		return err
	})
	return v, err
}

func (b *backend) NameSearch(ctx context.Context, model, name string, domain []any, limit int, o *odoo.CallOptions) (v []odoo.NameResult, err error) {
	err = b.run(ctx, func(c odooAPI) (err error) {
		v, err = c.NameSearch(ctx, model, name, domain, limit, o)
		return err
	})
	return v, err
}

func (b *backend) ReadGroup(ctx context.Context, model string, domain []any, fields, groupby []string, o *odoo.ReadGroupOptions) (v []map[string]any, err error) {
	err = b.run(ctx, func(c odooAPI) (err error) {
		v, err = c.ReadGroup(ctx, model, domain, fields, groupby, o)
		return err
	})
	return v, err
}

func (b *backend) HasAccess(ctx context.Context, model, operation string, o *odoo.CallOptions) (v bool, err error) {
	err = b.run(ctx, func(c odooAPI) (err error) {
		v, err = c.HasAccess(ctx, model, operation, o)
		return err
	})
	return v, err
}

func (b *backend) Authenticate(ctx context.Context) (uid int64, err error) {
	err = b.run(ctx, func(c odooAPI) (err error) {
		uid, err = c.Authenticate(ctx)
		return err
	})
	return uid, err
}

// Version needs no credentials; asking the own client also settles which
// protocol it speaks.
func (b *backend) Version(ctx context.Context) (*odoo.Version, error) {
	return b.own.client.Version(ctx)
}

// Protocol is the protocol of the own client.
func (b *backend) Protocol() string { return b.own.client.Protocol() }
