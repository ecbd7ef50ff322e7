// Streamable HTTP answers as MCP 2025-11-25 describes them: a client that accepts SSE gets a stream
// with a priming event (id, retry) and ids on every event, and can come back with GET and
// Last-Event-ID after its connection dropped to get what it missed; a JSON-only client gets JSON.
import { expect, test } from 'vitest';
import { fixture, sharedGateway, stdioUpstream } from './helpers.js';

const shared = sharedGateway({ fx: stdioUpstream(fixture) });

interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

/** Reads SSE events off a fetch body until `stop` says so (then drops the connection) or the stream ends. */
async function readEvents(res: Response, stop: (events: SseEvent[]) => boolean = () => false): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return events;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const event: SseEvent = { data: '' };
      for (const line of buffer.slice(0, end).split('\n')) {
        const [field, ...rest] = line.split(': ');
        const text = rest.join(': ');
        if (field === 'id') event.id = text;
        else if (field === 'retry') event.retry = Number(text);
        else if (field === 'data') event.data = text;
      }
      events.push(event);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      if (stop(events)) {
        await reader.cancel();
        return events;
      }
    }
  }
}

/** An initialized session at 2025-11-25; `post` and `get` send its headers. */
async function session(accept: string) {
  const url = shared.gateway.http!.url;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  const init = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
    }),
  });
  await init.body?.cancel();
  Object.assign(headers, { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-11-25' });
  await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) });
  return {
    post: (message: unknown) => fetch(url, { method: 'POST', headers, body: JSON.stringify(message) }),
    get: (lastEventId?: string) =>
      fetch(url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) } }),
  };
}

const slowCall = (id: number, steps: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'fx__slow', arguments: { steps }, _meta: { progressToken: `p${id}` } },
});

test('a client that accepts SSE gets a priming event with a retry interval, then every event with an id', async () => {
  const s = await session('application/json, text/event-stream');
  const res = await s.post({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events = await readEvents(res);
  expect(events[0]).toMatchObject({ data: '', retry: 1000 });
  expect(events[0]!.id).toMatch(/^\d+-\d+$/);
  expect(events.at(-1)!.id).toMatch(/^\d+-\d+$/);
  expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ id: 1, result: { tools: expect.any(Array) } });
});

test('a client that reconnects with Last-Event-ID gets the events it missed, then the rest, on the stream of its call', async () => {
  const s = await session('application/json, text/event-stream');
  // Drop the connection after the first progress notification.
  const first = await readEvents(await s.post(slowCall(2, 6)), (events) => events.some((e) => e.data.includes('notifications/progress')));
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
