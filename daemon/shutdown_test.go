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
