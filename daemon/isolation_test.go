package daemon

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
)

// latencies runs n tool calls on clients, len(clients) at a time, and
// returns their durations sorted.
func latencies(t testing.TB, clients []*client.Client, n int) []time.Duration {
	var mu sync.Mutex
	out := make([]time.Duration, 0, n)
	var wg sync.WaitGroup
	per := n / len(clients)
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				start := time.Now()
				_, err := call(context.Background(), c, "count_records", map[string]any{"model": "res.partner"})
				d := time.Since(start)
				if err != nil {
					t.Errorf("acme call: %v", err)
					return
				}
				mu.Lock()
				out = append(out, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// slowLoad keeps n calls to beta in flight, each waiting on an Odoo that
// answers after 5 s, until the returned stop is called.
func slowLoad(t testing.TB, e twoSims, n int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	before := e.simB.Calls().Requests
	for i := 0; i < n; i++ {
		c, err := dial(t, "http", e.h.url("/beta/mcp"), bearer(testSecrets[1]))
		if err != nil {
			t.Fatalf("beta client: %v", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				call(ctx, c, "count_records", map[string]any{"model": "res.partner"}) // cut short by stop
			}
		}()
	}
	// Every beta client must be parked on the slow Odoo before measuring.
	waitFor(t, "beta calls to reach the slow Odoo", func() bool { return e.simB.Calls().Requests-before >= n })
	return func() { cancel(); wg.Wait() }
}

// TestIsolationSlowTenant: while beta's Odoo takes 5 s per answer and 16
// of beta's calls wait on it, acme's p99 stays within 2x of its p99 with
// beta idle.
//
// On a shared 2-core machine a p99 of a few milliseconds moves with the
// scheduler and the garbage collector, not with isolation. So the two
// phases are measured back to back, up to three times, and the unloaded
// p99 counts as at least 10 ms; head-of-line blocking behind beta would
// put acme's p99 near 5 s, far outside any of that noise.
func TestIsolationSlowTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("isolation measurement takes several seconds")
	}
	e := startTwoTenants(t)
	var acme []*client.Client
	for i := 0; i < 4; i++ {
		acme = append(acme, connect(t, "http", e.h.url("/acme/mcp"), bearer(testSecrets[0])))
	}
	latencies(t, acme, 40) // warm up: logins, connections, caches
	const n = 200
	floor := 10 * time.Millisecond
	var report []string
	for attempt := 1; attempt <= 3; attempt++ {
		base := latencies(t, acme, n)
		e.simB.SetLatency(5 * time.Second)
		stop := slowLoad(t, e, 16)
		loaded := latencies(t, acme, n)
		stop()
		e.simB.SetLatency(0)
		b99, l99 := pct(base, 0.99), pct(loaded, 0.99)
		line := fmt.Sprintf("attempt %d: acme p50/p99 unloaded %v/%v, with beta stuck on a 5s Odoo %v/%v", attempt, pct(base, 0.5), b99, pct(loaded, 0.5), l99)
		t.Log(line)
		report = append(report, line)
		if l99 >= time.Second {
			t.Fatalf("acme waited behind beta: %s", line)
		}
		if l99 <= 2*max(b99, floor) {
			return
		}
	}
	t.Fatalf("acme's p99 under beta's slow Odoo stayed above 2x its unloaded p99 in 3 attempts:\n%v", report)
}

// BenchmarkIsolation measures acme's tool call latency with beta idle and
// with 16 of beta's calls stuck on a 5 s Odoo; compare p99-ms between the
// two sub-benchmarks.
func BenchmarkIsolation(b *testing.B) {
	e := startTwoTenants(b)
	var acme []*client.Client
	for i := 0; i < 4; i++ {
		acme = append(acme, connect(b, "http", e.h.url("/acme/mcp"), bearer(testSecrets[0])))
	}
	latencies(b, acme, 40)
	run := func(b *testing.B) {
		var all []time.Duration
		b.ResetTimer()
		for b.Loop() {
			all = append(all, latencies(b, acme, 4)...)
		}
		sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
		b.ReportMetric(float64(pct(all, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(pct(all, 0.99).Microseconds())/1000, "p99-ms")
	}
	b.Run("beta-idle", run)
	b.Run("beta-stuck-5s", func(b *testing.B) {
		e.simB.SetLatency(5 * time.Second)
		stop := slowLoad(b, e, 16)
		defer func() { stop(); e.simB.SetLatency(0) }()
		run(b)
	})
}
