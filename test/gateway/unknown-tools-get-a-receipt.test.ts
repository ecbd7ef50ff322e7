// Calls the gateway cannot forward still go through the gate, so they are recorded: an unknown
// tool name gets a SILENCE receipt (on the upstream its prefix names, else "unknown"), and
// oversized arguments a DENY receipt whose argument hash covers only the allowed bytes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { fixture, gatewayFrom, httpClient, receiptOf, stdioUpstream, text } from './helpers.js';

const LIMIT = 2000;
let gateway: Gateway;
let client: Client;
beforeAll(async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nmax_argument_bytes: ${LIMIT}\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
  client = await httpClient(gateway.http!.url);
});
afterAll(async () => {
  await client.close();
  await gateway.close();
});

test('an unknown tool of a known upstream gets a SILENCE receipt naming that upstream', async () => {
  const result = await client.callTool({ name: 'fx__nope', arguments: { a: 1 } });
  expect(result.isError).toBe(true);
  expect(text(result)).toContain('unknown tool "fx__nope"');
  expect(receiptOf(result)).toMatchObject({ event: 'silence', call: { server: 'fx', tool: 'fx__nope', tool_sha256: null }, policy: { effect: 'silence' } });
});

test('a name no upstream claims is recorded on the server "unknown", bounded in length', async () => {
  const name = 'x'.repeat(1000);
  const receipt = receiptOf(await client.callTool({ name, arguments: {} }));
  expect(receipt.call).toMatchObject({ server: 'unknown', tool: 'x'.repeat(256) });
});

test('oversized arguments are denied with a receipt that hashes only the allowed prefix', async () => {
  const args = { text: 'y'.repeat(LIMIT * 2) };
  const result = await client.callTool({ name: 'fx__echo', arguments: args });
  expect(text(result)).toContain(`exceed the limit of ${LIMIT} bytes`);
  const canonical = JSON.stringify(args);
  expect(receiptOf(result)).toMatchObject({
    event: 'deny',
    call: { server: 'fx', tool: 'echo', args_sha256: createHash('sha256').update(canonical.slice(0, LIMIT)).digest('hex') },
  });
});
