package daemon

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/config"
	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlapi"
	"github.com/odoo-mcpd/odoo-mcpd/tenant"
)

var extraSecrets struct {
	mu   sync.Mutex
	list []string
}

// addSecret registers a secret a test made up at run time.
func addSecret(s string) {
	extraSecrets.mu.Lock()
	defer extraSecrets.mu.Unlock()
	extraSecrets.list = append(extraSecrets.list, s)
}

func allSecrets() []string {
	extraSecrets.mu.Lock()
	defer extraSecrets.mu.Unlock()
	return append(append([]string(nil), testSecrets...), extraSecrets.list...)
}

// TestZZNoSecretInOutput runs last (files and tests run in order): it
// provokes the outputs most likely to carry a credential (a wrong
// password, a refused token, a failed check, a failed reload, status and
// metrics) and then looks for every configured secret in all the log
// lines, control API answers and error bodies the suite has captured.
func TestZZNoSecretInOutput(t *testing.T) {
	sim := startSim(t)
	sim.SetPassword("admin", testSecrets[3])
	good := realTenant("acme", sim, testSecrets[3], testSecrets[0])
	wrong := realTenant("beta", sim, testSecrets[2], testSecrets[1]) // Odoo does not know this password
	h := startDaemon(t, &config.File{Path: "secrets.toml", Daemon: testSettings(t), Tenants: []tenant.Config{good, wrong}}, NewTenantRuntime)
	ctx := context.Background()

	c := connect(t, "http", h.url("/acme/mcp"), bearer(testSecrets[0]))
	if _, err := call(ctx, c, "count_records", map[string]any{"model": "res.partner"}); err != nil {
		t.Fatal(err)
	}
	cb := connect(t, "http", h.url("/beta/mcp"), bearer(testSecrets[1]))
	if out, err := call(ctx, cb, "count_records", map[string]any{"model": "res.partner"}); err == nil {
		t.Fatalf("a call with a wrong Odoo password succeeded: %s", out)
	} else {
		recordOutput(t, err.Error())
	}
	for _, tok := range []string{testSecrets[1], "Bearer " + testSecrets[0]} {
		req, _ := http.NewRequest("POST", h.url("/acme/mcp"), strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			recordOutput(t, string(b))
		}
	}
	var cr ctlapi.CheckResult
	h.api(t, "POST", "/v1/check?tenant=beta", &cr)
	if cr.OK {
		t.Errorf("check of a tenant with a wrong password = ok")
	}
	if line := h.d.statusLine(); !strings.Contains(line, "serving 2 tenants (1 degraded)") {
		t.Errorf("STATUS line = %q, want beta counted as degraded", line)
	}
	h.src.set(nil, &config.Error{Problems: []config.Problem{{File: "secrets.toml", Line: 9, Key: "tenants.acme.password_file", Msg: "cannot read"}}})
	h.api(t, "POST", "/v1/reload", nil)
	h.api(t, "GET", "/v1/status", nil)
	if resp, err := http.Get(h.url("/metrics")); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		recordOutput(t, string(b))
	}
	h.close(t)
	recordOutput(t, h.logs.String())

	outputs.mu.Lock()
	defer outputs.mu.Unlock()
	total := 0
	for _, out := range outputs.all {
		total += len(out)
		for _, s := range allSecrets() {
			if strings.Contains(out, s) {
				i := strings.Index(out, s)
				t.Errorf("secret %.4s... appears in captured output: %q", s, out[max(0, i-120):min(len(out), i+len(s)+40)])
			}
		}
	}
	t.Logf("checked %d captured outputs (%d bytes) for %d secrets", len(outputs.all), total, len(allSecrets()))
	if !strings.Contains(h.logs.String(), "beta") {
		t.Error("the daemon logged nothing about beta; the check would prove nothing")
	}
}
