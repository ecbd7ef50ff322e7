import { beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { RECEIPT_META_KEY } from '../../src/gate/index.js';
import { fixture, receiptOf, sharedGateway, stdioUpstream, text } from './helpers.js';

const shared = sharedGateway({ fx: stdioUpstream(fixture) });
let client: Client;
beforeAll(async () => {
  client = await shared.connect();
});

test('tools of an upstream are listed as <upstream>__<tool> with their definitions', async () => {
  const { tools } = await client.listTools();
  const echo = tools.find((t) => t.name === 'fx__echo');
  expect(echo?.description).toBe('echo the text back');
  expect(echo?.inputSchema.properties).toHaveProperty('text');
});

test('a tool result comes back exactly as the upstream sent it, with only the receipt added to _meta', async () => {
  const { _meta, ...result } = await client.callTool({ name: 'fx__exact', arguments: {} });
  const { [RECEIPT_META_KEY]: receipt, ...upstreamMeta } = _meta ?? {};
  expect(receiptOf({ _meta })).toMatchObject({ event: 'complete', call: { server: 'fx', tool: 'exact' } });
  expect(receipt).toBeDefined();
  expect(upstreamMeta).toEqual({ 'example.com/trace': 'abc' });
  expect(result).toEqual({
    content: [{ type: 'text', text: 'exact' }],
    structuredContent: { answer: 42, nested: { list: [1, 'two'] } },
    isError: true,
  });
});

test('arguments reach the upstream and the answer reaches the client', async () => {
  expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'hello' } }))).toBe('hello');
});

test('an unknown tool name is a tool error and the session keeps working', async () => {
  const result = await client.callTool({ name: 'fx__nope', arguments: {} });
  expect(result.isError).toBe(true);
  expect(text(result)).toContain('unknown tool "fx__nope"');
  expect(text(await client.callTool({ name: 'fx__echo', arguments: { text: 'still here' } }))).toBe('still here');
});
