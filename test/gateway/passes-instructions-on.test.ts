// The instructions an upstream gives in its initialize result reach the client: as they are when
// one upstream gives some, and headed by each upstream's name when several do.
import { afterAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { gatewayFrom, httpClient, stdioUpstream } from './helpers.js';
import { probe, sideBySide } from './side-by-side.js';

const { direct, through } = sideBySide();

test.each(through)('the instructions are those the client gets directly: $name', async (route) => {
  const expected = (await direct[0]!.connect()).getInstructions();
  expect(expected).toBeTruthy();
  expect((await route.connect()).getInstructions()).toBe(expected);
});

let gateway: Gateway | undefined;
afterAll(() => gateway?.close());

test("several upstreams' instructions come one after another, each headed by its upstream's name and prefix", async () => {
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }
upstreams:
  alpha: ${stdioUpstream(probe)}
  beta: ${stdioUpstream(probe, ', prefix: "b_"')}
`);
  const expected = (await direct[0]!.connect()).getInstructions();
  const client = await httpClient(gateway.http!.url);
  expect(client.getInstructions()).toBe(`## alpha (tools named alpha__*)\n\n${expected}\n\n## beta (tools named b_*)\n\n${expected}`);
  await client.close();
});
