// Server-sent events read with fetch streaming, because EventSource cannot send an Authorization
// header (and the token must not go into the URL). Reconnects with backoff until stopped.
import { authHeaders } from './api.js';

export interface ServerEvent {
  event: string;
  data: string;
}

export type LinkState = 'live' | 'reconnecting';

/** Splits an event stream into events; returns the unfinished rest of the buffer. */
export function parseEvents(buffer: string, emit: (e: ServerEvent) => void): string {
  const blocks = buffer.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) emit({ event, data: data.join('\n') });
  }
  return rest;
}

export function subscribe(path: string, onEvent: (e: ServerEvent) => void, onState: (s: LinkState) => void): () => void {
  const abort = new AbortController();
  let delay = 500;
  const run = async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(path, {
          headers: { accept: 'text/event-stream', ...authHeaders() },
          signal: abort.signal,
          cache: 'no-store',
          credentials: 'omit',
        });
        if (!res.ok || !res.body) throw new Error(`event stream: ${res.status}`);
        onState('live');
        // Changes made while we were away are picked up by one synthetic event.
        onEvent({ event: 'connected', data: '' });
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer = parseEvents(buffer + value, onEvent);
        }
      } catch {
        if (abort.signal.aborted) return;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => abort.abort();
}
