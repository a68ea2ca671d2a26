package odoo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkDecodeSearchRead decodes the recorded 3-row search_read reply.
func BenchmarkDecodeSearchRead(b *testing.B) {
	body := recording(b, "x10_search_read_partner.resp.xml")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTripSearchRead is a full SearchRead over loopback HTTP to a
// server that replays the recorded reply: encoding, HTTP, decoding and row
// conversion, with the server doing no work of its own.
func BenchmarkRoundTripSearchRead(b *testing.B) {
	body := recording(b, "x10_search_read_partner.resp.xml")
	auth := recording(b, "x02_common_authenticate_ok.resp.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		if r.URL.Path == "/xmlrpc/2/common" {
			w.Write(auth)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	c := newTestClient(b, Config{URL: srv.URL})
	ctx := context.Background()
	dom := []any{[]any{"is_company", "=", true}}
	o := &SearchOptions{Fields: []string{"name", "email", "country_id", "category_id", "write_date"}, Limit: 3, Order: "id asc"}
	b.ReportAllocs()
	for b.Loop() {
		rows, err := c.SearchRead(ctx, "res.partner", dom, o)
		if err != nil || len(rows) != 3 {
			b.Fatal(len(rows), err)
		}
	}
}

// BenchmarkEncodeSearchRead encodes a typical search_read call.
func BenchmarkEncodeSearchRead(b *testing.B) {
	dom := []any{[]any{"is_company", "=", true}}
	kw := map[string]any{"fields": []string{"name", "email", "country_id"}, "limit": 10, "order": "id asc"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encodeCall("execute_kw", "odoo_test", int64(2), "admin", "res.partner", "search_read", []any{dom}, kw); err != nil {
			b.Fatal(err)
		}
	}
}
