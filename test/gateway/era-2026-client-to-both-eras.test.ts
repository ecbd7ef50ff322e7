// A 2026-07-28 client through toolgate to upstreams of both eras: a 2025-11-25 stdio upstream and a
// 2026-07-28 one (the v2-SDK reference server over HTTP). A request is answered on an SSE stream of
// its own when notifications relate to it (the revision's Streamable HTTP, "Receiving Messages"):
// progress reaches the client (the v2 SDK's Client) on its own token, then the result ends the
// stream; a request with nothing to stream, or whose client does not accept SSE, is answered with
// one JSON body. A first request that already carries inputResponses (SEP-2322) passes them on.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { envelope } from '../e2e/harness.js';
import { fixture, gatewayFrom, node, root, stdioUpstream, text } from './helpers.js';

let upstream: ChildProcess;
let gateway: Gateway;
let client: ModernClient;

beforeAll(async () => {
  upstream = spawn(node, [join(root, 'test/conformance/reference-server-v2.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => upstream.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  gateway = await gatewayFrom(`
listen: { http: { port: 0 } }
upstreams:
  fx: ${stdioUpstream(fixture)}
  v2: { url: "http://localhost:${port}/mcp" }
`);
  client = new ModernClient({ name: 'modern-client', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new ModernTransport(new URL(gateway.http!.url)));
});

afterAll(async () => {
  await client?.close();
  await gateway?.close();
  upstream?.kill();
});

test('progress from a 2025-11-25 upstream reaches a 2026-07-28 client on its request’s stream, before the result', async () => {
  const progress: number[] = [];
  const result = await client.callTool({ name: 'fx__slow', arguments: { steps: 3 } }, { onprogress: (p) => progress.push(p.progress) });
  expect(progress).toEqual([1, 2, 3]);
  expect(text(result)).toBe('done after 3');
});

test('progress from a 2026-07-28 upstream reaches a 2026-07-28 client on its request’s stream, before the result', async () => {
  const progress: number[] = [];
  const result = await client.callTool({ name: 'v2__test_tool_with_progress', arguments: {} }, { onprogress: (p) => progress.push(p.progress) });
  expect(progress).toEqual([0, 50, 100]);
  expect(text(result)).toMatch(/^Progress reported for token /);
});

const BOTH = 'application/json, text/event-stream';

/** One raw request of the revision (id 7), with the headers it requires, accepting what `accept` names; `params._meta` adds to the envelope. */
function rawPost(method: string, params: Record<string, unknown>, accept = BOTH, capabilities: Record<string, unknown> = {}): Promise<Response> {
  const name: Record<string, string> = typeof params.name === 'string' ? { 'mcp-name': params.name } : {};
  return fetch(gateway.http!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...name },
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method, params: { ...params, _meta: { ...envelope(capabilities), ...(params._meta as object) } } }),
  });
}

const slowCall = (accept: string) => rawPost('tools/call', { name: 'fx__slow', arguments: { steps: 2 }, _meta: { progressToken: 'p-1' } }, accept);

test('on the wire: each progress an SSE event under the client’s token, the response last, then the stream ends', async () => {
  const res = await slowCall(BOTH);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(res.headers.get('x-accel-buffering')).toBe('no');
  const events = (await res.text())
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)));
  expect(events.map((e) => e.method ?? `response ${e.id}`)).toEqual(['notifications/progress', 'notifications/progress', 'response 7']);
  expect(events.slice(0, 2).map((e) => [e.params.progressToken, e.params.progress])).toEqual([
    ['p-1', 1],
    ['p-1', 2],
  ]);
  expect(events[2].result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'done after 2' }] });
});

test('a client that accepts JSON alone gets one JSON body, the progress left out', async () => {
  const res = await slowCall('application/json');
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(await res.json()).toMatchObject({ id: 7, result: { resultType: 'complete', content: [{ type: 'text', text: 'done after 2' }] } });
});

test('a request that nothing relates to is answered with one JSON body', async () => {
  const res = await rawPost('tools/list', {});
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect((await res.json()).result.tools.length).toBeGreaterThan(0);
});

test('a first request that already carries inputResponses passes them on to the upstream, which uses them', async () => {
  const inputResponses = { user_name: { action: 'accept', content: { name: 'Alice' } }, unknown_extra_key: { action: 'decline' } };
  const res = await rawPost('tools/call', { name: 'v2__test_input_required_result_elicitation', arguments: {}, inputResponses }, BOTH, {
    elicitation: { form: {} },
  });
  expect(await res.json()).toMatchObject({ id: 7, result: { resultType: 'complete', content: [{ type: 'text', text: 'Hello, Alice!' }] } });
});
