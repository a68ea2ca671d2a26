// Package transports carries MCP between clients and a tenant's mcp-go
// server: Streamable HTTP, SSE, and a newline-delimited byte stream (the
// stdio pipe of the control socket). It also owns the HTTP middleware that
// stands in front of every tenant endpoint: token auth, IP allow-list, rate
// limits, CORS, Host checks and body caps.
//
// It knows nothing of Odoo, tenants or the daemon: callers hand it an
// *server.MCPServer and plain policy values, and it hands back handlers.
package transports
