package tenant

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestResourceSubscriptions(t *testing.T) {
	mem := newMemOdoo()
	h := newHarnessWith(t, memConfig(), mem.factory)
	got := make(chan string, 16)
	h.cl.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationResourceUpdated {
			uri, _ := n.Params.AdditionalFields["uri"].(string)
			got <- uri
		}
	})
	ctx := context.Background()
	subscribe := func(uri string) {
		t.Helper()
		req := mcp.SubscribeRequest{}
		req.Params.URI = uri
		//lint:ignore SA1019 resources/subscribe is what 2025 protocol clients send
		if err := h.cl.Subscribe(ctx, req); err != nil {
			t.Fatalf("subscribe %s: %v", uri, err)
		}
	}
	for _, uri := range []string{"odoo://record/res.partner/7", "odoo://record/res.partner/8", `odoo://search/res.partner/[["is_company","=",true]]`, "odoo://record/res.users/7"} {
		subscribe(uri)
	}
	// wait collects the notifications one write produced; the write's
	// answer comes after them on the same session, so none is late.
	wait := func(n int) []string {
		t.Helper()
		var uris []string
		deadline := time.After(5 * time.Second)
		for len(uris) < n {
			select {
			case u := <-got:
				uris = append(uris, u)
			case <-deadline:
				t.Fatalf("got %v, want %d notifications", uris, n)
			}
		}
		select {
		case u := <-got:
			t.Fatalf("unexpected extra notification for %s (after %v)", u, uris)
		default:
		}
		sort.Strings(uris)
		return uris
	}

	h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{7}, "values": map[string]any{"email": "x@example.com"}})
	if uris := wait(2); uris[0] != "odoo://record/res.partner/7" || !strings.HasPrefix(uris[1], "odoo://search/res.partner/") {
		t.Errorf("after updating partner 7: notified %v, want its record and the partner search", uris)
	}

	// A failed write changed nothing and says nothing.
	h.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{12345}, "values": map[string]any{"email": "x"}}, "MissingError")
	wait(0)

	req := mcp.UnsubscribeRequest{}
	req.Params.URI = "odoo://record/res.partner/7"
	//lint:ignore SA1019 resources/unsubscribe is what 2025 protocol clients send
	if err := h.cl.Unsubscribe(ctx, req); err != nil {
		t.Fatal(err)
	}
	h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{7}, "values": map[string]any{"email": "y@example.com"}})
	if uris := wait(1); !strings.HasPrefix(uris[0], "odoo://search/res.partner/") {
		t.Errorf("after unsubscribing partner 7: notified %v, want only the partner search", uris)
	}
}
