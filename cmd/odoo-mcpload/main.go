// Command odoo-mcpload measures an odoo-mcpd the way its users judge it:
// call latency against the Odoo client alone, throughput with many
// sessions, start-up and reload with many tenants, and memory per open SSE
// session. By default it runs the daemon in-process (or, for memory
// figures, in a child process) over the built-in Odoo simulator; -url
// points it at a running daemon instead. See BENCHMARKS.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "odoo-mcpload:", err)
		os.Exit(1)
	}
}
