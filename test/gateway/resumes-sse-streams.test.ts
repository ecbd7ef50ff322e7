// Streamable HTTP answers as MCP 2025-11-25 describes them: a client that accepts SSE gets one JSON
// body when the answer is ready first, and a stream otherwise (something related goes out first, or
// the answer takes longer than STREAM_AFTER_MS): a priming event (id, retry) and ids on every event,
// so that it can come back with GET and Last-Event-ID after its connection dropped to get what it
// missed; a JSON-only client gets JSON.
import { expect, test } from 'vitest';
import { STREAM_AFTER_MS } from '../../src/gateway/late-stream.js';
import { fixture, sharedGateway, stdioUpstream } from './helpers.js';
import { readEvents, sseSession } from './sse-session.js';

const shared = sharedGateway({ fx: stdioUpstream(fixture) });

/** An initialized session at 2025-11-25 through the gateway. */
const session = (accept: string) => sseSession(shared.gateway.http!.url, accept);

const slowCall = (id: number, steps: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fx__slow', arguments: { steps }, _meta: { progressToken: `p${id}` } },
});

/** A call that sends nothing before its answer, and answers well after the stream deadline (fx__slow: 50 ms a step). */
const quietSlowCall = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fx__slow', arguments: { steps: Math.ceil((STREAM_AFTER_MS + 500) / 50) } },
});

test('a client that accepts SSE gets a quick answer as one JSON body, without a stream', async () => {
  const s = await session('application/json, text/event-stream');
  const res = await s.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
  const call = await s.post({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'fx__slow', arguments: { steps: 1 } } });
  expect(call.headers.get('content-type')).toBe('application/json');
  expect(await call.json()).toMatchObject({ id: 11, result: { content: [{ type: 'text', text: 'done after 1' }] } });
});

test('an answer not ready by the deadline comes on a stream: a priming event with a retry interval, then every event with an id', async () => {
  const s = await session('application/json, text/event-stream');
  const started = Date.now();
  const res = await s.post(quietSlowCall(12));
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(Date.now() - started).toBeGreaterThanOrEqual(STREAM_AFTER_MS - 50);
  const events = await readEvents(res);
  expect(events[0]).toMatchObject({ data: '', retry: 1000 });
  expect(events[0]!.id).toMatch(/^\d+-\d+$/);
  expect(events.at(-1)!.id).toMatch(/^\d+-\d+$/);
  expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ id: 12, result: { content: [{ type: 'text', text: expect.stringMatching(/^done after/) }] } });
});

test('a client whose stream dropped after the priming event resumes from it with Last-Event-ID and gets the answer', async () => {
  const s = await session('application/json, text/event-stream');
  const [priming] = await readEvents(await s.post(quietSlowCall(13)), (events) => events.length === 1);
  expect(priming).toMatchObject({ data: '', id: expect.stringMatching(/^\d+-\d+$/) });
  const resumed = await s.get(priming!.id);
  expect(resumed.status).toBe(200);
  const rest = (await readEvents(resumed)).map((e) => JSON.parse(e.data));
  expect(rest).toEqual([
    expect.objectContaining({ id: 13, result: expect.objectContaining({ content: [{ type: 'text', text: expect.stringMatching(/^done after/) }] }) }),
  ]);
});

test('concurrent calls that need streams each get their own, each working', async () => {
  const s = await session('application/json, text/event-stream');
  const responses = await Promise.all([21, 22, 23].map((id) => s.post(slowCall(id, 2))));
  expect(responses.map((r) => r.headers.get('content-type'))).toEqual(Array(3).fill('text/event-stream'));
  const answers = await Promise.all(responses.map(async (r) => JSON.parse((await readEvents(r)).at(-1)!.data)));
  expect(answers.map((a) => [a.id, a.result.content[0].text])).toEqual([
    [21, 'done after 2'],
    [22, 'done after 2'],
    [23, 'done after 2'],
  ]);
});

test('a client that reconnects with Last-Event-ID gets the events it missed, then the rest, on the stream of its call', async () => {
  const s = await session('application/json, text/event-stream');
  // Drop the connection after the first progress notification.
  // Progress relates to the call and goes before its answer: the answer becomes a stream at once.
  const res = await s.post(slowCall(2, 6));
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const first = await readEvents(res, (events) => events.some((e) => e.data.includes('notifications/progress')));
  expect(first[0]).toMatchObject({ data: '', retry: 1000 });
  const last = first.at(-1)!;
  expect(JSON.parse(last.data)).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p2', progress: 1 } });
  await new Promise((r) => setTimeout(r, 120)); // progress goes on while nobody listens
  const resumed = await s.get(last.id);
  expect(resumed.status).toBe(200);
  const rest = (await readEvents(resumed)).map((e) => JSON.parse(e.data));
  expect(rest.filter((m) => m.method === 'notifications/progress').map((m) => m.params.progress)).toEqual([2, 3, 4, 5, 6]);
  expect(rest.at(-1)).toMatchObject({ id: 2, result: { content: [{ type: 'text', text: 'done after 6' }] } });
});

test('a resume of a stream the client received whole is told there is nothing more (204), an unknown id is refused', async () => {
  const s = await session('application/json, text/event-stream');
  const events = await readEvents(await s.post(slowCall(3, 1)));
  expect((await s.get(events.at(-1)!.id)).status).toBe(204);
  const unknown = await s.get('999-999999');
  expect(unknown.status).toBe(400);
  expect((await unknown.json()).error.message).toMatch(/not held/);
});

test('the GET stream carries event ids, and a resumed GET stream gets the messages sent while it was away', async () => {
  const s = await session('application/json, text/event-stream');
  const stream = await s.get();
  // A tool registered at runtime makes the upstream send tools/list_changed, which goes on the GET stream.
  const register = (name: string) => s.post({ jsonrpc: '2.0', id: name, method: 'tools/call', params: { name: 'fx__register', arguments: { name } } });
  await (await register('late_one')).text();
  const seen = await readEvents(stream, (events) => events.some((e) => e.data.includes('list_changed')));
  const last = seen.at(-1)!;
  expect(last.id).toMatch(/^0-\d+$/);
  await (await register('late_two')).text();
  await new Promise((r) => setTimeout(r, 200));
  const resumed = await s.get(last.id);
  expect(resumed.status).toBe(200);
  const missed = await readEvents(resumed, (events) => events.some((e) => e.data.includes('list_changed')));
  expect(JSON.parse(missed[0]!.data)).toMatchObject({ method: 'notifications/tools/list_changed' });
  await resumed.body?.cancel().catch(() => {});
});

test('a JSON-only client still gets JSON, without event ids', async () => {
  const s = await session('application/json');
  const res = await s.post(slowCall(4, 2));
  expect(res.headers.get('content-type')).toBe('application/json');
  expect(await res.json()).toMatchObject({ id: 4, result: { content: [{ type: 'text', text: 'done after 2' }] } });
});
