// Calls the gateway cannot forward still go through the gate, so they are recorded: an unknown
// tool name gets a SILENCE receipt (on the upstream its prefix names, with the name after the
// prefix, as every known tool is recorded; else on "unknown" with the whole name), and
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

test('an unknown tool of a known upstream gets a SILENCE receipt naming that upstream and the tool once, as the upstream would', async () => {
  const result = await client.callTool({ name: 'fx__nope', arguments: { a: 1 } });
  expect(result.isError).toBe(true);
  expect(text(result)).toContain('unknown tool "fx__nope"');
  expect(receiptOf(result)).toMatchObject({ event: 'silence', call: { server: 'fx', tool: 'nope', tool_sha256: null }, policy: { effect: 'silence' } });
});

test('a name that is only an upstream prefix is recorded as an empty name on that upstream', async () => {
  expect(receiptOf(await client.callTool({ name: 'fx__', arguments: {} })).call).toMatchObject({ server: 'fx', tool: '(empty name)' });
});

test('a name no upstream claims is recorded on the server "unknown", cut to 256 characters with a marker and its hash', async () => {
  const name = 'x'.repeat(1000);
  const receipt = receiptOf(await client.callTool({ name, arguments: {} }));
  const hash = createHash('sha256').update(name).digest('hex');
  expect(receipt.call).toMatchObject({ server: 'unknown', tool: `${'x'.repeat(184)}…sha256:${hash}` });
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
