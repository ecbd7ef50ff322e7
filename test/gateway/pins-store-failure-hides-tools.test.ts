// Fail closed: when the pin registry cannot assess an upstream's tools (here its stored pin set
// is corrupt), the gateway offers none of that upstream's tools, and calls to them are refused.
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { Gateway } from '../../src/gateway/index.js';
import { identityOf, PinRegistry, pinStoreOn } from '../../src/pins/index.js';
import { lowdbStore } from '../fixtures/stores.js';
import { tempDir } from '../pins/helpers.js';
import { gatewayWithLedger, httpClient, permitAll, receiptOf } from './helpers.js';
import { pinsFixtureConfig, V1 } from './pinned-gateway.js';

let gateway: Gateway | undefined;
afterAll(() => gateway?.close());

test('an upstream whose pins cannot be read has its tools hidden', async () => {
  const dir = tempDir();
  const { config } = parseConfig(join(dir, 'toolgate.yaml'), pinsFixtureConfig(dir, [V1]));
  const store = await lowdbStore(join(dir, 'state.json'));
  await store.update('pins', identityOf(config.upstreams.fx!).sha256, () => ({ not: 'a pin set' }));
  const registry = new PinRegistry({ store: pinStoreOn(store), mode: 'trust-on-first-use', onDrift: 'hide' });

  gateway = await gatewayWithLedger({ config, decider: permitAll, pins: registry });
  const client = await httpClient(gateway.http!.url);
  expect((await client.listTools()).tools).toEqual([]);
  const refused = await client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  expect(receiptOf(refused).event).toBe('silence');
  await client.close();
});
