package transports

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkGuard measures what the guard adds to a request: address,
// rate limit, token hash comparison against ten stored hashes, body copy.
func BenchmarkGuard(b *testing.B) {
	hashes := []string{}
	for i := range 9 {
		hashes = append(hashes, TokenHash("other-"+string(rune('a'+i))))
	}
	hashes = append(hashes, TokenHash(testToken))
	g := Guard(AccessPolicy{TokenHashes: hashes, RateLimit: 1e9, Burst: 1 << 30},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusOK)
		}))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/acme/mcp", strings.NewReader(initBody))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testToken)
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

// BenchmarkServeStreamPing measures one request round trip over a stream.
func BenchmarkServeStreamPing(b *testing.B) {
	srv := newEchoServer()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- ServeStream(ctx, srv, inR, outW, Client{}) }()
	buf := make([]byte, 4096)
	msg := []byte(`{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := inW.Write(msg); err != nil {
			b.Fatal(err)
		}
		n, err := outR.Read(buf)
		if err != nil || n == 0 || buf[n-1] != '\n' {
			b.Fatalf("read %q, %v", buf[:n], err)
		}
	}
	inW.Close()
	<-done
}
