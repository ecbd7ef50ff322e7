// A request other than tools/call that the upstream works on at length is as observable through
// the gateway as directly: prompts/get with a progress token gets the upstream's progress, and the
// upstream may sample through the client while it fills the prompt.
import { expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { type Route, sideBySide, withoutReceipts } from './side-by-side.js';

const { direct, through } = sideBySide();

async function sampler(route: Route): Promise<Client> {
  const client = await route.connect({ capabilities: { sampling: {} } });
  client.setRequestHandler(CreateMessageRequestSchema, async () => ({
    model: 'm',
    role: 'assistant',
    content: { type: 'text', text: 'sampled by the client' },
  }));
  return client;
}

async function observe(client: Client) {
  const progress: unknown[] = [];
  const result = await client.getPrompt({ name: 'progress-and-sample', arguments: { sample: 'yes' } }, { onprogress: (p) => void progress.push(p) });
  return { progress, result: withoutReceipts(result) };
}

test.each(through)('prompts/get reports progress and samples as it does directly: $name', async (route) => {
  const expected = await observe(await sampler(direct[0]!));
  expect(expected.progress).toHaveLength(2);
  expect(JSON.stringify(expected.result)).toContain('sampled by the client');
  expect(await observe(await sampler(route))).toEqual(expected);
});
