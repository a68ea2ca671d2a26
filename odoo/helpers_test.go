package odoo

import (
	"fmt"
	"testing"
)

// newTestClient builds a Client for a loopback test server with fast
// retries, filling in the credentials tests do not care about.
func newTestClient(tb testing.TB, cfg Config) *Client {
	tb.Helper()
	if cfg.DB == "" {
		cfg.DB = "odoo_test"
	}
	if cfg.Username == "" {
		cfg.Username = "admin"
	}
	if cfg.Password.IsZero() {
		cfg.Password = NewSecret("admin")
	}
	c, err := New(cfg)
	if err != nil {
		tb.Fatalf("New(%+v) error = %v", cfg, err)
	}
	c.retryBackoff = 0
	tb.Cleanup(c.Close)
	return c
}

func format(v any) string { return fmt.Sprintf("%#v", v) }
