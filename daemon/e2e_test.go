package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/odoo"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
	"github.com/odoo-mcpd/odoo-mcpd/transports"
)

// Secrets every test below configures; TestZZNoSecretInOutput looks for
// them in everything the suite's daemons said.
var testSecrets = []string{"tok-acme-7f3a9c1e", "tok-beta-52d08b44", "Pw-rotated-9b1f", "Pw-second-3c7e"}

func startSim(t testing.TB) *odootest.Server {
	t.Helper()
	s := odootest.New()
	if err := s.Start(); err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// realTenant is a tenant as the config loader would produce it, on sim.
func realTenant(name string, sim *odootest.Server, password, token string) tenant.Config {
	c := tenant.Config{
		Name:               name,
		URL:                sim.URL(),
		DB:                 "odoo_test",
		Username:           "admin",
		Password:           odoo.NewSecret(password),
		Protocol:           "xmlrpc",
		Timeout:            30 * time.Second,
		MaxRecords:         200,
		MaxResponseBytes:   1 << 20,
		ConfirmWrites:      "off",
		Access:             tenant.Access{MaxBodyBytes: 64 << 10},
		SessionIdleTimeout: 30 * time.Minute,
	}
	if token != "" {
		c.Access.TokenHashes = []string{transports.TokenHash(token)}
	}
	return c
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

func call(ctx context.Context, c interface {
	CallTool(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error)
}, tool string, args map[string]any) (string, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, ct := range res.Content {
		if tc, ok := ct.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return b.String(), fmt.Errorf("tool %s: %s", tool, b.String())
	}
	return b.String(), nil
}

type twoSims struct {
	h          *harness
	simA, simB *odootest.Server
}

func startTwoTenants(t testing.TB) twoSims {
	t.Helper()
	simA, simB := startSim(t), startSim(t)
	ds := testSettings(t)
	ds.AuditFile = filepath.Join(t.TempDir(), "audit", "audit.jsonl")
	cfg := &config.File{Path: "e2e.toml", Daemon: ds, Tenants: []tenant.Config{
		realTenant("acme", simA, "admin", testSecrets[0]),
		realTenant("beta", simB, "admin", testSecrets[1]),
	}}
	return twoSims{h: startDaemon(t, cfg, NewTenantRuntime), simA: simA, simB: simB}
}

// TestEndToEnd drives two tenants on two simulators over both transports
// with the real mcp-go client, and checks that a tenant's token opens
// only that tenant.
func TestEndToEnd(t *testing.T) {
	e := startTwoTenants(t)
	h := e.h
	ctx := context.Background()
	sims := map[string]*odootest.Server{"acme": e.simA, "beta": e.simB}
	tokens := map[string]string{"acme": testSecrets[0], "beta": testSecrets[1]}
	for _, kind := range []string{"http", "sse"} {
		for _, name := range []string{"acme", "beta"} {
			t.Run(kind+"/"+name, func(t *testing.T) {
				url := h.url("/" + name + "/mcp")
				if kind == "sse" {
					url = h.surl("/" + name + "/sse")
				}
				c := connect(t, kind, url, bearer(tokens[name]))
				tl, err := c.ListTools(ctx, mcp.ListToolsRequest{})
				if err != nil {
					t.Fatalf("tools/list: %v", err)
				}
				have := map[string]bool{}
				for _, tool := range tl.Tools {
					have[tool.Name] = true
				}
				for _, want := range []string{"search_records", "create_record", "read_records"} {
					if !have[want] {
						t.Errorf("tools/list lacks %s", want)
					}
				}
				out, err := call(ctx, c, "search_records", map[string]any{"model": "res.partner", "fields": []string{"name"}, "limit": 3})
				if err != nil || !strings.Contains(out, "name") {
					t.Fatalf("search_records = %.200q, %v", out, err)
				}
				before := sims[name].Calls()
				other := sims[map[string]string{"acme": "beta", "beta": "acme"}[name]].Calls()
				out, err = call(ctx, c, "create_record", map[string]any{"model": "res.partner", "values": map[string]any{"name": "E2E " + kind + " " + name}})
				if err != nil {
					t.Fatalf("create_record = %.200q, %v", out, err)
				}
				after := sims[name].Calls()
				if createCount(after)-createCount(before) != 1 {
					t.Errorf("create on %s reached its simulator %d times, want 1", name, createCount(after)-createCount(before))
				}
				if createCount(sims[map[string]string{"acme": "beta", "beta": "acme"}[name]].Calls()) != createCount(other) {
					t.Errorf("create on %s reached the other tenant's Odoo", name)
				}
			})
		}
	}

	// Every write left an audit line in the JSONL file, with its tenant.
	raw, err := os.ReadFile(h.d.settings.AuditFile)
	if err != nil {
		t.Fatalf("audit file: %v", err)
	}
	perTenant := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		if name, _ := m["tenant"].(string); name != "" {
			perTenant[name]++
		}
	}
	if perTenant["acme"] != 2 || perTenant["beta"] != 2 {
		t.Errorf("audit lines per tenant = %v, want 2 creates each:\n%s", perTenant, raw)
	}
	recordOutput(t, string(raw))
	// Odoo latency reached the metrics through the tenants.
	resp, err := http.Get(h.url("/metrics"))
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, name := range []string{"acme", "beta"} {
		m := regexp.MustCompile(`odoo_mcpd_odoo_call_duration_seconds_count\{tenant="` + name + `"\} (\d+)`).FindStringSubmatch(string(metrics))
		if m == nil || m[1] == "0" {
			t.Errorf("no Odoo call latency recorded for %s: %v", name, m)
		}
	}

	// Token isolation: acme's token on beta, and no token at all, are
	// refused before any MCP traffic, on both transports.
	for _, tc := range []struct{ kind, url string }{
		{"http", h.url("/beta/mcp")}, {"sse", h.surl("/beta/sse")},
	} {
		if _, err := dial(t, tc.kind, tc.url, bearer(testSecrets[0])); err == nil {
			t.Errorf("%s: acme's token opened beta", tc.kind)
		}
		if _, err := dial(t, tc.kind, tc.url, nil); err == nil {
			t.Errorf("%s: no token opened beta", tc.kind)
		}
	}
	for _, hdr := range []map[string]string{bearer(testSecrets[0]), {"X-API-Key": testSecrets[0]}, {}} {
		req, _ := http.NewRequest("POST", h.url("/beta/mcp"), strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(body), "acme") {
			t.Errorf("beta with headers %v: %d %s, want 401 naming no other tenant", keys(hdr), resp.StatusCode, body)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func createCount(c odootest.CallStats) int { return c.Count("res.partner.create") }

// TestStdioPipe opens the control socket's stdio pipe on a tenant and
// speaks newline-delimited JSON-RPC over it.
func TestStdioPipe(t *testing.T) {
	e := startTwoTenants(t)
	conn, err := net.Dial("unix", e.h.d.ControlSocket())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /v1/stdio?tenant=beta HTTP/1.1\r\nHost: odoo-mcpd\r\nConnection: Upgrade\r\nUpgrade: %s\r\n\r\n", ctlapi.UpgradeProtocol)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade = %v, %v; want 101", resp, err)
	}
	send := func(msg string) map[string]any {
		t.Helper()
		if _, err := io.WriteString(conn, msg+"\n"); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := br.ReadBytes('\n')
		if err != nil {
			t.Fatalf("read answer to %s: %v", msg, err)
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("answer %q: %v", line, err)
		}
		return m
	}
	init := send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe-test","version":"1"}}}`)
	if init["result"] == nil {
		t.Fatalf("initialize = %v", init)
	}
	io.WriteString(conn, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n")
	res := send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"count_records","arguments":{"model":"res.partner"}}}`)
	if r, _ := res["result"].(map[string]any); r == nil || r["isError"] == true {
		t.Fatalf("count_records over the pipe = %v", res)
	}
	var st []ctlapi.TenantStatus
	e.h.api(t, "GET", "/v1/tenants", &st)
	if st[1].Name != "beta" || st[1].Sessions < 1 {
		t.Errorf("beta status during a pipe = %+v, want a session", st[1])
	}
}
