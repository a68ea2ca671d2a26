package loadtest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"runtime"
	"time"
)

// ServeInfo is what Serve reports once the daemon is ready.
type ServeInfo struct {
	PID     int    `json:"pid"`
	HTTP    string `json:"http"`
	SSE     string `json:"sse"`
	Control string `json:"control"`
	Config  string `json:"config"`
	// StartToReady is from the moment the daemon is asked to start (the
	// file not yet read) to the moment it would send READY=1.
	StartToReady time.Duration `json:"start_to_ready_ns"`
	// RSSBefore is the process's RSS before the daemon starts (the Go
	// runtime and the program); RSSReady is right after READY.
	RSSBefore int64 `json:"rss_before"`
	RSSReady  int64 `json:"rss_ready"`
}

// Serve starts a daemon from the tenants file at path, writes a ServeInfo
// as one JSON line to w once it is ready, and serves until ctx ends.
// odoo-mcpload runs it in a child process, with the simulator in the
// parent, so the RSS it reports is the daemon's alone.
func Serve(ctx context.Context, path string, w io.Writer, log *slog.Logger) error {
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
		StartToReady: time.Since(start), RSSBefore: before,
	}
	if info.RSSReady, err = RSS(0); err != nil {
		return err
	}
	if err := json.NewEncoder(w).Encode(info); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		if BeforeClose != nil {
			return BeforeClose()
		}
		return nil
	case err := <-d.Done():
		return err
	}
}

// BeforeClose, when set, runs in Serve once its context ends and before
// the daemon stops (odoo-mcpload writes a heap profile there).
var BeforeClose func() error
