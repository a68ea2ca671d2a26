package daemon

import (
	"time"

	sddaemon "github.com/coreos/go-systemd/v22/daemon"
)

func monotonicUsec() string { return sddaemon.SdNotifyMonotonicUsec() }

// startWatchdog pings systemd at half the watchdog interval for as long as
// the reload goroutine answers and the listeners serve. A wedged reload
// loop or a dead listener stops the pings, and systemd restarts the unit.
func (d *Daemon) startWatchdog() {
	interval, err := sddaemon.SdWatchdogEnabled(false)
	if err != nil {
		d.log.Warn("watchdog", "err", err)
		return
	}
	if interval <= 0 {
		return
	}
	every := interval / 2
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-d.ctx.Done():
				return
			case <-t.C:
			}
			if d.healthy(every) {
				d.notify("WATCHDOG=1")
			} else {
				d.log.Error("serving loop unhealthy; withholding watchdog ping")
			}
		}
	}()
}

// healthy asks the reload goroutine to answer within wait. It is busy
// during a reload, which is short because building tenants does no I/O.
func (d *Daemon) healthy(wait time.Duration) bool {
	if d.closing.Load() || len(d.serveErr) > 0 {
		return false
	}
	p := make(chan struct{})
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case d.pings <- p:
	case <-t.C:
		return false
	case <-d.ctx.Done():
		return false
	}
	select {
	case <-p:
		return true
	case <-t.C:
		return false
	}
}
