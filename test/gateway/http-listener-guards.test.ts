// The HTTP listener's guards and bad-input handling: DNS-rebinding (Host, Origin), bearer tokens
// bound to sessions, the body limit, malformed JSON-RPC, unknown methods and oversized arguments.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, httpClient, type RawAnswer, rawRequest, stdioUpstream, text } from './helpers.js';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
let gateway: Gateway;
let url: URL;

beforeAll(async () => {
  gateway = await gatewayFrom(`
listen: { http: { port: 0, max_body_bytes: 20000 } }
max_argument_bytes: 5000
principals:
  - { id: agent:a, token_sha256: "${sha('token-a')}" }
  - { id: agent:b, token_sha256: "${sha('token-b')}" }
upstreams:
  fx: ${stdioUpstream(fixture)}
`);
  url = new URL(gateway.http!.url);
});
afterAll(() => gateway?.close());

function post(body: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const defaults = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: 'Bearer token-a' };
  return rawRequest(url, 'POST', { ...defaults, ...headers }, body);
}

const init = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

async function session(token = 'token-a'): Promise<string> {
  const reply = await post(init, { authorization: `Bearer ${token}` });
  expect(reply.status).toBe(200);
  return reply.headers['mcp-session-id'] as string;
}

test('a request with a foreign Host header is refused (DNS rebinding)', async () => {
  const reply = await post(init, { host: 'evil.example:8080' });
  expect(reply.status).toBe(403);
  expect(reply.body).toContain('Host');
});

test('a request from a foreign Origin is refused', async () => {
  const reply = await post(init, { origin: 'https://evil.example' });
  expect(reply.status).toBe(403);
  expect(reply.body).toContain('Origin');
});

test('without a valid bearer token the answer is 401 with WWW-Authenticate', async () => {
  const missing = await post(init, { authorization: '' });
  expect(missing.status).toBe(401);
  expect(missing.headers['www-authenticate']).toContain('Bearer');
  expect((await post(init, { authorization: 'Bearer wrong' })).status).toBe(401);
});

test("a session is bound to its principal: another principal's token is refused on it", async () => {
  const id = await session('token-a');
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
  expect((await post(ping, { 'mcp-session-id': id, authorization: 'Bearer token-b' })).status).toBe(403);
  expect((await post(ping, { 'mcp-session-id': id })).status).toBe(200);
});

test('a body over the limit gets 413 with a JSON-RPC error', async () => {
  const reply = await post(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(30000) } }));
  expect(reply.status).toBe(413);
  expect(JSON.parse(reply.body).error.message).toContain('max_body_bytes');
});

test('malformed JSON and non-JSON-RPC bodies get JSON-RPC errors and the session keeps working', async () => {
  const id = await session();
  const garbage = await post('{"jsonrpc": "2.0", "id": 1, "method"', { 'mcp-session-id': id });
  expect(garbage.status).toBe(400);
  expect(JSON.parse(garbage.body).error.code).toBe(-32700);
  const wrong = await post(JSON.stringify({ hello: 'world' }), { 'mcp-session-id': id });
  expect(JSON.parse(wrong.body).error.code).toBe(-32600);
  const pong = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'ping' }), { 'mcp-session-id': id });
  expect(JSON.parse(pong.body)).toEqual({ jsonrpc: '2.0', id: 9, result: {} });
});

test('an unknown method is "method not found" and an unknown session is 404', async () => {
  const id = await session();
  const reply = await post(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'no/such/method' }), { 'mcp-session-id': id });
  expect(JSON.parse(reply.body).error.code).toBe(-32601);
  expect((await post(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ping' }), { 'mcp-session-id': 'nope' })).status).toBe(404);
});

test('arguments over max_argument_bytes are a tool error; the session goes on', async () => {
  const client = await httpClient(url.href, { token: 'token-a' });
  const big = await client.callTool({ name: 'fx__echo', arguments: { text: 'y'.repeat(6000) } });
  expect(big.isError).toBe(true);
  expect(text(big)).toContain('exceed the limit of 5000 bytes');
  expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'small' } }))).toBe('small');
  await client.close();
});

test('a cancelled request does not hold its POST open', async () => {
  const id = await session();
  const call = post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'fx__wait-for-cancel', arguments: {} } }), {
    'mcp-session-id': id,
    accept: 'application/json',
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cancel = await post(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } }), { 'mcp-session-id': id });
  expect(cancel.status).toBe(202);
  expect((await call).status).toBe(202);
});
