// One shared upstream connection, several client sessions: progress, sampling and cancellation
// reach exactly the session they belong to, never another.
import { beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { eventually, fixture, sharedGateway, stdioUpstream, text } from './helpers.js';

const shared = sharedGateway({ fx: stdioUpstream(fixture) });
let a: Client;
let b: Client;
const sampledBy: string[] = [];

beforeAll(async () => {
  a = await shared.connect({ capabilities: { sampling: {} } });
  b = await shared.connect({ capabilities: { sampling: {} } });
  for (const [name, client] of [
    ['a', a],
    ['b', b],
  ] as const) {
    client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
      sampledBy.push(name);
      // The fixture's ask-then-cancel asks for one token, then cancels: wait for that cancellation.
      if (request.params.maxTokens === 1) {
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve));
        sampledBy.push(`${name}:aborted`);
      }
      return { model: `model-${name}`, role: 'assistant', content: { type: 'text', text: name } };
    });
  }
});
test('two sessions using the same progress token each get only their own progress', async () => {
  const seenA: number[] = [];
  const seenB: number[] = [];
  const [ra, rb] = await Promise.all([
    a.callTool({ name: 'fx__slow', arguments: { steps: 3 } }, undefined, { onprogress: (p) => void seenA.push(p.progress) }),
    b.callTool({ name: 'fx__slow', arguments: { steps: 5 } }, undefined, { onprogress: (p) => void seenB.push(p.progress) }),
  ]);
  expect(text(ra)).toBe('done after 3');
  expect(text(rb)).toBe('done after 5');
  expect(seenA).toEqual([1, 2, 3]);
  expect(seenB).toEqual([1, 2, 3, 4, 5]);
});

test('a sampling request goes to the session whose call caused it', async () => {
  sampledBy.length = 0;
  const result = await b.callTool({ name: 'fx__ask', arguments: { prompt: 'who?' } });
  expect(text(result)).toContain('model-b');
  expect(sampledBy).toEqual(['b']);
});

test('a sampling request that cannot be attributed to one session is refused, not guessed', async () => {
  sampledBy.length = 0;
  const [asked] = await Promise.all([
    a.callTool({ name: 'fx__ask', arguments: { prompt: 'ambiguous' } }),
    b.callTool({ name: 'fx__slow', arguments: { steps: 4 } }),
  ]);
  expect(asked.isError).toBe(true);
  expect(text(asked)).toContain('cannot tell which client session');
  expect(sampledBy).toEqual([]);
});

test('a client cancelling its call cancels the forwarded request upstream', async () => {
  const before = Number(text(await a.callTool({ name: 'fx__cancel-count', arguments: {} })));
  const controller = new AbortController();
  const pending = a.callTool({ name: 'fx__wait-for-cancel', arguments: {} }, undefined, { signal: controller.signal });
  setTimeout(() => controller.abort(), 200);
  await expect(pending).rejects.toThrow();
  await eventually(async () => Number(text(await a.callTool({ name: 'fx__cancel-count', arguments: {} }))) === before + 1);
});

test('an upstream cancelling its own sampling request cancels it at the client', async () => {
  // The SDK client ignores a cancellation of request id 0 (a falsy-id check), so use up id 0 first.
  await a.callTool({ name: 'fx__ask', arguments: { prompt: 'warm-up' } });
  sampledBy.length = 0;
  const result = await a.callTool({ name: 'fx__ask-then-cancel', arguments: {} });
  expect(text(result)).toBe('cancelled');
  await eventually(() => sampledBy.includes('a:aborted'), 5000).catch((err) => {
    throw new Error(`${err.message}: ${JSON.stringify(sampledBy)}`);
  });
});
