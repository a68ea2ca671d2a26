package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlclient"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
)

// ProtocolVersion is the MCP version the load clients negotiate: the
// newest one with sessions, which is what desktop clients and the official
// SDKs use today.
const ProtocolVersion = "2025-06-18"

// ToolCall names a tool and its arguments.
type ToolCall struct {
	Name string
	Args map[string]any
}

// SearchTenRows is the call the gateway-overhead figure is about: ten
// partners by id, read with a fixed field list. The limit is above the
// number of ids so the tool makes exactly one Odoo call (search_read) and
// needs no count.
func SearchTenRows(ids []int64) ToolCall {
	return ToolCall{
		Name: "search_records",
		Args: map[string]any{
			"model":  "res.partner",
			"domain": idDomain(ids),
			"fields": []any{"name", "email", "is_company", "country_id"},
			"limit":  20,
			"order":  "id",
		},
	}
}

func idDomain(ids []int64) []any {
	l := make([]any, len(ids))
	for i, id := range ids {
		l[i] = id
	}
	return []any{[]any{"id", "in", l}}
}

// FindTenPartners returns the ids of the first ten partners of the tenant
// at url, for SearchTenRows.
func FindTenPartners(ctx context.Context, url string, hc *http.Client, headers map[string]string) ([]int64, error) {
	c, err := StreamableHTTP(url, ToolCall{}, hc, headers)(ctx, 0)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	req := mcp.CallToolRequest{}
	req.Params.Name = "search_records"
	req.Params.Arguments = map[string]any{"model": "res.partner", "fields": []any{"name"}, "limit": 10, "order": "id"}
	res, err := c.(*mcpCaller).cl.CallTool(ctx, req)
	if err != nil {
		return nil, err
	}
	if res.IsError {
		return nil, fmt.Errorf("search_records: %s", resultText(res))
	}
	var out struct {
		Records []struct {
			ID int64 `json:"id"`
		} `json:"records"`
	}
	if err := json.Unmarshal([]byte(resultText(res)), &out); err != nil {
		return nil, fmt.Errorf("search_records answer: %w", err)
	}
	if len(out.Records) != 10 {
		return nil, fmt.Errorf("search_records found %d partners, want 10", len(out.Records))
	}
	ids := make([]int64, len(out.Records))
	for i, r := range out.Records {
		ids[i] = r.ID
	}
	return ids, nil
}

// HTTPClient returns a keep-alive client for n concurrent workers on one
// host: Go's default keeps only two idle connections per host, which would
// make most calls of a wide run open a new connection.
func HTTPClient(n int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = n + 16
	t.MaxIdleConnsPerHost = n + 16
	return &http.Client{Transport: t}
}

// mcpCaller is one MCP session calling one tool.
type mcpCaller struct {
	cl   *client.Client
	call ToolCall
}

func (c *mcpCaller) Call(ctx context.Context) error {
	req := mcp.CallToolRequest{}
	req.Params.Name = c.call.Name
	req.Params.Arguments = c.call.Args
	res, err := c.cl.CallTool(ctx, req)
	if err != nil {
		return err
	}
	if res.IsError {
		msg := resultText(res)
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
		return fmt.Errorf("%s: tool error: %s", c.call.Name, msg)
	}
	return nil
}

func (c *mcpCaller) Close() error { return c.cl.Close() }

func resultText(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// start initializes a session on cl.
func start(ctx context.Context, cl *client.Client) error {
	// An SSE client's stream lives as long as the context Start gets; the
	// session must outlive a set-up deadline, so only Close ends it.
	if err := cl.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = ProtocolVersion
	init.Params.ClientInfo = mcp.Implementation{Name: "odoo-mcpload", Version: "1"}
	_, err := cl.Initialize(ctx, init)
	return err
}

// StreamableHTTP returns callers that each open their own Streamable HTTP
// session on url and call the tool. headers (for example a bearer token)
// go with every request.
func StreamableHTTP(url string, call ToolCall, hc *http.Client, headers map[string]string) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPBasicClient(hc), transport.WithHTTPHeaders(headers))
		if err != nil {
			return nil, err
		}
		cl := client.NewClient(tr, client.WithProtocolVersion(ProtocolVersion))
		if err := start(ctx, cl); err != nil {
			cl.Close()
			return nil, fmt.Errorf("initialize %s: %w", url, err)
		}
		return &mcpCaller{cl: cl, call: call}, nil
	}
}

// SSE returns callers that each open their own SSE session on url (the
// tenant's /sse endpoint) and call the tool.
func SSE(url string, call ToolCall, hc *http.Client, headers map[string]string) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		cl, err := client.NewSSEMCPClient(url, client.WithHTTPClient(hc), client.WithHeaders(headers))
		if err != nil {
			return nil, err
		}
		if err := start(ctx, cl); err != nil {
			cl.Close()
			return nil, fmt.Errorf("initialize %s: %w", url, err)
		}
		return &mcpCaller{cl: cl, call: call}, nil
	}
}

// Stdio returns callers that each run command (for example odoo-mcpctl
// stdio --tenant demo) and speak MCP over its stdin and stdout.
func Stdio(command string, env []string, args []string, call ToolCall) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		cl, err := client.NewStdioMCPClient(command, env, args...)
		if err != nil {
			return nil, fmt.Errorf("start %s: %w", command, err)
		}
		if err := start(ctx, cl); err != nil {
			cl.Close()
			return nil, fmt.Errorf("initialize over %s: %w", command, err)
		}
		return &mcpCaller{cl: cl, call: call}, nil
	}
}

// odooCaller makes the same search_read as SearchTenRows directly with the
// Odoo client: the baseline the gateway's overhead is measured against.
type odooCaller struct {
	c   *odoo.Client
	ids []int64
}

func (c *odooCaller) Call(ctx context.Context) error {
	rows, err := c.c.SearchRead(ctx, "res.partner", idDomain(c.ids), &odoo.SearchOptions{
		Fields: []string{"name", "email", "is_company", "country_id"},
		Limit:  20,
		Order:  "id",
	})
	if err != nil {
		return err
	}
	if len(rows) != len(c.ids) {
		return fmt.Errorf("search_read returned %d rows, want %d", len(rows), len(c.ids))
	}
	return nil
}

func (c *odooCaller) Close() error { c.c.Close(); return nil }

// DirectSearchTenRows returns callers that each log in to Odoo with their
// own client and make SearchTenRows' search_read.
func DirectSearchTenRows(cfg odoo.Config, ids []int64) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		c, err := odoo.New(cfg)
		if err != nil {
			return nil, err
		}
		if _, err := c.Authenticate(ctx); err != nil {
			c.Close()
			return nil, err
		}
		return &odooCaller{c: c, ids: ids}, nil
	}
}

// ControlPipe returns callers that each open the control socket's stdio
// pipe to tenant (what odoo-mcpctl stdio does, without the extra process)
// and speak MCP over it.
func ControlPipe(socket, tenant string, call ToolCall) NewCaller {
	return func(ctx context.Context, _ int) (Caller, error) {
		p, err := (&ctlclient.Client{Socket: socket}).Stdio(ctx, tenant)
		if err != nil {
			return nil, err
		}
		cl := client.NewClient(transport.NewIO(closedIsEOF{p}, p, io.NopCloser(strings.NewReader(""))), client.WithProtocolVersion(ProtocolVersion))
		if err := start(ctx, cl); err != nil {
			cl.Close()
			p.Close()
			return nil, fmt.Errorf("initialize over the stdio pipe: %w", err)
		}
		return &mcpCaller{cl: cl, call: call}, nil
	}
}

// closedIsEOF ends the stream quietly when the caller closes the pipe:
// mcp-go's reader logs any other error as a failure.
type closedIsEOF struct{ r io.Reader }

func (c closedIsEOF) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if errors.Is(err, net.ErrClosed) {
		err = io.EOF
	}
	return n, err
}
