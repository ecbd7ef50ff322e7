// A 2026-07-28 client in front of a 2025-11-25 upstream (the v1-SDK reference server over HTTP, one
// shared upstream session): what the upstream does during a call the 2025-11-25 way reaches the
// client the 2026-07-28 way. A request for a capability the client did not declare ends the call
// with MissingRequiredClientCapability (-32021, HTTP 400) naming it, while a declared one becomes an
// input-required result; the upstream's log messages reach the request's SSE stream only when its
// `_meta` names a log level, and only at that level or above (the revision has no logging/setLevel),
// found by the upstream's stream they came on, whatever else is in flight.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { envelope, statelessFetch } from '../e2e/harness.js';
import { gatewayFrom, node, root } from './helpers.js';

let upstream: ChildProcess;
let gateway: Gateway;

beforeAll(async () => {
  upstream = spawn(node, [join(root, 'test/conformance/reference-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  gateway = await gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  ref: { url: "http://localhost:${port}/mcp" }
`);
});

afterAll(async () => {
  await gateway?.close();
  upstream?.kill();
});

const LOG_LEVEL = 'io.modelcontextprotocol/logLevel';

/** A tools/call of the revision (`params` added); its answer's status and messages in order (one for a JSON body, each SSE event for a stream). */
async function call(name: string, meta: Record<string, unknown>, params: Record<string, unknown> = {}) {
  const res = await statelessFetch(gateway.http!.url, 'tools/call', { name, arguments: {}, ...params }, { meta });
  const body = await res.text();
  const messages = res.headers.get('content-type')?.startsWith('text/event-stream')
    ? body
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)))
    : [JSON.parse(body)];
  return { status: res.status, messages };
}

test('an upstream’s request for a capability the client did not declare ends the call with -32021 naming it, HTTP 400', async () => {
  const { status, messages } = await call('ref__test_missing_capability', envelope({}));
  expect(status).toBe(400);
  expect(messages).toEqual([
    { jsonrpc: '2.0', id: 1, error: { code: -32021, message: expect.stringContaining('sampling'), data: { requiredCapabilities: { sampling: {} } } } },
  ]);
});

test('the same request, the capability declared, comes as an input-required result, and the retry completes it', async () => {
  const { status, messages } = await call('ref__test_missing_capability', envelope({ sampling: {} }));
  expect(status).toBe(200);
  const { result } = messages[0];
  expect(result).toMatchObject({ resultType: 'input_required', inputRequests: { capital_question: { method: 'sampling/createMessage' } } });
  const inputResponses = { capital_question: { role: 'assistant', content: { type: 'text', text: 'Hi' }, model: 'test-model' } };
  const retry = await call('ref__test_missing_capability', envelope({ sampling: {} }), { requestState: result.requestState, inputResponses });
  expect(retry.messages[0].result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Sampling said: Hi' }] });
});

test('log messages reach the request’s stream at the level its _meta names, before the result', async () => {
  const { messages } = await call('ref__test_tool_with_logging', { ...envelope(), [LOG_LEVEL]: 'info' });
  expect(messages.map((m) => m.params?.data ?? `response ${m.id}`)).toEqual([
    'Tool execution started',
    'Tool processing data',
    'Tool execution completed',
    'response 1',
  ]);
  expect(messages[0]).toMatchObject({ method: 'notifications/message', params: { level: 'info' } });
});

test('log messages reach their own request while another is in flight on the same upstream session (the stream they came on says which)', async () => {
  const slow = call('ref__test_slow', envelope());
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { messages } = await call('ref__test_tool_with_logging', { ...envelope(), [LOG_LEVEL]: 'debug' });
  expect(messages.map((m) => m.method ?? `response ${m.id}`)).toEqual([...Array(3).fill('notifications/message'), 'response 1']);
  expect((await slow).messages.map((m) => m.method ?? `response ${m.id}`)).toEqual(['response 1']);
});

test('no log messages without a level in _meta, nor below the level it names', async () => {
  for (const meta of [envelope(), { ...envelope(), [LOG_LEVEL]: 'warning' }]) {
    const { messages } = await call('ref__test_tool_with_logging', meta);
    expect(messages.map((m) => m.method ?? `response ${m.id}`)).toEqual(['response 1']);
    expect(messages[0].result).toMatchObject({ resultType: 'complete', content: [{ text: 'Tool with logging executed successfully' }] });
  }
});
