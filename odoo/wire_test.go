package odoo

import (
	"os"
	"path/filepath"
	"testing"
)

// wireDir locates ../shared/odoo-wire beside the repository root (found by
// walking up to go.mod), or $ODOO_WIRE_DIR.
func wireDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("ODOO_WIRE_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
	d := filepath.Join(dir, "..", "shared", "odoo-wire")
	if _, err := os.Stat(filepath.Join(d, "INDEX.tsv")); err != nil {
		tb.Fatalf("wire recordings not found at %s (set ODOO_WIRE_DIR): %v", d, err)
	}
	return d
}

// recording reads one recorded file.
func recording(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(wireDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
