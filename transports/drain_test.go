package transports

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// probe503 polls until a fresh request is refused with 503: Close has
// begun. It waits on the answer, not on a clock.
func probe503(t *testing.T, ctx context.Context, do func() int) {
	t.Helper()
	for ctx.Err() == nil {
		if do() == http.StatusServiceUnavailable {
			return
		}
	}
	t.Fatal("handler never started refusing requests")
}

// status is a probe for probe503: the status req gets.
func status(t *testing.T, req *http.Request) int {
	t.Helper()
	resp := do(t, req)
	resp.Body.Close()
	return resp.StatusCode
}

// holdCall starts a "wait" call on c and returns once the server holds
// it; releasing the gate lets it answer on the channel.
func holdCall(t *testing.T, ctx context.Context, c *client.Client) (*gate, <-chan string) {
	name, g := newGate(t)
	answer := make(chan string, 1)
	go func() { answer <- callTextErr(ctx, c, "wait", map[string]any{"gate": name}) }()
	<-g.entered
	return g, answer
}

// closeWhileInFlight calls closeFn while a call is held in flight, waits
// until the handler refuses new requests (probe), then releases the call.
// The call must still get want, and Close must return nil.
func closeWhileInFlight(t *testing.T, ctx context.Context, closeFn func(context.Context) error, probe func() int,
	release chan struct{}, answer <-chan string, want string) {
	t.Helper()
	closed := make(chan error, 1)
	go func() { closed <- closeFn(ctx) }()
	probe503(t, ctx, probe)
	close(release)
	if got := <-answer; got != want {
		t.Errorf("call in flight during Close = %q, want %s", got, want)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v", err)
	}
}

func TestSSECloseLetsCallsFinish(t *testing.T) {
	ctx := testCtx(t)
	ts, s := startSSE(t, SSEOptions{}, AccessPolicy{})
	c, err := client.NewSSEMCPClient(ts.URL + "/acme/sse")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	initClient(t, ctx, c)

	g, answer := holdCall(t, ctx, c)

	closeWhileInFlight(t, ctx, s.Close, func() int {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/acme/sse", nil)
		return status(t, req)
	}, g.release, answer, "released")
	if n := s.ActiveSessions(); n != 0 {
		t.Errorf("ActiveSessions() after Close = %d", n)
	}
}

func TestStreamableCloseLetsCallsFinish(t *testing.T) {
	ctx := testCtx(t)
	ts, st := startStreamable(t, StreamableOptions{}, AccessPolicy{})
	c := newHTTPClient(t, ts.URL+"/acme/mcp", nil)
	initClient(t, ctx, c)

	g, answer := holdCall(t, ctx, c)

	closeWhileInFlight(t, ctx, st.Close, func() int { return status(t, postInit(ts.URL+"/acme/mcp")) },
		g.release, answer, "released")
}

// TestCloseBoundedByContext: a call that never finishes does not hold
// Close past its deadline.
func TestCloseBoundedByContext(t *testing.T) {
	ctx := testCtx(t)
	ts, st := startStreamable(t, StreamableOptions{}, AccessPolicy{})
	tr, err := transport.NewStreamableHTTP(ts.URL + "/acme/mcp")
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(tr, client.WithProtocolVersion(pinnedVersion))
	t.Cleanup(func() { _ = c.Close() })
	initClient(t, ctx, c)
	g, _ := holdCall(t, ctx, c)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if err := st.Close(short); err == nil {
		t.Error("Close with a call stuck in flight = nil, want the context's error")
	}
	close(g.release)
}

// gatedElicitor answers an elicitation only once released.
type gatedElicitor struct{ entered, release chan struct{} }

func (g gatedElicitor) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	close(g.entered)
	<-g.release
	return nameElicitor{"late"}.Elicit(ctx, req)
}

// TestStreamableCloseWaitsForElicitation: a call waiting on the client's
// elicitation answer finishes during Close, because the answer is still
// taken while draining.
func TestStreamableCloseWaitsForElicitation(t *testing.T) {
	ctx := testCtx(t)
	ts, st := startStreamable(t, StreamableOptions{}, AccessPolicy{})
	el := gatedElicitor{entered: make(chan struct{}), release: make(chan struct{})}
	c := newHTTPClient(t, ts.URL+"/acme/mcp", nil, client.WithElicitationHandler(el))
	initClient(t, ctx, c)

	answer := make(chan string, 1)
	go func() { answer <- callTextErr(ctx, c, "ask", nil) }()
	<-el.entered
	closeWhileInFlight(t, ctx, st.Close, func() int { return status(t, postInit(ts.URL+"/acme/mcp")) },
		el.release, answer, "accept:late")
}
