// Scenario (e) of bench/gateway.bench.js: a bare SDK Streamable HTTP server (stateful sessions)
// answering echo itself — the floor no proxy can beat. Usage: node gateway-echo-http.js PORT json|sse
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { echoServer } from '../test/fixtures/echo-server.mjs';

const [port, mode] = process.argv.slice(2);
const sessions = new Map();
createServer(async (req, res) => {
  let transport = sessions.get(req.headers['mcp-session-id']);
  if (!transport) {
    transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: mode === 'json',
      onsessioninitialized: (id) => sessions.set(id, transport),
    });
    await echoServer().connect(transport);
  }
  await transport.handleRequest(req, res);
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
