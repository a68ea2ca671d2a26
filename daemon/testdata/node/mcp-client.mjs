// Drives one tenant of odoo-mcpd with the official MCP TypeScript SDK.
// Usage: node mcp-client.mjs http|sse URL TOKEN
// Prints one JSON line with what it saw; exits non-zero on any failure.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

const [kind, url, token] = process.argv.slice(2);
const headers = token ? { Authorization: `Bearer ${token}` } : {};
const transport =
  kind === "sse"
    ? new SSEClientTransport(new URL(url), { requestInit: { headers } })
    : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: "odoo-mcpd-node-test", version: "1.0.0" });

function text(res) {
  if (res.isError) throw new Error(`tool error: ${JSON.stringify(res.content)}`);
  return res.content.filter((c) => c.type === "text").map((c) => c.text).join("");
}

try {
  await client.connect(transport);
  const tools = (await client.listTools()).tools.map((t) => t.name);
  const search = text(
    await client.callTool({ name: "search_records", arguments: { model: "res.partner", fields: ["name"], limit: 2 } }),
  );
  const created = text(
    await client.callTool({ name: "create_record", arguments: { model: "res.partner", values: { name: `Node ${kind}` } } }),
  );
  console.log(
    JSON.stringify({
      protocol: transport.protocolVersion ?? null,
      session: transport.sessionId ?? null,
      server: client.getServerVersion()?.name ?? null,
      tools,
      search,
      created,
    }),
  );
  await client.close();
} catch (err) {
  console.error(`${kind} ${url}: ${err?.message ?? err}`);
  process.exit(1);
}
