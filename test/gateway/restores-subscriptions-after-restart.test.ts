// A restarted upstream has forgotten what the sessions subscribed to on the old connection:
// toolgate subscribes again, so updates keep reaching the subscribers.
import { expect, test } from 'vitest';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { eventually, fixture, sharedGateway, stdioUpstream, text } from './helpers.js';

const shared = sharedGateway({ fx: stdioUpstream(fixture) });

test('after a crash and restart, resource updates still reach the subscriber', async () => {
  const client = await shared.connect();
  const updates: string[] = [];
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
  await client.subscribeResource({ uri: 'fixture://counter' });
  const pid = text(await client.callTool({ name: 'fx__pid', arguments: {} }));
  await client.callTool({ name: 'fx__crash', arguments: {} });
  // `touch` answers with the number of subscriptions the (new) upstream process holds.
  await eventually(async () => text(await client.callTool({ name: 'fx__touch', arguments: {} })) === '1');
  expect(text(await client.callTool({ name: 'fx__pid', arguments: {} }))).not.toBe(pid);
  await eventually(() => updates.includes('fixture://counter'));
});
