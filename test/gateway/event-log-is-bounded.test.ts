// The per-session event log behind SSE resumption stays within its documented bounds
// (docs/gateway.md, Listeners): data only for what a client may still miss, the oldest events
// evicted past MAX_BYTES, and a resume that would miss an evicted event refused rather than gapped.
import { expect, test } from 'vitest';
import { EventLog, MAX_BYTES, MAX_STREAMS } from '../../src/gateway/event-log.js';

/** A message as the transport serialised it for the stream. */
const message = (text: string) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: text } });

test('a stream whose client was connected when it ended keeps no data, but is still known', () => {
  const log = new EventLog();
  const stream = log.open();
  const priming = log.append(stream);
  log.append(stream, message('x'.repeat(1000)));
  log.end(stream, true);
  expect(log.after(priming)).toEqual({ stream, events: [], ended: true });
});

test('a stream whose client was gone when it ended keeps its events for the client to come back', () => {
  const log = new EventLog();
  const stream = log.open();
  const priming = log.append(stream);
  const id = log.append(stream, message('missed'));
  log.end(stream, false);
  expect(log.after(priming)?.events).toEqual([{ id, data: message('missed') }]);
});

test('past MAX_BYTES the oldest events go, and a resume from before them is refused, not gapped', () => {
  const log = new EventLog();
  const old = log.open();
  const oldPriming = log.append(old);
  const chunk = message('y'.repeat(64 * 1024));
  for (let i = 0; i < MAX_BYTES / (64 * 1024) + 2; i++) log.append(old, chunk);
  expect(log.after(oldPriming)).toBeUndefined();
  const fresh = log.open();
  const freshPriming = log.append(fresh);
  log.append(fresh, message('recent'));
  expect(log.after(freshPriming)?.events).toHaveLength(1);
});

test('at most MAX_STREAMS ended streams are remembered; ids from a client are parsed, never trusted', () => {
  const log = new EventLog();
  const first = log.open();
  const firstPriming = log.append(first);
  log.end(first, true);
  for (let i = 0; i < MAX_STREAMS + 1; i++) log.end(log.open(), true);
  expect(log.after(firstPriming)).toBeUndefined();
  for (const bad of ['', 'x', '1-', '-1', '1-2-3', '1-99999999999999999999', '__proto__']) expect(log.after(bad)).toBeUndefined();
});
