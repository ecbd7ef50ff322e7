// A load client for bench/gateway.bench.js, run as its own process: open an MCP session on URL,
// print "ready", wait for "go" on stdin, keep CONCURRENCY echo calls in flight for DURATION ms,
// print the number of calls answered. It speaks raw Streamable HTTP (keep-alive node:http, JSON or
// SSE answers) rather than through the SDK client, so that the servers, not the load generator,
// are what is measured. Usage: node gateway-load.js URL CONCURRENCY DURATION_MS
import { Agent, request } from 'node:http';

const [url, concurrency, duration] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency) });
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

function post(message) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        if (res.statusCode >= 300) return reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        resolve({ res, body });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(message));
  });
}

const { res } = await post({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench-load', version: '1' } },
});
headers['mcp-session-id'] = res.headers['mcp-session-id'];
headers['mcp-protocol-version'] = '2025-06-18';
await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
let nextId = 1;
const call = async () => {
  const { body } = await post({ jsonrpc: '2.0', id: nextId++, method: 'tools/call', params: { name: 'echo', arguments: { text: 'hello' } } });
  if (!body.includes('"hello"')) throw new Error(`unexpected answer: ${body}`);
};
await call();
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const end = Date.now() + Number(duration);
let calls = 0;
await Promise.all(
  Array.from({ length: Number(concurrency) }, async () => {
    while (Date.now() < end) {
      await call();
      calls++;
    }
  }),
);
process.stdout.write(`${calls}\n`);
process.exit(0);
