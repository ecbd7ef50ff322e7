// Every call gets its receipt, whatever the client put in the fields a receipt holds: a request id
// or a tool name longer than the receipt allows is recorded cut, with a marker and the sha256 of
// the whole value (so the receipt says it was cut, and the value can still be checked against it).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, receiptOf, stdioUpstream, text } from './helpers.js';
import { rawHttpSession, type Reply } from './raw-clients.js';

let gateway: Gateway;
let post: (message: unknown) => Promise<Reply>;

beforeAll(async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
  ({ post } = await rawHttpSession(gateway.http!.url));
});
afterAll(() => gateway?.close());

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const cut = (s: string) => `${s.slice(0, 184)}…sha256:${sha256(s)}`;

async function call(id: string | number, name: string, args: Record<string, unknown> = {}) {
  const reply = JSON.parse((await post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } })).body);
  expect(reply.id).toBe(id);
  return reply.result;
}

test('a call whose id is longer than 256 characters runs, and its receipt records the id cut, marked and hashed', async () => {
  const id = `req-${'x'.repeat(400)}`;
  const result = await call(id, 'fx__echo', { text: 'long id' });
  expect(text(result)).toBe('long id');
  const receipt = receiptOf(result);
  expect(receipt.event).toBe('complete');
  expect(receipt.call.rpc_id).toBe(cut(id));
  expect((receipt.call.rpc_id as string).length).toBe(256);
});

test('an id that already looks cut is recorded cut as well, so a recorded id with the marker was always cut', async () => {
  const id = `abc…sha256:${'0'.repeat(64)}`;
  const receipt = receiptOf(await call(id, 'fx__echo', { text: 'x' }));
  expect(receipt.call.rpc_id).toBe(cut(id));
});

test('ids within the limit are recorded as sent', async () => {
  expect(receiptOf(await call('a'.repeat(256), 'fx__echo', { text: 'x' })).call.rpc_id).toBe('a'.repeat(256));
  expect(receiptOf(await call(9_007_199_254_740_991, 'fx__echo', { text: 'x' })).call.rpc_id).toBe(9_007_199_254_740_991);
});

test('an unknown tool with a long name and a long id is refused with a SILENCE receipt that says the name was cut', async () => {
  const name = `fx__${'n'.repeat(1000)}`;
  const id = 'i'.repeat(300);
  const result = await call(id, name);
  expect(result.isError).toBe(true);
  const receipt = receiptOf(result);
  expect(receipt.event).toBe('silence');
  expect(receipt.call.rpc_id).toBe(cut(id));
  expect(receipt.call.tool).toBe(cut('n'.repeat(1000)));
  expect(receipt.policy.reason).toContain(cut(name));
  expect(text(result)).not.toMatch(/try again later/);
});
