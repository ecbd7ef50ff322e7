// A Streamable HTTP session at 2025-11-25 driven by hand (fetch), and an SSE reader that keeps each
// event's id and retry field: the SDK's client resumes streams by itself and hides both, and these
// are what the tests of resumption and polling are about.

export interface SseEvent {
  id?: string;
  retry?: number;
  data: string;
}

/** Reads SSE events off a fetch body until `stop` says so (then drops the connection) or the stream ends. */
export async function readEvents(res: Response, stop: (events: SseEvent[]) => boolean = () => false): Promise<SseEvent[]> {
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

/** An initialized session at 2025-11-25 on `url`; `post` and `get` send its headers. */
export async function sseSession(url: string, accept: string) {
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
