package tenant

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestResourceSubscriptions(t *testing.T) {
	h := newSimHarness(t, nil)
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
	azure := fmt.Sprintf("odoo://record/res.partner/%d", azureID)
	for _, uri := range []string{azure, fmt.Sprintf("odoo://record/res.partner/%d", brightID), `odoo://search/res.partner/[["is_company","=",true]]`, fmt.Sprintf("odoo://record/res.users/%d", azureID)} {
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

	h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{azureID}, "values": map[string]any{"email": "x@example.com"}})
	if uris := wait(2); uris[0] != azure || !strings.HasPrefix(uris[1], "odoo://search/res.partner/") {
		t.Errorf("after updating partner %d: notified %v, want its record and the partner search", azureID, uris)
	}

	// A failed write changed nothing and says nothing.
	h.fails("update_records", map[string]any{"model": "res.partner", "ids": []any{12345}, "values": map[string]any{"email": "x"}}, "MissingError")
	wait(0)

	req := mcp.UnsubscribeRequest{}
	req.Params.URI = azure
	//lint:ignore SA1019 resources/unsubscribe is what 2025 protocol clients send
	if err := h.cl.Unsubscribe(ctx, req); err != nil {
		t.Fatal(err)
	}
	h.ok("update_records", map[string]any{"model": "res.partner", "ids": []any{azureID}, "values": map[string]any{"email": "y@example.com"}})
	if uris := wait(1); !strings.HasPrefix(uris[0], "odoo://search/res.partner/") {
		t.Errorf("after unsubscribing partner %d: notified %v, want only the partner search", azureID, uris)
	}
}
