package transports

import (
	"net/netip"
	"sync"
	"time"
)

// maxBuckets bounds the limiter's memory whatever the number of clients.
const maxBuckets = 1 << 16

// sweepEvery is how often idle buckets are dropped.
const sweepEvery = time.Minute

// limiter is a token bucket per client address. A bucket that has refilled
// completely is indistinguishable from a new one, so it is dropped: memory
// follows the clients active in the last few seconds, capped at maxBuckets.
type limiter struct {
	rate, burst float64

	mu        sync.Mutex
	buckets   map[netip.Addr]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate, burst float64) *limiter {
	return &limiter{rate: rate, burst: burst, buckets: map[netip.Addr]*bucket{}}
}

// limitKey groups IPv6 clients by /64, the unit one host usually owns, so
// rotating addresses inside it does not reset the limit.
func limitKey(a netip.Addr) netip.Addr {
	if a.Is6() && !a.Is4In6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// allow takes one token for a at now, or reports how long until one is
// available.
func (l *limiter) allow(a netip.Addr, now time.Time) (bool, time.Duration) {
	key := limitKey(a)
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
			if len(l.buckets) >= maxBuckets {
				// Still full of busy clients: forget one at random rather
				// than grow. Its client starts again with a full bucket.
				for k := range l.buckets {
					delete(l.buckets, k)
					break
				}
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	} else if el := now.Sub(b.last); el > 0 {
		b.tokens = min(l.burst, b.tokens+el.Seconds()*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// sweep drops buckets that have refilled by now. Caller holds mu.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// size reports the number of buckets held, for tests.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}
