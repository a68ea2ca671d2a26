package loadtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

func startDemo(tb testing.TB, tenants int) *Demo {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := StartDemo(ctx, tenants, tb.TempDir(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(d.Close)
	return d
}

func tenIDs(tb testing.TB, d *Demo) []int64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ids, err := FindTenPartners(ctx, d.MCPURL("demo"), HTTPClient(1), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return ids
}

func newCaller(tb testing.TB, nc NewCaller) Caller {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := nc(ctx, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// TestSearchTenRows checks that the call the overhead benchmarks time is
// the one they claim: ten rows, and one search_read on Odoo per call, so
// the gateway and the direct client do the same Odoo work.
func TestSearchTenRows(t *testing.T) {
	d := startDemo(t, 1)
	ctx := context.Background()
	search := SearchTenRows(tenIDs(t, d))
	tr, err := transport.NewStreamableHTTP(d.MCPURL("demo"))
	if err != nil {
		t.Fatal(err)
	}
	cl := client.NewClient(tr, client.WithProtocolVersion(ProtocolVersion))
	defer cl.Close()
	if err := start(ctx, cl); err != nil {
		t.Fatal(err)
	}
	call := func() map[string]any {
		req := mcp.CallToolRequest{}
		req.Params.Name = search.Name
		req.Params.Arguments = search.Args
		res, err := cl.CallTool(ctx, req)
		if err != nil || res.IsError {
			t.Fatalf("search_records: %v %s", err, resultText(res))
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(resultText(res)), &out); err != nil {
			t.Fatalf("search_records answer: %v", err)
		}
		return out
	}
	call() // the first call also loads the field cache
	d.Sim.ResetCalls()
	out := call()
	if recs, _ := out["records"].([]any); len(recs) != 10 {
		t.Errorf("search_records returned %d records, want 10: %v", len(recs), out)
	}
	if st := d.Sim.Calls(); st.Total() != 1 || st.Count("res.partner.search_read") != 1 {
		t.Errorf("one search_records call made Odoo calls %v, want exactly one res.partner.search_read", st.Calls)
	}

	direct := newCaller(t, DirectSearchTenRows(d.OdooConfig(), tenIDs(t, d)))
	if err := direct.Call(ctx); err != nil {
		t.Fatal(err)
	}
	pipe := newCaller(t, ControlPipe(d.ControlSocket(), "demo", search))
	if err := pipe.Call(ctx); err != nil {
		t.Errorf("stdio pipe: %v", err)
	}
	raw := newCaller(t, RawStreamableHTTP(d.MCPURL("demo"), search, HTTPClient(1), nil))
	if err := raw.Call(ctx); err != nil {
		t.Errorf("raw client: %v", err)
	}
	bad := newCaller(t, RawStreamableHTTP(d.MCPURL("demo"), ToolCall{Name: "search_records", Args: map[string]any{"model": "no.such.model"}}, HTTPClient(1), nil))
	if err := bad.Call(ctx); err == nil {
		t.Error("raw client: a tool error passed as a success")
	}
}

// BenchmarkSearchTenRows times one search_records call returning ten rows,
// one caller at a time, through each way a client can reach a tenant, and
// the same search_read made directly with the Odoo client. The difference
// is the gateway's overhead; allocs/op counts client, daemon and
// simulator together, so compare it between the sub-benchmarks.
func BenchmarkSearchTenRows(b *testing.B) {
	d := startDemo(b, 1)
	hc := HTTPClient(1)
	ids := tenIDs(b, d)
	cases := []struct {
		name string
		nc   NewCaller
	}{
		{"direct-odoo", DirectSearchTenRows(d.OdooConfig(), ids)},
		{"streamable-http", StreamableHTTP(d.MCPURL("demo"), SearchTenRows(ids), hc, nil)},
		{"streamable-http-raw", RawStreamableHTTP(d.MCPURL("demo"), SearchTenRows(ids), hc, nil)},
		{"sse", SSE(d.SSEURL("demo"), SearchTenRows(ids), hc, nil)},
		{"stdio-pipe", ControlPipe(d.ControlSocket(), "demo", SearchTenRows(ids))},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			caller := newCaller(b, c.nc)
			ctx := context.Background()
			if err := caller.Call(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := caller.Call(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkToolCallServer times the daemon's own share of a call: the
// tenant's MCP server handling one tools/call message (policy, Odoo
// client, result shaping), without any MCP transport.
func BenchmarkToolCallServer(b *testing.B) {
	d := startDemo(b, 1)
	srv := d.Runtime("demo").MCPServer()
	search := SearchTenRows(tenIDs(b, d))
	msg, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": search.Name, "arguments": search.Args},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	check := func() {
		resp := srv.HandleMessage(ctx, msg)
		r, ok := resp.(mcp.JSONRPCResponse)
		if !ok {
			b.Fatalf("tools/call answered %T: %+v", resp, resp)
		}
		if res, ok := r.Result.(*mcp.CallToolResult); !ok || res.IsError {
			b.Fatalf("tools/call result %+v", r.Result)
		}
	}
	check()
	b.ReportAllocs()
	for b.Loop() {
		srv.HandleMessage(ctx, msg)
	}
	b.StopTimer()
	check()
}

// BenchmarkThroughput has 50 sessions call search_records concurrently;
// calls/s is the figure. direct-odoo is the same load on the Odoo client
// alone, the ceiling the simulator sets on this machine.
func BenchmarkThroughput(b *testing.B) {
	const sessions = 50
	d := startDemo(b, 1)
	ids := tenIDs(b, d)
	hc := HTTPClient(sessions)
	cases := []struct {
		name string
		nc   NewCaller
	}{
		{"direct-odoo", DirectSearchTenRows(d.OdooConfig(), ids)},
		{"streamable-http", StreamableHTTP(d.MCPURL("demo"), SearchTenRows(ids), hc, nil)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			r, err := Run(context.Background(), c.nc, Options{Concurrency: sessions, Calls: max(b.N, sessions), Warmup: 1})
			if err != nil {
				b.Fatal(err)
			}
			if r.Errors > 0 {
				b.Fatalf("%d of %d calls failed; first: %s", r.Errors, r.Calls, r.FirstError)
			}
			b.ReportMetric(r.PerSecond, "calls/s")
			b.ReportMetric(float64(r.P50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(r.P99.Microseconds()), "p99-µs")
		})
	}
}
