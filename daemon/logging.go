package daemon

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/lmittmann/tint"
)

// ParseLevel turns a configured log level (debug, info, warn, error) into
// a slog level.
func ParseLevel(level string) (slog.Level, error) {
	switch level {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("log level must be debug, info, warn or error, got %q", level)
}

// NewLogger builds the process's one logger. format is "auto" (coloured
// for a terminal, key=value text otherwise, which journald stores as is),
// "text" or "json". lv is a slog.LevelVar when a reload may change it.
func NewLogger(w io.Writer, format string, lv slog.Leveler, tty bool) (*slog.Logger, error) {
	switch format {
	case "", "auto":
		if tty {
			return slog.New(tint.NewTextHandler(w, &tint.Options{Level: lv, TimeFormat: time.TimeOnly})), nil
		}
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv})), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: lv})), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: lv})), nil
	default:
		return nil, fmt.Errorf("log format must be auto, text or json, got %q", format)
	}
}

// openAudit opens the JSONL audit file, when one is configured, for
// appending. Audit lines go there in addition to the main log.
func (d *Daemon) openAudit() error {
	path := d.settings.AuditFile
	if path == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("audit file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("audit file: %w", err)
	}
	d.audit = slog.New(slog.NewJSONHandler(f, nil))
	d.auditClose = f.Close
	return nil
}

func auditFor(audit *slog.Logger, tenant string) *slog.Logger {
	if audit == nil {
		return nil
	}
	return audit.With("tenant", tenant)
}
