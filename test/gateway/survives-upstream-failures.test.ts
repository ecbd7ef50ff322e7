// An upstream that fails to start, crashes or hangs never takes the gateway down: its calls get a
// prompt tool error, it is restarted with backoff, and the other upstreams keep serving.
import { beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { eventually, fixture, node, sharedGateway, stdioUpstream, text } from './helpers.js';

const shared = sharedGateway({
  good: stdioUpstream(fixture),
  crashy: stdioUpstream(fixture),
  hangs: stdioUpstream(fixture, ', timeout: 1500ms'),
  broken: `{ command: ${JSON.stringify(node)}, args: [${JSON.stringify(fixture)}, --exit-at-start] }`,
});
let client: Client;
let toolListChanges = 0;
beforeAll(async () => {
  client = await shared.connect();
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void toolListChanges++);
});

const echo = async (name: string) => text(await client.callTool({ name, arguments: { text: 'ok' } }));

test('an upstream that fails to start is reported unavailable with an error id (its stderr stays in the log), the others serve', async () => {
  const result = await client.callTool({ name: 'broken__echo', arguments: {} });
  expect(result.isError).toBe(true);
  expect(text(result)).toMatch(/upstream broken is unavailable \(failed to start \(error err_[0-9a-f]{16}; /);
  expect(text(result)).not.toContain('refusing to start');
  expect(await echo('good__echo')).toBe('ok');
});

test('a crashed upstream gives a prompt tool error and is restarted', async () => {
  const changesBefore = toolListChanges;
  const crash = await client.callTool({ name: 'crashy__crash', arguments: {} });
  expect(crash.isError).toBe(true);
  expect(text(crash)).toContain('upstream crashy');
  expect(await echo('good__echo')).toBe('ok');
  await eventually(async () => (await echo('crashy__echo')) === 'ok');
  // Clients were told twice: the tools went away, and came back.
  await eventually(() => toolListChanges - changesBefore >= 2);
});

test('a hung upstream times out with a tool error, is restarted, and the others keep serving', async () => {
  // Its 1500 ms timeout also bounds its start: on a loaded machine the first start may miss it, so the
  // test waits until it serves, then makes it hang.
  await eventually(async () => (await echo('hangs__echo')) === 'ok', 20_000);
  const started = Date.now();
  const [hung, other] = await Promise.all([client.callTool({ name: 'hangs__hang', arguments: {} }), echo('good__echo')]);
  expect(other).toBe('ok');
  expect(hung.isError).toBe(true);
  expect(text(hung)).toContain('did not answer tools/call within 1500 ms');
  expect(Date.now() - started).toBeLessThan(15_000);
  await eventually(async () => (await echo('hangs__echo')) === 'ok', 20_000);
});
