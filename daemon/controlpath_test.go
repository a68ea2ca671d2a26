package daemon

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// TestControlUncleanPaths: a path with "..", "." or doubled slashes gets
// the control API's JSON 404 like any unknown path, not an HTML redirect
// to another endpoint.
func TestControlUncleanPaths(t *testing.T) {
	h := startDaemon(t, twoTenants(t), nil)
	hc := *h.ctl
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for _, p := range []string{"/v1/../v1/status", "/v1//status", "/v1/./tenants", "//v1/status", "/v1/status/.."} {
		req, _ := http.NewRequest("GET", "http://odoo-mcpd"+p, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error string }
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal(body, &e) != nil || e.Error == "" {
			t.Errorf("GET %s = %d %q, want 404 with a JSON error", p, resp.StatusCode, body)
		}
	}
}
