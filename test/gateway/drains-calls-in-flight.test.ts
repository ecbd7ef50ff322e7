// Graceful shutdown: once the gateway drains, new tools/call requests are refused at once with a
// clear tool error and a DENY receipt while other methods still answer, and the drain settles clean when the call in
// flight has finished; with a deadline shorter than the call it settles unclean, naming the count.
// health() tells /readyz which upstreams are connected.
import { afterEach, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { eventually, fixture, gatewayFrom, httpClient, node, receiptOf, stdioUpstream, text } from './helpers.js';

let gateway: Gateway | undefined;
afterEach(() => gateway?.close());

async function slowCallInFlight(steps: number) {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`);
  const client = await httpClient(gateway.http!.url);
  let progressed = false;
  const call = client.callTool({ name: 'fx__slow', arguments: { steps } }, undefined, { onprogress: () => void (progressed = true), timeout: 60_000 });
  await eventually(() => progressed); // the call is at the upstream now
  return { gateway, client, call };
}

test('draining refuses new calls, answers other methods, and waits for the call in flight', async () => {
  const { gateway, client, call } = await slowCallInFlight(10);
  const drained = gateway.drain(30_000);
  const refused = await client.callTool({ name: 'fx__echo', arguments: { text: 'late' } });
  expect(refused.isError).toBe(true);
  expect(text(refused)).toContain('toolgate is shutting down; retry shortly');
  expect(receiptOf(refused)).toMatchObject({ event: 'deny', policy: { effect: 'deny', reason: 'toolgate is shutting down; retry shortly' } });
  expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  expect(text(await call)).toBe('done after 10');
  expect(await drained).toEqual({ clean: true, inFlight: 0 });
  await client.close();
});

test('a drain whose deadline passes first is reported unclean with the calls still in flight', async () => {
  const { gateway, client, call } = await slowCallInFlight(200);
  expect(await gateway.drain(50)).toEqual({ clean: false, inFlight: 1 });
  void call.catch(() => undefined);
  await client.close();
});

test('health names every enabled upstream with its state and last error (an error id, never its stderr)', async () => {
  const broken = `{ command: ${JSON.stringify(node)}, args: [${JSON.stringify(fixture)}, --exit-at-start] }`;
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n  broken: ${broken}\n`);
  const [fx, down] = gateway.health().upstreams;
  expect(fx).toEqual({ name: 'fx', state: 'ready', lastError: '' });
  // Down, or already being retried (backoff 500 ms) on a slow machine: the last error stays until it is ready.
  expect(down).toMatchObject({ name: 'broken', state: expect.stringMatching(/^(down|starting)$/) });
  expect(down!.lastError).toMatch(/^failed to start \(error err_[0-9a-f]{16}; the gateway log has the details\)$/);
});
