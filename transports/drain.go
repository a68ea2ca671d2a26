package transports

import (
	"context"
	"sync"
)

// drainer counts work in flight and lets Close refuse new work and wait for
// the old, without sleeping or polling.
type drainer struct {
	mu     sync.Mutex
	closed bool
	n      int
	idle   chan struct{} // closed when n reaches 0 after close
}

// enter registers one unit of work; false means the handler is closed.
func (d *drainer) enter() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	d.n++
	return true
}

// open reports whether the drainer still takes new work.
func (d *drainer) open() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return !d.closed
}

func (d *drainer) leave() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n--
	if d.n == 0 && d.idle != nil {
		close(d.idle)
		d.idle = nil
	}
}

// close refuses new work and returns a channel closed once the work in
// flight is done.
func (d *drainer) close() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	if d.n == 0 {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	if d.idle == nil {
		d.idle = make(chan struct{})
	}
	return d.idle
}

// wait waits for ch or ctx.
func wait(ctx context.Context, ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
