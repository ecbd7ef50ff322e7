// pins.mode: strict, through the real gateway: a tool that appears after the upstream was first
// pinned is quarantined like a drift (hidden by default) until a reviewer approves it; in
// trust-on-first-use mode the same new tool is pinned and listed at once.
import { expect, test } from 'vitest';
import { eventually } from './helpers.js';
import { pinnedGateway, tool, V1 } from './pinned-gateway.js';

const WITH_NEW = [...V1, tool('wipe', 'delete everything')];

test('strict mode hides a new tool until it is approved', async () => {
  const pg = await pinnedGateway([V1, WITH_NEW], { mode: 'strict' });
  await pg.drifted('wipe');
  expect(await pg.names()).toEqual(['fx__echo', 'fx__other']);
  const before = pg.listChanges();
  await pg.registry.approve('fx', pg.identity, 'wipe', 'user:reviewer');
  await eventually(() => pg.listChanges() > before);
  expect(await pg.names()).toEqual(['fx__echo', 'fx__other', 'fx__wipe']);
});

test('trust-on-first-use lists a new tool at once', async () => {
  const pg = await pinnedGateway([V1, WITH_NEW], { mode: 'trust-on-first-use' });
  await eventually(async () => (await pg.names()).includes('fx__wipe'));
  expect((await pg.registry.record(pg.identity))?.drifts).toEqual({});
});
