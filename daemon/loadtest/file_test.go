package loadtest

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteConfigLoads(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tenants.toml")
	if err := WriteConfig(path, "http://127.0.0.1:8069", dir, 3); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadFile(path)
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	if len(cfg.Warnings) != 0 {
		t.Errorf("warnings: %v", cfg.Warnings)
	}
	if len(cfg.Tenants) != 3 {
		t.Fatalf("%d tenants, want 3", len(cfg.Tenants))
	}
	for i, tc := range cfg.Tenants {
		if tc.Name != TenantName(i) || tc.URL != "http://127.0.0.1:8069" || tc.Password.Reveal() != "admin" || tc.Username != "admin" {
			t.Errorf("tenant %d = %s %s %s, want %s on the given URL as admin", i, tc.Name, tc.URL, tc.Username, TenantName(i))
		}
	}
	if cfg.Daemon.HTTPListen != "127.0.0.1:0" || cfg.Daemon.ControlSocket != filepath.Join(dir, "control.sock") {
		t.Errorf("daemon settings = %+v", cfg.Daemon)
	}
}

// BenchmarkLoadFile1000 times reading a tenants file of 1,000 tenants,
// which every reload does before it can tell what changed.
func BenchmarkLoadFile1000(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "tenants.toml")
	if err := WriteConfig(path, "http://127.0.0.1:8069", dir, 1000); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

func TestProcCPU(t *testing.T) {
	self, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// Burn CPU until the kernel's 10 ms ticks move; on a machine shared
	// with other work that can take a while of wall time, hence the
	// generous bound.
	deadline := time.Now().Add(20 * time.Second)
	after := self
	for n := 0; after <= self && time.Now().Before(deadline); n++ {
		for i := 0; i < 1_000_000; i++ {
			n ^= i * i
		}
		if after, err = ProcCPU(os.Getpid()); err != nil {
			t.Fatal(err)
		}
	}
	if after <= self {
		t.Errorf("ProcCPU did not move after 20s of work: %v then %v", self, after)
	}
	if rss, err := RSS(os.Getpid()); err != nil || rss <= 0 {
		t.Errorf("RSS(self) = %d, %v", rss, err)
	}
}
