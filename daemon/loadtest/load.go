package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Caller makes one call of the kind being measured. Each worker owns one
// Caller, so it need not be safe for concurrent use.
type Caller interface {
	Call(ctx context.Context) error
	Close() error
}

// NewCaller builds the Caller of one worker (for example: connects and
// initializes an MCP session). Its time is not measured.
type NewCaller func(ctx context.Context, worker int) (Caller, error)

// Options bound a load run. At least one of Duration and Calls must be set.
type Options struct {
	// Concurrency is the number of workers, each with its own Caller.
	Concurrency int
	// Duration stops the run after this long.
	Duration time.Duration
	// Calls stops the run after this many measured calls in total.
	Calls int
	// Warmup calls are made by each worker before measuring starts, so
	// connection set-up and caches do not count.
	Warmup int
	// OnMeasure, when set, is called as the measured phase begins, for
	// something that must happen under load (a reload).
	OnMeasure func()
	// KeepSamples keeps every latency in Result.Samples, so results of
	// several runs can be merged.
	KeepSamples bool
}

// maxSamples caps the latencies kept, so a long run cannot eat the
// machine's memory; calls past it are counted but not timed.
const maxSamples = 5_000_000

// Result is what a run measured.
type Result struct {
	Concurrency int
	Calls       int // measured calls, failed ones included
	Errors      int
	FirstError  string
	Elapsed     time.Duration
	PerSecond   float64
	Mean        time.Duration
	P50         time.Duration
	P90         time.Duration
	P99         time.Duration
	Max         time.Duration
	// CPUPerCall is the process's CPU time (user and system) over the
	// measured phase divided by the calls: on a machine shared with other
	// work it says more about cost than wall-clock throughput does. It
	// covers everything in the process (clients, and the daemon and
	// simulator when they run in-process).
	CPUPerCall time.Duration
	// Samples are the measured latencies, sorted, when Options.KeepSamples
	// was set.
	Samples []time.Duration `json:"-"`
}

// String is one line for a report.
func (r Result) String() string {
	s := fmt.Sprintf("concurrency=%d calls=%d errors=%d elapsed=%s calls/s=%.0f p50=%s p90=%s p99=%s max=%s mean=%s",
		r.Concurrency, r.Calls, r.Errors, r.Elapsed.Round(time.Millisecond), r.PerSecond,
		fmtDur(r.P50), fmtDur(r.P90), fmtDur(r.P99), fmtDur(r.Max), fmtDur(r.Mean))
	if r.CPUPerCall > 0 {
		s += " cpu/call=" + fmtDur(r.CPUPerCall)
	}
	if r.FirstError != "" {
		s += fmt.Sprintf(" first_error=%q", r.FirstError)
	}
	return s
}

func fmtDur(d time.Duration) string {
	return d.Round(time.Microsecond / 10).String()
}

// Run builds Concurrency callers, lets each make its warm-up calls, then
// has them all call as fast as they can until a bound is reached or ctx
// ends, and reports latency percentiles and throughput.
func Run(ctx context.Context, newCaller NewCaller, o Options) (Result, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 1
	}
	if o.Duration <= 0 && o.Calls <= 0 {
		return Result{}, errors.New("loadtest: set a duration or a number of calls")
	}
	callers := make([]Caller, 0, o.Concurrency)
	defer func() {
		for _, c := range callers {
			c.Close()
		}
	}()
	for i := 0; i < o.Concurrency; i++ {
		c, err := newCaller(ctx, i)
		if err != nil {
			return Result{}, fmt.Errorf("worker %d: %w", i, err)
		}
		callers = append(callers, c)
	}
	for i, c := range callers {
		for j := 0; j < o.Warmup; j++ {
			if err := c.Call(ctx); err != nil {
				return Result{}, fmt.Errorf("worker %d: warm-up call: %w", i, err)
			}
		}
	}

	runCtx := ctx
	if o.Duration > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, o.Duration)
		defer cancel()
	}
	var (
		left     atomic.Int64 // calls not yet started, when bounded by count
		errs     atomic.Int64
		firstErr atomic.Pointer[string]
		wg       sync.WaitGroup
		samples  = make([][]time.Duration, len(callers))
		perCap   = maxSamples / len(callers)
	)
	left.Store(math.MaxInt64)
	if o.Calls > 0 {
		left.Store(int64(o.Calls))
	}
	counts := make([]int, len(callers))
	cpu0 := ProcessCPU()
	start := time.Now()
	if o.OnMeasure != nil {
		go o.OnMeasure()
	}
	for i, c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for runCtx.Err() == nil && left.Add(-1) >= 0 {
				t0 := time.Now()
				err := c.Call(runCtx)
				d := time.Since(t0)
				if err != nil && runCtx.Err() != nil {
					// Cut off by the end of the run: not a failure of the
					// system under test, and not a full call either.
					return
				}
				counts[i]++
				if err != nil {
					errs.Add(1)
					msg := err.Error()
					firstErr.CompareAndSwap(nil, &msg)
				}
				if len(samples[i]) < perCap {
					samples[i] = append(samples[i], d)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := ProcessCPU() - cpu0

	r := Result{Concurrency: len(callers), Elapsed: elapsed, Errors: int(errs.Load())}
	if p := firstErr.Load(); p != nil {
		r.FirstError = *p
	}
	var all []time.Duration
	for i := range callers {
		r.Calls += counts[i]
		all = append(all, samples[i]...)
	}
	if elapsed > 0 {
		r.PerSecond = float64(r.Calls) / elapsed.Seconds()
	}
	if r.Calls > 0 && cpu > 0 {
		r.CPUPerCall = cpu / time.Duration(r.Calls)
	}
	slices.Sort(all)
	r.summarize(all)
	if o.KeepSamples {
		r.Samples = all
	}
	return r, ctx.Err()
}

// summarize fills the latency figures from sorted samples.
func (r *Result) summarize(sorted []time.Duration) {
	if len(sorted) == 0 {
		return
	}
	var sum time.Duration
	for _, d := range sorted {
		sum += d
	}
	r.Mean = sum / time.Duration(len(sorted))
	r.P50 = Percentile(sorted, 50)
	r.P90 = Percentile(sorted, 90)
	r.P99 = Percentile(sorted, 99)
	r.Max = sorted[len(sorted)-1]
}

// Merge combines runs of the same kind made one after the other (for
// example interleaved with runs of another kind, so both see the same
// background load): counts and times add up, and the percentiles come
// from all the samples, which the runs must have kept.
func Merge(rs ...Result) Result {
	var m Result
	var all []time.Duration
	var cpu time.Duration
	for _, r := range rs {
		m.Concurrency = max(m.Concurrency, r.Concurrency)
		m.Calls += r.Calls
		m.Errors += r.Errors
		if m.FirstError == "" {
			m.FirstError = r.FirstError
		}
		m.Elapsed += r.Elapsed
		cpu += r.CPUPerCall * time.Duration(r.Calls)
		all = append(all, r.Samples...)
	}
	if m.Elapsed > 0 {
		m.PerSecond = float64(m.Calls) / m.Elapsed.Seconds()
	}
	if m.Calls > 0 {
		m.CPUPerCall = cpu / time.Duration(m.Calls)
	}
	slices.Sort(all)
	m.summarize(all)
	m.Samples = all
	return m
}

// Percentile returns the p-th percentile (nearest rank) of sorted.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(1, min(rank, len(sorted)))
	return sorted[rank-1]
}
