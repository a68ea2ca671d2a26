package odoo

import (
	"fmt"
	"sync"
	"time"
)

// breaker stops a client from hammering an Odoo that is down. After
// threshold consecutive transport failures it opens and calls fail fast with
// KindUnavailable; once cooldown has passed one call goes through as a probe
// (half-open): its success closes the breaker, its failure re-opens it.
type breaker struct {
	threshold int
	cooldown  time.Duration
	now       func() time.Time

	mu       sync.Mutex
	failures int       // consecutive transport failures
	openedAt time.Time // zero while closed
	probing  bool      // a half-open probe is in flight
	lastErr  string
}

type outcome int

const (
	outcomeSuccess outcome = iota // Odoo answered (even with a fault)
	outcomeFailure                // transport-level failure
	outcomeNeutral                // caller gave up; says nothing about Odoo
)

// allow reports whether a call may proceed; probe is true when the call is
// the half-open probe and must report back through done.
func (b *breaker) allow() (probe bool, err *Error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.openedAt.IsZero() {
		return false, nil
	}
	wait := b.openedAt.Add(b.cooldown).Sub(b.now())
	if wait > 0 || b.probing {
		if wait < 0 {
			wait = 0
		}
		return false, &Error{Kind: KindUnavailable, Message: fmt.Sprintf(
			"Odoo unreachable: %d consecutive transport failures, next try in %s (last: %s)",
			b.failures, wait.Round(time.Second), b.lastErr)}
	}
	b.probing = true
	return true, nil
}

// done records a call's outcome.
func (b *breaker) done(probe bool, o outcome, msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if probe {
		b.probing = false
	}
	switch o {
	case outcomeSuccess:
		b.failures = 0
		b.openedAt = time.Time{}
	case outcomeFailure:
		b.failures++
		b.lastErr = msg
		if probe || b.failures >= b.threshold {
			b.openedAt = b.now()
		}
	}
}

// state reports whether the breaker is open, for tests and logs.
func (b *breaker) isOpen() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.openedAt.IsZero()
}
