import { describe, expect, it } from 'vitest';
import { alice, callRequest, holdDecision } from '../approvals/fixtures.js';
import { adminServer } from './fixtures.js';

/** Reads server-sent events from a real stream until `count` events (not comments) have arrived. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number) {
  const reader = body.pipeThrough(new TextDecoderStream() as ReadableWritablePair<string, Uint8Array>).getReader();
  let buffer = '';
  const events: Array<{ event: string; data: { kind: string; approval: { id: string; status: string } } }> = [];
  let comments = 0;
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      if (block.split('\n').some((l) => l.startsWith(': heartbeat'))) comments++;
      if (fields.event) events.push({ event: fields.event, data: JSON.parse(fields.data!) });
    }
  }
  await reader.cancel();
  return { events, comments };
}

describe('server-sent events', () => {
  it('streams approval changes to a subscriber', async () => {
    const { api, approvals } = await adminServer();
    const res = await api('/api/events', { token: 'bob-token' });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reading = readEvents(res.body!, 2);
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await new Promise((r) => setTimeout(r, 120)); // let at least one heartbeat comment through
    await approvals.decide(approval.id, alice, 'approve');
    const { events, comments } = await reading;
    expect(events.map((e) => [e.event, e.data.approval.id, e.data.approval.status])).toEqual([
      ['approval.hold', approval.id, 'pending'],
      ['approval.approve', approval.id, 'approved'],
    ]);
    expect(comments).toBeGreaterThanOrEqual(1);
  });
});
