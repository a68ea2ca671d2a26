package daemon

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// TestGracefulStop: Close stops accepting at once, lets a call in flight
// finish, ends SSE streams instead of waiting on them, and returns nil.
func TestGracefulStop(t *testing.T) {
	h := startDaemon(t, twoTenants(t), nil)
	httpAddr := h.d.HTTPAddr()
	sse := connect(t, "sse", h.surl("/beta/sse"), nil)
	if _, err := callText(context.Background(), sse, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	c := connect(t, "http", h.url("/acme/mcp"), nil)
	rt := h.d.routes.Load().tenants["acme"].rt.(*echoRuntime)
	type result struct {
		text string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		s, err := callText(context.Background(), c, "block", nil)
		got <- result{s, err}
	}()
	<-rt.entered

	closed := make(chan error, 1)
	go func() { closed <- h.d.Close() }()
	h.closed = true
	waitFor(t, "listener closed", func() bool {
		conn, err := net.DialTimeout("tcp", httpAddr, time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a call was in flight", err)
	default:
	}
	close(rt.block)
	r := <-got
	if r.err != nil || r.text != "released" {
		t.Fatalf("in-flight call = %q, %v; want it to finish", r.text, r.err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	// Had the SSE stream held the drain up, Close would have waited out
	// the drain timeout and said so.
	if strings.Contains(h.logs.String(), "drain timeout passed") {
		t.Error("Close waited out the drain timeout instead of ending the SSE stream")
	}
	if !rt.closed.Load() {
		t.Error("tenant not closed on stop")
	}
}

// TestRemovedTenantDrains: a reload that removes a tenant answers at once,
// new requests to it get 404, and the call it had in flight still
// finishes before the tenant is closed.
func TestRemovedTenantDrains(t *testing.T) {
	cfg := twoTenants(t)
	h := startDaemon(t, cfg, nil)
	c := connect(t, "http", h.url("/beta/mcp"), nil)
	rt := h.d.routes.Load().tenants["beta"].rt.(*echoRuntime)
	got := make(chan error, 1)
	go func() {
		_, err := callText(context.Background(), c, "block", nil)
		got <- err
	}()
	<-rt.entered
	next := *cfg
	next.Tenants = cfg.Tenants[:1]
	h.src.set(&next, nil)
	res, err := h.d.Reload(context.Background())
	if err != nil || len(res.Removed) != 1 || res.Removed[0] != "beta" {
		t.Fatalf("Reload = %+v, %v; want beta removed", res, err)
	}
	if _, err := dial(t, "http", h.url("/beta/mcp"), nil); err == nil {
		t.Error("a removed tenant accepted a new session")
	}
	if rt.closed.Load() {
		t.Fatal("beta closed while its call was in flight")
	}
	close(rt.block)
	if err := <-got; err != nil {
		t.Fatalf("in-flight call on the removed tenant = %v, want it to finish", err)
	}
	waitFor(t, "beta closed after its call ended", rt.closed.Load)
}
