// The catalog and the pins stay one per upstream with per-client sessions: a client's own upstream
// session that says its tool list changed is listed and assessed against the pins like any listing,
// so a tool that appears in one client's session is drift (strict pins: a new tool, quarantined)
// and the gate refuses its calls with a receipt naming the approval to run.
import { afterAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { registryIn, tempDir } from '../pins/helpers.js';
import { eventually, fixture, gatewayFrom, httpClient, receiptOf, stdioUpstream, text } from './helpers.js';

let gateway: Gateway | undefined;
afterAll(async () => gateway?.close());

test("a tool that appears in one client's own upstream session is a new tool to the pins: quarantined, its call refused", async () => {
  const { registry } = await registryIn(tempDir(), { mode: 'strict', onDrift: 'deny' });
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture, ', session: per-client')}\n`, undefined, {
    pins: registry,
  });
  const client = await httpClient(gateway.http!.url);
  await eventually(async () => (await client.listTools()).tools.some((t) => t.name === 'fx__register'));
  expect(text(await client.callTool({ name: 'fx__register', arguments: { name: 'sneaky' } }))).toBe('registered');
  await eventually(async () => (await client.listTools()).tools.some((t) => t.name === 'fx__sneaky'));
  const refused = await client.callTool({ name: 'fx__sneaky', arguments: {} });
  expect(refused.isError).toBe(true);
  expect(receiptOf(refused)).toMatchObject({ event: 'deny', call: { server: 'fx', tool: 'sneaky' } });
  expect(text(refused)).toContain('toolgate pins approve fx sneaky');
  await client.close();
});
