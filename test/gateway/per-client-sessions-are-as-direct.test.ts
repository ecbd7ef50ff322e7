// With `session: per-client` each client session gets an upstream session of its own, declaring
// what that client declared: the upstream sees the client's capabilities and clientInfo, asks it
// for sampling once per call even with two calls in flight, and tells it when a URL elicitation
// completed, as it does directly. Every route (HTTP and stdio clients, stdio and HTTP upstreams)
// observes what the direct routes observe.
import { expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { answerSampling, eventually, text } from './helpers.js';
import { type Route, sideBySide } from './side-by-side.js';

const { direct, through } = sideBySide([], 'per-client');
const routes = [...direct, ...through];

const call = async (client: Client, name: string, args: Record<string, unknown> = {}) => text(await client.callTool({ name, arguments: args }));

test.each(routes)('the upstream sees the capabilities the client declared, and only those: $name', async (route) => {
  const sampling = await route.connect({ capabilities: { sampling: {}, elicitation: { form: {} } } });
  const bare = await route.connect({ capabilities: {} });
  expect(JSON.parse(await call(sampling, 'client-capabilities'))).toEqual({ sampling: {}, elicitation: { form: {} } });
  expect(JSON.parse(await call(bare, 'client-capabilities'))).toEqual({});
});

test.each(routes)("the upstream sees the client's clientInfo: $name", async (route) => {
  expect(JSON.parse(await call(await route.connect(), 'client-info'))).toEqual({ name: 'side-by-side', version: '1.0.0' });
});

/** A client that answers sampling with what it was asked, once `expected` requests have arrived. */
async function sampler(route: Route, expected: number): Promise<{ client: Client; asked: string[] }> {
  const client = await route.connect({ capabilities: { sampling: {} } });
  return { client, asked: answerSampling(client, expected) };
}

test.each(routes)('two calls in flight in one session each get their own sampling request: $name', async (route) => {
  const { client, asked } = await sampler(route, 2);
  const [one, two] = await Promise.all([call(client, 'sample', { text: 'one' }), call(client, 'sample', { text: 'two' })]);
  expect([one, two]).toEqual(['sampled one', 'sampled two']);
  expect(asked.sort()).toEqual(['one', 'two']);
});

test.each(routes)('two clients with calls in flight each get their own sampling request: $name', async (route) => {
  // Each client's handler waits until it was asked, and both calls are sent before either answers.
  const [a, b] = await Promise.all([sampler(route, 1), sampler(route, 1)]);
  const [ra, rb] = await Promise.all([call(a.client, 'sample', { text: 'for a' }), call(b.client, 'sample', { text: 'for b' })]);
  expect([ra, rb]).toEqual(['sampled for a', 'sampled for b']);
  expect([a.asked, b.asked]).toEqual([['for a'], ['for b']]);
});

test.each(routes)("a URL elicitation's completion reaches the client, with no call in flight: $name", async (route) => {
  const client = await route.connect({ capabilities: { elicitation: { url: {} } } });
  const completed: unknown[] = [];
  client.fallbackNotificationHandler = async (notification) => {
    if (notification.method === 'notifications/elicitation/complete') completed.push(notification.params);
  };
  // An HTTP client hears a message outside any request on its GET stream, which it opens after initialize.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(await call(client, 'complete-elicitation', { id: 'el-7' })).toBe('will complete');
  await eventually(() => completed.length > 0);
  expect(completed).toEqual([{ elicitationId: 'el-7' }]);
});
