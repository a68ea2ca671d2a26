// Drives an MCP server over stdio with the official TypeScript SDK's
// client and stdio transport, the way a desktop MCP client launches one.
//
// Usage: node stdio-client.mjs '<json>' where json is
//   {"command": "...", "args": [...], "env": {...},
//    "call": {"name": "...", "arguments": {...}}, "pings": N}
//
// Prints one JSON document on its own stdout: what initialize, tools/list
// and the tool call answered, every transport error (a stray byte on the
// server's stdout is one), the server's stderr, how long the pings took,
// and how the server process ended once its stdin was closed.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const spec = JSON.parse(process.argv[2]);
const out = { transportErrors: [], stderr: '' };

const transport = new StdioClientTransport({
  command: spec.command,
  args: spec.args ?? [],
  env: spec.env ?? {},
  stderr: 'pipe',
});
transport.stderr.on('data', (chunk) => { out.stderr += chunk.toString(); });
// The stdio transport has no use for the negotiated version; the client
// hands it over when the transport asks for it, which is how we learn it.
out.protocolVersion = null;
transport.setProtocolVersion = (v) => { out.protocolVersion = v; };

const client = new Client({ name: 'odoo-mcpd-e2e', version: '1.0.0' });
try {
  await client.connect(transport);
  // The SDK's transport sets onerror on connect; wrap it to keep a record.
  const sdkOnError = transport.onerror;
  transport.onerror = (err) => {
    out.transportErrors.push(String(err?.message ?? err));
    sdkOnError?.(err);
  };
  // The child process, to see how it ends when its stdin closes. The
  // transport keeps it in a private field and forgets it on close.
  const child = transport._process;

  out.serverVersion = client.getServerVersion() ?? null;
  out.capabilities = client.getServerCapabilities() ?? null;
  const tools = await client.listTools();
  out.tools = tools.tools.map((t) => t.name);
  if (spec.call) {
    out.call = await client.callTool(spec.call);
  }
  const pings = spec.pings ?? 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < pings; i++) {
    await client.ping();
  }
  out.pingNanos = pings > 0 ? Number((process.hrtime.bigint() - t0) / BigInt(pings)) : 0;

  // close() ends stdin, then waits up to 2 s before it sends SIGTERM:
  // a child ended by a signal did not exit on its own.
  const exited = new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
  });
  await client.close();
  await exited;
  out.exit = { code: child ? child.exitCode : null, signal: child ? child.signalCode : null };
} catch (err) {
  out.error = String(err?.stack ?? err);
}
process.stdout.write(JSON.stringify(out) + '\n');
