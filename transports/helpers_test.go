package transports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// pinnedVersion keeps mcp-go's client on the initialize handshake (it would
// otherwise prefer the sessionless draft protocol).
const pinnedVersion = mcp.ProtocolVersion20251125

// newEchoServer returns a small MCP server: "echo" answers
// "TEXT|TRANSPORT|TOKEN|ADDR" from the Client in its context; "ask" asks
// the client for a name through elicitation and returns it.
func newEchoServer() *server.MCPServer {
	s := server.NewMCPServer("transports-test", "1.0.0",
		server.WithToolCapabilities(false), server.WithElicitation())
	s.AddTool(mcp.NewTool("echo",
		mcp.WithString("text", mcp.Required()),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		c, ok := ClientFromContext(ctx)
		if !ok {
			return mcp.NewToolResultError("no client in context"), nil
		}
		return mcp.NewToolResultText(fmt.Sprintf("%s|%s|%s|%s",
			req.GetString("text", ""), c.Transport, c.Token, c.Addr)), nil
	})
	s.AddTool(mcp.NewTool("ask",
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(false),
		mcp.WithOpenWorldHintAnnotation(false),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := s.RequestElicitation(ctx, mcp.ElicitationRequest{Params: mcp.ElicitationParams{
			Message: "your name?",
			RequestedSchema: map[string]any{
				"type":       "object",
				"properties": map[string]any{"name": map[string]any{"type": "string"}},
			},
		}})
		if err != nil {
			return mcp.NewToolResultError("elicitation: " + err.Error()), nil
		}
		content, _ := res.Content.(map[string]any)
		return mcp.NewToolResultText(fmt.Sprintf("%s:%v", res.Action, content["name"])), nil
	})
	s.AddTool(mcp.NewTool("wait",
		mcp.WithString("gate", mcp.Required()),
		mcp.WithReadOnlyHintAnnotation(true),
		mcp.WithDestructiveHintAnnotation(false),
		mcp.WithIdempotentHintAnnotation(true),
		mcp.WithOpenWorldHintAnnotation(false),
	), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		g, ok := gates.Load(req.GetString("gate", ""))
		if !ok {
			return mcp.NewToolResultError("no such gate"), nil
		}
		gt := g.(*gate)
		close(gt.entered)
		select {
		case <-gt.release:
			return mcp.NewToolResultText("released"), nil
		case <-ctx.Done():
			return mcp.NewToolResultError("cancelled"), nil
		}
	})
	return s
}

// gate lets a test hold the "wait" tool in flight.
type gate struct{ entered, release chan struct{} }

var gates sync.Map

func newGate(t *testing.T) (string, *gate) {
	g := &gate{entered: make(chan struct{}), release: make(chan struct{})}
	gates.Store(t.Name(), g)
	t.Cleanup(func() { gates.Delete(t.Name()) })
	return t.Name(), g
}

// nameElicitor answers every elicitation with name=NAME.
type nameElicitor struct{ name string }

func (n nameElicitor) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	if req.Params.Message != "your name?" {
		return nil, fmt.Errorf("unexpected elicitation %q", req.Params.Message)
	}
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{
		Action:  mcp.ElicitationResponseActionAccept,
		Content: map[string]any{"name": n.name},
	}}, nil
}

func initClient(t *testing.T, ctx context.Context, c *client.Client) *mcp.InitializeResult {
	t.Helper()
	if err := c.Start(ctx); err != nil {
		t.Fatalf("client Start: %v", err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = pinnedVersion
	req.Params.ClientInfo = mcp.Implementation{Name: "transports-test", Version: "1"}
	req.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("Initialize: %v", err)
	}
	return res
}

func callText(t *testing.T, ctx context.Context, c *client.Client, tool string, args map[string]any) string {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		t.Fatalf("CallTool(%s): %v", tool, err)
	}
	if len(res.Content) != 1 {
		t.Fatalf("CallTool(%s) content = %#v", tool, res.Content)
	}
	tc, ok := res.Content[0].(mcp.TextContent)
	if !ok {
		t.Fatalf("CallTool(%s) content[0] = %#v", tool, res.Content[0])
	}
	if res.IsError {
		t.Fatalf("CallTool(%s) tool error: %s", tool, tc.Text)
	}
	return tc.Text
}

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// countObserver counts what the transports report.
type countObserver struct {
	mu       sync.Mutex
	requests map[int]int
	open     map[string]int
	events   chan string // "open:TRANSPORT" / "close:TRANSPORT", never blocks
}

func newCountObserver() *countObserver {
	return &countObserver{requests: map[int]int{}, open: map[string]int{}, events: make(chan string, 1024)}
}

func (o *countObserver) ObserveRequest(transport string, status int, d time.Duration) {
	o.mu.Lock()
	o.requests[status]++
	o.mu.Unlock()
}

func (o *countObserver) SessionOpened(tr string) {
	o.mu.Lock()
	o.open[tr]++
	o.mu.Unlock()
	select {
	case o.events <- "open:" + tr:
	default:
	}
}

func (o *countObserver) SessionClosed(tr string) {
	o.mu.Lock()
	o.open[tr]--
	o.mu.Unlock()
	select {
	case o.events <- "close:" + tr:
	default:
	}
}

func (o *countObserver) active(tr string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.open[tr]
}

func (o *countObserver) count(status int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.requests[status]
}

// waitEvent waits for the observer to report ev.
func (o *countObserver) waitEvent(t *testing.T, ev string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-o.events:
			if got == ev {
				return
			}
		case <-deadline:
			t.Fatalf("observer never reported %s", ev)
		}
	}
}

// errorBody reads a response and checks it is a short {"error": ...}.
func errorBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("status %d: Content-Type = %q, want application/json; body %q", resp.StatusCode, ct, b)
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(b, &e); err != nil || e.Error == "" {
		t.Errorf("status %d: body %q is not {\"error\": ...}", resp.StatusCode, b)
	}
	if len(b) > 300 {
		t.Errorf("status %d: error body is %d bytes, want a short one", resp.StatusCode, len(b))
	}
	return e.Error
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// postInit is a fresh JSON initialize POST to url.
func postInit(url string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(initBody))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// do sends req; a request that gets no response at all ends the test.
func do(t *testing.T, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func mcpListTools() mcp.ListToolsRequest { return mcp.ListToolsRequest{} }

// callTextErr is callText for goroutines: it returns failures as text.
func callTextErr(ctx context.Context, c *client.Client, tool string, args map[string]any) string {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "error: " + err.Error()
	}
	if len(res.Content) != 1 {
		return fmt.Sprintf("content: %#v", res.Content)
	}
	tc, _ := res.Content[0].(mcp.TextContent)
	return tc.Text
}
