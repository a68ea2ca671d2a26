package tenant

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// TestHTTPConfirmWrites runs the confirmation over the real Streamable HTTP
// transport, with the client on the current protocol (multi round-trip
// input requests) and on the 2025 one (server-initiated elicitation).
func TestHTTPConfirmWrites(t *testing.T) {
	for _, c := range []struct {
		version   string
		stateless bool
	}{{"", false}, {"", true}, {mcp.LATEST_LEGACY_PROTOCOL_VERSION, false}, {mcp.LATEST_LEGACY_PROTOCOL_VERSION, true}} {
		version := c.version
		name := version
		if name == "" {
			name = "default"
		}
		if c.stateless {
			name += " stateless"
		}
		t.Run(name, func(t *testing.T) {
			sim := startSim(t)
			cfg := simConfig(sim)
			cfg.ConfirmWrites = "destructive"
			tn, err := New(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = tn.Close() })
			h := transports.NewStreamableHTTP(tn.MCPServer(), transports.StreamableOptions{Stateless: c.stateless})
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			asked := 0
			opts := []client.ClientOption{client.WithElicitationHandler(elicitFunc(func(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
				asked++
				if n := sim.Calls().Count("res.partner.unlink"); n != 0 {
					t.Errorf("unlink reached Odoo before the answer")
				}
				return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"confirm": true}}}, nil
			}))}
			if version != "" {
				opts = append(opts, client.WithProtocolVersion(version))
			}
			tr, err := transport.NewStreamableHTTP(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			cl := client.NewClient(tr, opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := cl.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cl.Close() })
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = version
			init.Params.Capabilities.Elicitation = &mcp.ElicitationCapability{}
			if _, err := cl.Initialize(ctx, init); err != nil {
				t.Fatalf("initialize: %v", err)
			}
			mk := mcp.CallToolRequest{}
			mk.Params.Name = "create_record"
			mk.Params.Arguments = map[string]any{"model": "res.partner", "values": map[string]any{"name": "Short-lived"}}
			created, err := cl.CallTool(ctx, mk)
			if err != nil || created.IsError || asked != 0 {
				t.Fatalf("create_record: %v %v (asked %d)", created, err, asked)
			}
			var id struct{ ID int64 }
			if err := json.Unmarshal([]byte(created.Content[0].(mcp.TextContent).Text), &id); err != nil || id.ID == 0 {
				t.Fatalf("create_record answer: %v", err)
			}
			req := mcp.CallToolRequest{}
			req.Params.Name = "delete_records"
			req.Params.Arguments = map[string]any{"model": "res.partner", "ids": []any{id.ID}}
			res, err := cl.CallTool(ctx, req)
			if err != nil {
				t.Fatalf("delete_records: %v", err)
			}
			var text strings.Builder
			for _, c := range res.Content {
				if tc, ok := c.(mcp.TextContent); ok {
					text.WriteString(tc.Text)
				}
			}
			if res.IsError || asked != 1 || sim.Calls().Count("res.partner.unlink") != 1 {
				t.Errorf("delete over HTTP: isError=%v asked=%d unlink=%d answer=%q", res.IsError, asked, sim.Calls().Count("res.partner.unlink"), text.String())
			}
		})
	}
}

// TestHTTPNoElicitationRefuses checks that a client without elicitation
// gets a refusal over HTTP on both protocol eras, and Odoo is not called.
func TestHTTPNoElicitationRefuses(t *testing.T) {
	for _, version := range []string{"", mcp.LATEST_LEGACY_PROTOCOL_VERSION} {
		name := version
		if name == "" {
			name = "default"
		}
		t.Run(name, func(t *testing.T) {
			sim := startSim(t)
			cfg := simConfig(sim)
			cfg.ConfirmWrites = "all"
			tn, err := New(cfg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = tn.Close() })
			srv := httptest.NewServer(transports.NewStreamableHTTP(tn.MCPServer(), transports.StreamableOptions{}))
			t.Cleanup(srv.Close)
			var opts []client.ClientOption
			if version != "" {
				opts = append(opts, client.WithProtocolVersion(version))
			}
			tr, err := transport.NewStreamableHTTP(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			cl := client.NewClient(tr, opts...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := cl.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cl.Close() })
			init := mcp.InitializeRequest{}
			init.Params.ProtocolVersion = version
			if _, err := cl.Initialize(ctx, init); err != nil {
				t.Fatalf("initialize: %v", err)
			}
			req := mcp.CallToolRequest{}
			req.Params.Name = "create_record"
			req.Params.Arguments = map[string]any{"model": "res.partner", "values": map[string]any{"name": "Never"}}
			res, err := cl.CallTool(ctx, req)
			if err != nil {
				t.Fatalf("create_record: protocol error %v", err)
			}
			text := ""
			if len(res.Content) > 0 {
				text = res.Content[0].(mcp.TextContent).Text
			}
			if !res.IsError || !strings.Contains(text, "cannot ask them") || sim.Calls().Count("res.partner.create") != 0 {
				t.Errorf("create without elicitation: isError=%v create calls=%d answer=%q", res.IsError, sim.Calls().Count("res.partner.create"), text)
			}
		})
	}
}
