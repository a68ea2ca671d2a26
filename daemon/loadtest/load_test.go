package loadtest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// countingCaller fails every failEvery-th call of all callers once the
// first after have been made (the warm-up must succeed).
type countingCaller struct {
	n         *atomic.Int64
	failEvery int64
	after     int64
	closed    *atomic.Int64
}

func (c *countingCaller) Call(context.Context) error {
	if n := c.n.Add(1); c.failEvery > 0 && n > c.after && n%c.failEvery == 0 {
		return fmt.Errorf("call %d failed", n)
	}
	return nil
}

func (c *countingCaller) Close() error { c.closed.Add(1); return nil }

func TestRunCountsAndBounds(t *testing.T) {
	var n, closed atomic.Int64
	built := 0
	nc := func(context.Context, int) (Caller, error) {
		built++
		return &countingCaller{n: &n, failEvery: 10, after: 20, closed: &closed}, nil
	}
	r, err := Run(context.Background(), nc, Options{Concurrency: 4, Calls: 1000, Warmup: 5, KeepSamples: true})
	if err != nil {
		t.Fatal(err)
	}
	if built != 4 || closed.Load() != 4 {
		t.Errorf("built %d callers and closed %d, want 4 and 4", built, closed.Load())
	}
	if r.Calls != 1000 || len(r.Samples) != 1000 {
		t.Errorf("Run measured %d calls with %d samples, want exactly the 1000 asked", r.Calls, len(r.Samples))
	}
	if got := n.Load(); got != 1020 {
		t.Errorf("callers were called %d times, want 1000 measured + 4*5 warm-up", got)
	}
	// Calls 30, 40, ... 1020 fail: 100 of the measured ones.
	if r.Errors != 100 || r.FirstError == "" {
		t.Errorf("Errors = %d (first %q), want 100", r.Errors, r.FirstError)
	}
	if r.P50 > r.P90 || r.P90 > r.P99 || r.P99 > r.Max {
		t.Errorf("percentiles out of order: %s", r)
	}

	m := Merge(r, r)
	if m.Calls != 2000 || m.Errors != 200 || len(m.Samples) != 2000 || m.P99 != r.P99 || m.Max != r.Max {
		t.Errorf("Merge(r, r) = %s with %d samples, want twice the calls and the same percentiles", m, len(m.Samples))
	}
}

func TestRunNeedsABound(t *testing.T) {
	nc := func(context.Context, int) (Caller, error) { return nil, errors.New("not reached") }
	if _, err := Run(context.Background(), nc, Options{Concurrency: 1}); err == nil {
		t.Error("Run without a duration or a call count succeeded")
	}
}

func TestRunStopsOnDuration(t *testing.T) {
	var n, closed atomic.Int64
	nc := func(context.Context, int) (Caller, error) {
		return &countingCaller{n: &n, closed: &closed}, nil
	}
	r, err := Run(context.Background(), nc, Options{Concurrency: 2, Duration: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if r.Calls == 0 || r.Errors != 0 {
		t.Errorf("a 20ms run made %d calls with %d errors", r.Calls, r.Errors)
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 100; i++ {
		s = append(s, time.Duration(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {90, 90}, {99, 99}, {100, 100}, {0, 1}} {
		if got := Percentile(s, c.p); got != c.want {
			t.Errorf("Percentile(1..100, %v) = %v, want %v", c.p, got, c.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("Percentile(nil) != 0")
	}
}
