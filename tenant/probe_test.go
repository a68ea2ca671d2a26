package tenant

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// gate holds every Version call of the tenants sharing it until the test
// lets it through, and records how many were inside at once.
type gate struct {
	inside, max atomic.Int64
	entered     chan struct{}
	release     chan struct{}
	freed       chan struct{} // closed: Version answers at once
}

// gateOdoo is one tenant's Odoo behind the gate. The calls a login does
// not make are left to the embedded nil interface.
type gateOdoo struct {
	odooAPI
	g        *gate
	loggedIn atomic.Bool
}

func (o *gateOdoo) Version(ctx context.Context) (*odoo.Version, error) {
	g := o.g
	n := g.inside.Add(1)
	for m := g.max.Load(); n > m && !g.max.CompareAndSwap(m, n); m = g.max.Load() {
	}
	defer g.inside.Add(-1)
	v := &odoo.Version{ServerVersion: "18.0", Serie: "18.0", Major: 18}
	select {
	case g.entered <- struct{}{}:
	case <-g.freed:
		return v, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case <-g.release:
	case <-g.freed:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return v, nil
}

func (o *gateOdoo) Authenticate(context.Context) (int64, error) {
	o.loggedIn.Store(true)
	return 2, nil
}
func (o *gateOdoo) UID() int64       { return 2 }
func (o *gateOdoo) Protocol() string { return "xmlrpc" }
func (o *gateOdoo) Close()           {}
func (o *gateOdoo) ExecuteKW(context.Context, string, string, []any, map[string]any) (any, error) {
	return nil, errors.New("not served by this fake")
}

// TestStartLoginsAreBounded starts twice as many tenants as there are
// login slots: all of them log in, never more than the slots at once.
func TestStartLoginsAreBounded(t *testing.T) {
	slots := cap(probeSlots)
	n := 2 * slots
	g := &gate{entered: make(chan struct{}), release: make(chan struct{}), freed: make(chan struct{})}
	fakes := make([]*gateOdoo, n)
	tenants := make([]*Tenant, n)
	for i := range tenants {
		fake := &gateOdoo{g: g}
		fakes[i] = fake
		factory := func(Config, Options, func(string, string, time.Duration, error)) (odooAPI, error) { return fake, nil }
		tn, err := newTenant(Config{Name: fmt.Sprintf("t%d", i), URL: "http://127.0.0.1:1", DB: "db", Username: "admin"}, Options{}, factory)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tn.Close() })
		tenants[i] = tn
		tn.Start(context.Background())
	}
	deadline := time.After(30 * time.Second)
	for i := 0; i < n; i++ {
		select {
		case <-g.entered:
		case <-deadline:
			t.Fatalf("%d of %d logins started", i, n)
		}
		select {
		case g.release <- struct{}{}:
		case <-deadline:
			t.Fatalf("login %d never waited for its answer", i)
		}
	}
	close(g.freed) // later Version calls (reading server details) pass
	for i, tn := range tenants {
		tn.Close() // waits for the start's probe to finish
		if !fakes[i].loggedIn.Load() {
			t.Errorf("%s did not log in", tn.Name())
		}
	}
	if m := g.max.Load(); m > int64(slots) || m < 1 {
		t.Errorf("%d logins ran at once, want at most %d", m, slots)
	}
}
