package loadtest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/odoo-mcpd/odoo-mcpd/odoo/odootest"
)

// ServeInfo is what Serve reports once the daemon is ready.
type ServeInfo struct {
	PID     int    `json:"pid"`
	HTTP    string `json:"http"`
	SSE     string `json:"sse"`
	Control string `json:"control"`
	Config  string `json:"config"`
	Tenants int    `json:"tenants"`
	// StartToReady is from the moment the daemon is asked to start (the
	// file not yet read) to the moment it would send READY=1.
	StartToReady time.Duration `json:"start_to_ready_ns"`
	// RSSBefore is the process's RSS with the simulator loaded, before the
	// daemon starts; RSSReady is right after READY.
	RSSBefore int64 `json:"rss_before"`
	RSSReady  int64 `json:"rss_ready"`
}

// Serve starts the simulator, writes a tenants file with n tenants in dir,
// starts a daemon from it, writes a ServeInfo as one JSON line to w, and
// serves until ctx ends. odoo-mcpload runs it in a child process so the
// daemon's memory can be measured apart from the clients'.
func Serve(ctx context.Context, n int, dir string, w io.Writer, log *slog.Logger) error {
	sim := odootest.New()
	if err := sim.Start(); err != nil {
		return err
	}
	defer sim.Close()
	path := filepath.Join(dir, "tenants.toml")
	if err := WriteConfig(path, sim.URL(), dir, n); err != nil {
		return err
	}
	runtime.GC()
	before, err := RSS(0)
	if err != nil {
		return err
	}
	start := time.Now()
	d, err := StartFromFile(ctx, path, log)
	if err != nil {
		return err
	}
	defer d.Close()
	info := ServeInfo{
		PID: os.Getpid(), HTTP: d.HTTPAddr(), SSE: d.SSEAddr(), Control: d.ControlSocket(), Config: path,
		Tenants: n, StartToReady: time.Since(start), RSSBefore: before,
	}
	if info.RSSReady, err = RSS(0); err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(info); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-d.Done():
		return err
	}
}
