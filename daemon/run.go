package daemon

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Run starts a daemon and serves until ctx ends or SIGTERM or SIGINT
// arrives, reloading on SIGHUP. A clean stop returns nil.
func Run(ctx context.Context, opts Options) error {
	// Handlers go in before READY=1: a SIGHUP sent as soon as systemd sees
	// the daemon ready would otherwise kill it.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT)
	defer signal.Stop(sigs)

	d := New(opts)
	if err := d.Start(ctx); err != nil {
		d.Close()
		return err
	}
	if opts.Ready != nil {
		opts.Ready(d)
	}
	var err error
loop:
	for {
		select {
		case s := <-sigs:
			if s != syscall.SIGHUP {
				d.log.Info("stopping", "signal", s.String())
				break loop
			}
			// Reload on its own goroutine so a second signal (TERM during
			// a reload) is still heard; the reload loop serializes them.
			go func() {
				rctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				d.Reload(rctx) // the outcome is logged and in STATUS=
			}()
		case <-ctx.Done():
			break loop
		case err = <-d.Done():
			d.log.Error("listener failed", "err", err)
			break loop
		}
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
