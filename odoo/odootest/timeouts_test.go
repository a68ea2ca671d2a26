package odootest

import "testing"

// TestServerTimeouts: the listener Start opens (the demo tenant's Odoo
// for as long as the daemon runs) bounds slow headers and idle
// connections.
func TestServerTimeouts(t *testing.T) {
	s := New()
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.hs.ReadHeaderTimeout <= 0 || s.hs.IdleTimeout <= 0 {
		t.Errorf("server ReadHeaderTimeout = %s, IdleTimeout = %s; want both set", s.hs.ReadHeaderTimeout, s.hs.IdleTimeout)
	}
}
