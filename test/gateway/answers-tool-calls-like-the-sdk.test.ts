// tools/call is answered by the session itself, not through the SDK's request machinery: the
// replies must be what the SDK gave (results, JSON-RPC errors, ids of either type), as JSON bodies,
// and a call the fast path does not take is still answered by the SDK.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, receiptOf, stdioUpstream } from './helpers.js';
import { rawHttpSession, type Reply } from './raw-clients.js';

let gateway: Gateway;
let post: (message: unknown) => Promise<Reply>;

const call = (id: string | number, params: Record<string, unknown>) => post({ jsonrpc: '2.0', id, method: 'tools/call', params });

beforeAll(async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
  ({ post } = await rawHttpSession(gateway.http!.url));
});
afterAll(() => gateway?.close());

test('a tools/call is answered as a JSON body with the result and its receipt', async () => {
  const reply = await call(1, { name: 'fx__echo', arguments: { text: 'hi' } });
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toBe('application/json');
  const message = JSON.parse(reply.body);
  expect(message).toMatchObject({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hi' }] } });
  expect(receiptOf(message.result).event).toBe('complete');
});

test('a string request id is answered with the same id', async () => {
  const reply = JSON.parse((await call('call-a', { name: 'fx__echo', arguments: { text: 'a' } })).body);
  expect(reply).toMatchObject({ id: 'call-a', result: { content: [{ text: 'a' }] } });
});

test('malformed params get the JSON-RPC invalid-params error, and the session goes on', async () => {
  const noName = JSON.parse((await call(2, { arguments: {} })).body);
  expect(noName).toEqual({ jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'MCP error -32602: tools/call needs params.name (a string)' } });
  const listArgs = JSON.parse((await call(3, { name: 'fx__echo', arguments: ['x'] })).body);
  expect(listArgs.error.code).toBe(-32602);
  expect(JSON.parse((await call(4, { name: 'fx__echo', arguments: { text: 'still here' } })).body).result.content[0].text).toBe('still here');
});

test('a task-augmented tools/call goes the SDK way: this server offers no tasks, so it is an error', async () => {
  const reply = JSON.parse((await call(5, { name: 'fx__echo', arguments: { text: 'x' }, task: { ttl: 1000 } })).body);
  expect(reply.id).toBe(5);
  expect(reply.error.code).toBeTypeOf('number');
  expect(reply.result).toBeUndefined();
});
