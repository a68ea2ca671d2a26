package odootest

import (
	"testing"
)

// benchCall runs one execute_kw through the handler (no network), so the
// figure is the simulator's own cost: parse, evaluate, encode.
func benchCall(b *testing.B, s *Server, model, method string, args []any, kwargs dict) {
	body := encodeCall(b, "execute_kw", DB, AdminUID, "admin", model, method, args, kwargs)
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := post(h, "/xmlrpc/2/object", "text/xml", body)
		if rec.Code != 200 {
			b.Fatalf("HTTP %d", rec.Code)
		}
	}
}

// BenchmarkSearchRead1000 serves a 1,000-row search_read.
func BenchmarkSearchRead1000(b *testing.B) {
	s := New()
	s.AddPartners(1500)
	probe := newClient(b, s).ok("res.partner", "search_read", l(l()), dict{{"fields", l("name")}, {"limit", int64(1000)}})
	if n := len(probe.([]any)); n != 1000 {
		b.Fatalf("got %d rows", n)
	}
	benchCall(b, s, "res.partner", "search_read", l(l()), dict{{"fields", l("name", "email", "country_id", "parent_id", "is_company", "write_date")}, {"limit", int64(1000)}, {"order", "id"}})
}

// BenchmarkSearchRead100kSelective filters 100,000 partners down to a few rows.
func BenchmarkSearchRead100kSelective(b *testing.B) {
	s := New()
	s.AddPartners(100000)
	args := l(l(l("country_id.code", "=", "BE"), l("is_company", "=", true), l("name", "ilike", "Olson")))
	kw := dict{{"fields", l("name", "email", "country_id")}, {"limit", int64(80)}}
	probe := newClient(b, s).ok("res.partner", "search_read", args, kw)
	if n := len(probe.([]any)); n == 0 {
		b.Fatal("selective domain matched nothing")
	}
	benchCall(b, s, "res.partner", "search_read", args, kw)
}

// BenchmarkSearchRead10 is the small reply the client benchmarks use.
func BenchmarkSearchRead10(b *testing.B) {
	s := New()
	benchCall(b, s, "res.partner", "search_read", l(l(l("is_company", "=", true))), dict{{"fields", l("name", "email", "country_id", "category_id", "write_date")}, {"limit", int64(10)}})
}

// BenchmarkWrite100k writes one partner while 100,000 are loaded.
func BenchmarkWrite100k(b *testing.B) {
	s := New()
	s.AddPartners(100000)
	benchCall(b, s, "res.partner", "write", l(l(int64(19)), dict{{"phone", "+1 555 0199"}}), nil)
}
