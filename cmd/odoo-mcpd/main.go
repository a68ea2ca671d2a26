// Command odoo-mcpd serves Odoo instances ("tenants") to MCP clients over
// Streamable HTTP, SSE and a stdio pipe on its control socket. See
// odoo-mcpd -h and the README.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
)

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	var ex exitError
	switch {
	case err == nil:
	case errors.As(err, &ex):
		os.Exit(int(ex))
	default:
		fmt.Fprintln(os.Stderr, "odoo-mcpd:", err)
		os.Exit(1)
	}
}

// exitError ends the process with a status after the error was already
// reported.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }
