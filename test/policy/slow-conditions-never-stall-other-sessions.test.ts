// A call whose arguments would make a condition slow (a nested `exists` over a 6,000-item list,
// 30 KB) against the real gateway, gate, ledger and fixture upstream: it is denied at once with a
// receipt naming the bound, and another session's calls keep being answered meanwhile. The longest
// event-loop pause and the other session's slowest call are printed, for the record.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parseConfig } from '../../src/config/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { compileBundle, decider } from '../../src/policy/index.js';
import { fixture, gatewayWithLedger, httpClient, receiptOf, stdioUpstream, text } from '../gateway/helpers.js';

const POLICY = `version: toolgate.policy/v1
bounds: { list_items: 100 }
rules:
  - id: allow-fx
    effect: allow
    match: { server: fx }
  - id: no-near-duplicates
    effect: deny
    match: { server: fx, tool: echo }
    when: 'has(args.items) && args.items.exists(a, args.items.exists(b, a == b + "!"))'
`;

let gateway: Gateway;
let attacker: Client;
let bystander: Client;

beforeAll(async () => {
  const yaml = `listen: { http: { port: 0 } }\nupstreams:\n  fx: ${stdioUpstream(fixture)}\n`;
  const { config } = parseConfig('/tmp/toolgate.yaml', yaml);
  gateway = await gatewayWithLedger({ config, decider: decider(compileBundle([{ file: 'policy.yaml', text: POLICY }])) });
  attacker = await httpClient(gateway.http!.url);
  bystander = await httpClient(gateway.http!.url);
}, 30_000);
afterAll(async () => {
  await attacker?.close();
  await bystander?.close();
  await gateway?.close();
});

it('a nested exists over 6,000 items is denied fast, and another session never waits long', async () => {
  const items = Array.from({ length: 6_000 }, (_v, i) => `item${i}`);
  expect(JSON.stringify(items).length).toBeGreaterThan(30_000);
  expect(text(await bystander.callTool({ name: 'fx__echo', arguments: { text: 'warm' } }))).toContain('warm');

  let slowest = 0;
  let running = true;
  const bystanding = (async () => {
    while (running) {
      const start = performance.now();
      await bystander.callTool({ name: 'fx__echo', arguments: { text: 'still here' } });
      slowest = Math.max(slowest, performance.now() - start);
    }
  })();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const start = performance.now();
  const result = await attacker.callTool({ name: 'fx__echo', arguments: { text: 'x', items } });
  const took = performance.now() - start;
  loop.disable();
  running = false;
  await bystanding;

  const longestPause = loop.max / 1e6;
  console.log(
    `attack answered in ${took.toFixed(1)} ms; longest event-loop pause ${longestPause.toFixed(1)} ms; other session's slowest call ${slowest.toFixed(1)} ms`,
  );
  expect(result.isError).toBe(true);
  expect(receiptOf(result).policy).toMatchObject({ effect: 'deny', reason: expect.stringMatching(/bounds\.list_items/) });
  expect(took).toBeLessThan(1_000);
  expect(longestPause).toBeLessThan(500);
});
