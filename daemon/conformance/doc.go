// Package conformance runs the official MCP conformance suite
// (@modelcontextprotocol/conformance, server mode) against the demo
// tenant's Streamable HTTP endpoint of an in-process odoo-mcpd. It holds
// only that test; the scenarios a real Odoo server cannot serve are listed,
// each with its reason, in daemon/testdata/conformance-baseline.yml.
package conformance
