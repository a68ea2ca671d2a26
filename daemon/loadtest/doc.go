// Package loadtest measures odoo-mcpd the way its users judge it: it runs
// the daemon in-process over the Odoo simulator, drives it with real MCP
// clients over loopback, and reports latency percentiles, throughput,
// errors and memory. The odoo-mcpload command and the repository's
// benchmarks are built on it.
package loadtest
