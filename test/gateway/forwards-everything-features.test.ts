// The gateway in front of @modelcontextprotocol/server-everything: every forwarded MCP feature,
// seen by a real SDK client over Streamable HTTP.
import { beforeAll, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { eventually, everything, sharedGateway, stdioUpstream, text } from './helpers.js';

const shared = sharedGateway({ ev: stdioUpstream(everything) });
let client: Client;
const logs: { level: string }[] = [];
const updates: string[] = [];

beforeAll(async () => {
  client = await shared.connect({ capabilities: { sampling: {}, elicitation: { form: {} } } });
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    model: 'test-model',
    role: 'assistant',
    content: { type: 'text', text: `sampled: ${JSON.stringify(request.params.messages[0]?.content)}` },
  }));
  client.setRequestHandler(ElicitRequestSchema, async () => ({
    action: 'accept',
    content: { name: 'Ada', check: true, email: 'ada@example.com', integer: 7, enum: 'ok' },
  }));
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params));
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
});

test('tools keep their upstream definitions under the prefixed name', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  expect(names).toEqual(expect.arrayContaining(['ev__echo', 'ev__get-sum', 'ev__trigger-sampling-request', 'ev__trigger-elicitation-request']));
  expect(tools.find((t) => t.name === 'ev__trigger-long-running-operation')?.annotations?.readOnlyHint).toBe(true);
});

test('structured content passes through', async () => {
  const result = await client.callTool({ name: 'ev__get-structured-content', arguments: { location: 'New York' } });
  expect(result.structuredContent).toMatchObject({ temperature: expect.any(Number) });
});

test('resources: list, templates and read', async () => {
  const { resources } = await client.listResources();
  expect(resources.some((r) => r.uri.startsWith('demo://resource/static/document/'))).toBe(true);
  const { resourceTemplates } = await client.listResourceTemplates();
  expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('demo://resource/dynamic/text/{resourceId}');
  const read = await client.readResource({ uri: 'demo://resource/dynamic/text/3' });
  expect(read.contents[0]?.uri).toBe('demo://resource/dynamic/text/3');
});

test('resource subscriptions deliver updates to the subscriber', async () => {
  const uri = 'demo://resource/dynamic/text/1';
  await client.subscribeResource({ uri });
  await client.callTool({ name: 'ev__toggle-subscriber-updates', arguments: {} });
  await eventually(() => updates.includes(uri));
  await client.callTool({ name: 'ev__toggle-subscriber-updates', arguments: {} });
  await client.unsubscribeResource({ uri });
});

test('prompts and completion are forwarded under prefixed names', async () => {
  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name)).toContain('ev__simple-prompt');
  const prompt = await client.getPrompt({ name: 'ev__args-prompt', arguments: { city: 'Paris' } });
  expect(JSON.stringify(prompt.messages)).toContain('Paris');
  const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'ev__completable-prompt' }, argument: { name: 'department', value: 'En' } });
  expect(completion.completion.values).toEqual(['Engineering']);
});

test('logging: setLevel is forwarded and upstream log messages reach the client', async () => {
  await client.setLoggingLevel('debug');
  await client.callTool({ name: 'ev__toggle-simulated-logging', arguments: {} });
  await eventually(() => logs.length > 0);
  await client.callTool({ name: 'ev__toggle-simulated-logging', arguments: {} });
});

test("progress notifications reach the client on the client's own token", async () => {
  const seen: number[] = [];
  const result = await client.callTool({ name: 'ev__trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, {
    onprogress: (p) => void seen.push(p.progress),
  });
  expect(text(result)).toContain('completed');
  expect(seen).toEqual([1, 2, 3]);
});

test('sampling requested by the upstream is answered by the client whose call caused it', async () => {
  const result = await client.callTool({ name: 'ev__trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } });
  expect(text(result)).toContain('sampled:');
  expect(text(result)).toContain('test-model');
});

test('elicitation requested by the upstream is answered by the client', async () => {
  const result = await client.callTool({ name: 'ev__trigger-elicitation-request', arguments: {} });
  expect(text(result)).toContain('Ada');
});
