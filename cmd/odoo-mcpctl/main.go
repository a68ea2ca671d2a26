// Command odoo-mcpctl controls a running odoo-mcpd over its unix control
// socket: status, reload, tenant checks, client tokens, and the stdio
// bridge that lets desktop MCP clients reach a tenant without holding any
// Odoo credential.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err == nil {
		return
	}
	var ex exitError
	if errors.As(err, &ex) {
		os.Exit(int(ex))
	}
	fmt.Fprintln(os.Stderr, "odoo-mcpctl:", err)
	var ue usageError
	if errors.As(err, &ue) {
		os.Exit(2)
	}
	os.Exit(1)
}
