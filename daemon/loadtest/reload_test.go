package loadtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/daemon/ctlclient"
	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// BenchmarkReload1000 times a reload of a 1,000-tenant file in which one
// tenant changed: reading the file, the diff, updating that tenant, the
// route swap.
func BenchmarkReload1000(b *testing.B) {
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	dir := b.TempDir()
	path := filepath.Join(dir, "tenants.toml")
	if err := WriteConfig(path, sim.URL(), dir, 1000); err != nil {
		b.Fatal(err)
	}
	orig, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := StartFromFile(ctx, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	// The start's 1,000 background logins would otherwise run during the
	// first reloads.
	if err := waitAllReady(ctx, d.ControlSocket(), 1000); err != nil {
		b.Fatal(err)
	}
	head := "[tenants." + TenantName(1) + "]\n"
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		i++
		changed := strings.Replace(string(orig), head, head+"max_records = "+[]string{"150", "160"}[i%2]+"\n", 1)
		if err := os.WriteFile(path, []byte(changed), 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := d.Reload(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Changed) != 1 {
			b.Fatalf("reload changed %v, want one tenant", res.Changed)
		}
	}
}

// BenchmarkStart1000 times a daemon's start, file read to READY, with
// 1,000 tenants.
func BenchmarkStart1000(b *testing.B) {
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	dir := b.TempDir()
	path := filepath.Join(dir, "tenants.toml")
	if err := WriteConfig(path, sim.URL(), dir, 1000); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		d, err := StartFromFile(ctx, path, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
}

// waitAllReady polls the control API until n tenants report ready.
func waitAllReady(ctx context.Context, socket string, n int) error {
	cc := &ctlclient.Client{Socket: socket}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ts, err := cc.Tenants(ctx)
		if err != nil {
			return err
		}
		ready := 0
		for _, t := range ts {
			if t.State == "ready" {
				ready++
			}
		}
		if ready == n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d tenants ready: %w", ready, n, ctx.Err())
		case <-tick.C:
		}
	}
}
