// An HTTP upstream may close a call's SSE stream before it answers, so that its client polls
// (MCP 2025-11-25, SEP-1699): the gateway's connection resumes that upstream stream by itself, and
// mirrors the close to a client whose stream can be resumed: its stream ends after a retry field,
// and its resume with Last-Event-ID gets the answer. Clients that cannot resume (JSON-only, stdio)
// get the answer where they asked. The upstream is the conformance reference server, whose
// test_reconnection tool closes its stream mid-call (retry 100 ms).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Gateway } from '../../src/gateway/index.js';
import { gatewayFrom, httpClient, node, root, text } from './helpers.js';
import { rawStdioGateway } from './raw-clients.js';
import { readEvents, sseSession } from './sse-session.js';

const ANSWER = 'Reconnection test completed: the answer came after the stream closed.';
const reconnection = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'test_reconnection', arguments: {} } });

let reference: ChildProcess;
let upstreamYaml: string;
let gateway: Gateway;

beforeAll(async () => {
  reference = spawn(node, [join(root, 'test/conformance/reference-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => reference.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  upstreamYaml = `{ url: "http://localhost:${port}/mcp", prefix: "" }`;
  gateway = await gatewayFrom(`listen: { http: { port: 0 } }\nupstreams:\n  reference: ${upstreamYaml}\n`);
}, 30_000);

afterAll(async () => {
  await gateway?.close();
  reference?.kill();
});

test("the upstream's close ends the client's stream after a retry field; the resume gets the answer", async () => {
  const s = await sseSession(gateway.http!.url, 'application/json, text/event-stream');
  const first = await readEvents(await s.post(reconnection(1)));
  expect(first.some((e) => e.data.includes(ANSWER))).toBe(false);
  // The upstream's retry hint (100 ms), not the gateway's own (1 s), after the priming event.
  expect(first.at(-1)).toMatchObject({ retry: 100 });
  const lastId = first.findLast((e) => e.id !== undefined)!.id!;
  const resumed = await s.get(lastId);
  expect(resumed.status).toBe(200);
  const rest = (await readEvents(resumed)).filter((e) => e.data !== '').map((e) => JSON.parse(e.data));
  expect(rest.at(-1)).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: ANSWER }] } });
});

test('an SDK client resumes by itself and gets the answer', async () => {
  const client = await httpClient(gateway.http!.url);
  expect(text(await client.callTool({ name: 'test_reconnection', arguments: {} }))).toBe(ANSWER);
  await client.close();
});

test('a JSON-only client gets the answer as JSON on its POST', async () => {
  const s = await sseSession(gateway.http!.url, 'application/json');
  const res = await s.post(reconnection(2));
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: ANSWER }] } });
});

test('a stdio client gets the answer', async () => {
  const stdio = await rawStdioGateway(`  reference: ${upstreamYaml}\n`);
  try {
    stdio.send(reconnection(3));
    expect(await stdio.answerTo(3)).toMatchObject({ result: { content: [{ type: 'text', text: ANSWER }] } });
  } finally {
    await stdio.close();
  }
});
