package loadtest

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestReloadUnderLoad changes one tenant and reloads while sessions call
// another: the reload must touch only the changed tenant and no call on
// the other may fail, which is what the scale figures rely on.
func TestReloadUnderLoad(t *testing.T) {
	d := startDemo(t, 3)
	ids := tenIDs(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	type outcome struct {
		changed []string
		err     error
	}
	done := make(chan outcome, 1)
	r, err := Run(ctx, StreamableHTTP(d.MCPURL(TenantName(2)), SearchTenRows(ids), HTTPClient(4), nil), Options{
		Concurrency: 4, Calls: 400, Warmup: 1,
		OnMeasure: func() {
			cfg := d.Tenant(1)
			cfg.MaxRecords = 150
			d.SetTenant(1, cfg)
			res, err := d.Reload(ctx)
			done <- outcome{res.Changed, err}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	o := <-done
	if o.err != nil {
		t.Fatalf("reload: %v", o.err)
	}
	if !slices.Equal(o.changed, []string{TenantName(1)}) {
		t.Errorf("reload changed %v, want [%s]", o.changed, TenantName(1))
	}
	if r.Calls != 400 || r.Errors != 0 {
		t.Errorf("calls on %s during the reload: %d made, %d failed (first: %s), want 400 and 0", TenantName(2), r.Calls, r.Errors, r.FirstError)
	}
	if got := d.Runtime(TenantName(1)).Config().MaxRecords; got != 150 {
		t.Errorf("changed tenant runs with max_records %d, want 150", got)
	}
}
