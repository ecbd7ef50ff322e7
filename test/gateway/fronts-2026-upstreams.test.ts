// A 2025-11-25 client (the v1 SDK's Client) through toolgate to an upstream of the 2026-07-28
// revision (the v2-SDK reference server, real processes over Streamable HTTP): toolgate finds the
// revision with server/discover and speaks it per request, with the client's envelope, and the
// client keeps its session era. Tools, resources, prompts, progress and cancellation pass as they
// would directly; the server's input-required results reach the client as elicitation, sampling and
// roots requests, and its answers go back in the retry with the server's request state. A
// 2026-07-28 client (the v2 SDK's) gets the same upstream's input requests as input-required results.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { eventually, gatewayFrom, httpClient, node, root, text } from './helpers.js';

const server = join(root, 'test/conformance/reference-server-v2.mjs');
let upstream: ChildProcess;
let gateway: Gateway;
let client: Client;
const asked: string[] = [];

beforeAll(async () => {
  upstream = spawn(node, [server], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  gateway = await gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  v2: { url: "http://localhost:${port}/mcp" }
`);
  client = await httpClient(gateway.http!.url, { capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} } });
  client.setRequestHandler(ElicitRequestSchema, ({ params }) => {
    asked.push(params.message);
    const content = /color/.test(params.message)
      ? { color: 'blue' }
      : /confirm/i.test(params.message)
        ? { ok: true }
        : /context/.test(params.message)
          ? { context: 'the docs' }
          : { name: 'Ada' };
    return { action: 'accept', content };
  });
  client.setRequestHandler(CreateMessageRequestSchema, () => ({ role: 'assistant', content: { type: 'text', text: 'Paris' }, model: 'test-model' }));
  client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));
});

afterAll(async () => {
  await client?.close();
  await gateway?.close();
  upstream?.kill();
});

test('the upstream is spoken to in 2026-07-28, and sees its own tool name in the body and the Mcp-Name header', async () => {
  const headers = JSON.parse(text(await client.callTool({ name: 'v2__test_request_headers', arguments: {} })));
  expect(headers).toEqual({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'test_request_headers' });
});

test('tools are listed under the prefix and called', async () => {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toContain('v2__test_simple_text');
  expect(text(await client.callTool({ name: 'v2__test_simple_text', arguments: {} }))).toBe('This is a simple text response for testing.');
});

test('results come without the caching hints of the revision, which a 2025-11-25 client has no use for', async () => {
  const listed: Record<string, unknown> = await client.request({ method: 'tools/list', params: {} }, ResultSchema);
  expect(listed).not.toHaveProperty('ttlMs');
  expect(listed).not.toHaveProperty('cacheScope');
  expect(listed).not.toHaveProperty('resultType');
});

test('resources are listed and read', async () => {
  const { resources } = await client.listResources();
  expect(resources.map((r) => r.uri)).toContain('test://static-text');
  const read = await client.readResource({ uri: 'test://static-text' });
  expect(read.contents[0]).toMatchObject({ uri: 'test://static-text', text: 'This is the content of the static text resource.' });
});

test('prompts are listed and got, with their arguments', async () => {
  const { prompts } = await client.listPrompts();
  expect(prompts.map((p) => p.name)).toContain('v2__test_prompt_with_arguments');
  const got = await client.getPrompt({ name: 'v2__test_prompt_with_arguments', arguments: { arg1: 'a', arg2: 'b' } });
  expect(got.messages[0]!.content).toEqual({ type: 'text', text: "Prompt with arguments: arg1='a', arg2='b'" });
});

test("progress reaches the client on the client's own token", async () => {
  const progress: number[] = [];
  const result = await client.callTool({ name: 'v2__test_tool_with_progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p.progress) });
  expect(progress).toEqual([0, 50, 100]);
  expect(text(result)).toMatch(/^Progress reported for token /);
});

test('a call the client cancels is cancelled upstream (its request stream closed)', async () => {
  const before = Number(text(await client.callTool({ name: 'v2__test_cancellations', arguments: {} })));
  const controller = new AbortController();
  const call = client.callTool({ name: 'v2__test_slow', arguments: { ms: 10_000 } }, undefined, { signal: controller.signal });
  setTimeout(() => controller.abort('changed my mind'), 300);
  await expect(call).rejects.toThrow();
  await eventually(async () => Number(text(await client.callTool({ name: 'v2__test_cancellations', arguments: {} }))) === before + 1);
});

test('an input-required elicitation reaches the client as elicitation/create, and its answer goes back in the retry', async () => {
  expect(text(await client.callTool({ name: 'v2__test_input_required_result_elicitation', arguments: {} }))).toBe('Hello, Ada!');
  expect(asked).toContain('What is your name?');
});

test('an input-required sampling reaches the client as sampling/createMessage', async () => {
  expect(text(await client.callTool({ name: 'v2__test_input_required_result_sampling', arguments: {} }))).toBe('Sampling result: Paris');
});

test('an input-required roots/list reaches the client as roots/list', async () => {
  expect(text(await client.callTool({ name: 'v2__test_input_required_result_list_roots', arguments: {} }))).toBe('Found 1 root(s)');
});

test("several rounds of input, each retry carrying the server's integrity-protected request state as it was sent", async () => {
  expect(text(await client.callTool({ name: 'v2__test_input_required_result_multi_round', arguments: {} }))).toBe(
    'Multi-round complete for Ada who likes blue',
  );
  expect(text(await client.callTool({ name: 'v2__test_input_required_result_multiple_inputs', arguments: {} }))).toBe('Name: Ada; Greeting: Paris; Roots: 1');
});

test('a prompt that needs input gets it the same way', async () => {
  const got = await client.getPrompt({ name: 'v2__test_input_required_result_prompt', arguments: {} });
  expect(got.messages[0]!.content).toEqual({ type: 'text', text: 'Prompt with context: the docs' });
});

test('a client that did not declare sampling is not asked: the upstream refuses with its own error', async () => {
  const plain = await httpClient(gateway.http!.url);
  try {
    const result = await plain.callTool({ name: 'v2__test_missing_capability', arguments: {} }).catch((err: Error) => err);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/-32021|capabilit/i);
  } finally {
    await plain.close();
  }
});

test('a 2026-07-28 client (the v2 SDK) through toolgate to the 2026-07-28 upstream: calls, and input asked under the upstream’s own key', async () => {
  const modern = new ModernClient(
    { name: 'modern-client', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } }, capabilities: { elicitation: { form: {} } } },
  );
  const keys: string[] = [];
  modern.setRequestHandler('elicitation/create', (request) => {
    keys.push(request.params.message);
    return { action: 'accept', content: { name: 'Grace' } };
  });
  await modern.connect(new ModernTransport(new URL(gateway.http!.url)));
  try {
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const simple = await modern.callTool({ name: 'v2__test_simple_text', arguments: {} });
    expect(simple.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    const asked = await modern.callTool({ name: 'v2__test_input_required_result_elicitation', arguments: {} });
    expect(asked.content).toEqual([{ type: 'text', text: 'Hello, Grace!' }]);
    expect(keys).toEqual(['What is your name?']);
  } finally {
    await modern.close();
  }
});
