// The truth about outcomes, with a real upstream over stdio that keeps a trace of what it ran: a
// call sent upstream and never answered (timeout, dropped connection, cancelled) may have run, so
// its receipt is `unknown` and the client is told so; `fail` is only for an upstream that answered
// with an error.
import { afterEach, describe, expect, it } from 'vitest';
import { outcomesUpstream, type RealUpstream } from './real-upstream.js';
import { gateRig, receiptOf, textOf, type Rig } from './rig.js';

const RULES = `  - { id: calls, effect: allow, match: { server: db, tool: [slow, drop, refuse, quick] } }\n`;
let rig: Rig;
let up: RealUpstream;
afterEach(async () => {
  await rig?.close();
  await up?.close();
});

const call = (tool: string, args: Record<string, unknown> = {}, signal?: AbortSignal) =>
  rig.call(tool, args, { dispatch: up.dispatch(tool), ...(signal ? { signal } : {}) });

describe('a call sent upstream and never answered', () => {
  it('past the upstream timeout is unknown, the client is told it may have run, and it did run', async () => {
    rig = await gateRig(RULES);
    up = await outcomesUpstream('2s');
    const answer = await call('slow', { ms: 6000 });
    expect(answer.isError).toBe(true);
    expect(receiptOf(answer).event).toBe('unknown');
    expect(textOf(answer)).toMatch(/may have run/);
    expect(textOf(answer)).not.toMatch(/err_|stderr/);
    expect(await rig.events()).toEqual(['permit', 'unknown']);
    expect(up.trace()).toContainEqual(expect.objectContaining({ event: 'ran', tool: 'slow' }));
  });

  it('whose connection drops mid-call is unknown, and it did run', async () => {
    rig = await gateRig(RULES);
    up = await outcomesUpstream();
    const answer = await call('drop');
    expect(receiptOf(answer).event).toBe('unknown');
    expect(textOf(answer)).toMatch(/may have run/);
    expect(up.trace()).toContainEqual(expect.objectContaining({ event: 'ran', tool: 'drop' }));
  });

  it('that the client cancels is unknown, and the upstream is told to cancel it', async () => {
    rig = await gateRig(RULES);
    up = await outcomesUpstream();
    const answer = await call('slow', { ms: 5000 }, AbortSignal.timeout(300));
    expect(receiptOf(answer).event).toBe('unknown');
    const cancel = await up.traced((t) => t.event === 'received');
    expect(cancel).toMatchObject({ message: { method: 'notifications/cancelled', params: { requestId: expect.any(Number) } } });
  });
});

describe('a call the upstream answered', () => {
  it('with a JSON-RPC error is a fail, with the hash and code of the error it answered, which the client gets as it was', async () => {
    rig = await gateRig(RULES);
    up = await outcomesUpstream();
    const answered = await call('refuse').catch((err: unknown) => err as { code: number; message: string; data: Record<string, unknown> });
    expect(answered).toMatchObject({ code: -32602, message: expect.stringContaining('the upstream refuses this call') });
    const [, fail] = await rig.bodies();
    expect(fail).toMatchObject({ event: 'fail', result: { is_error: true, error_code: -32602, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('with a result is complete', async () => {
    rig = await gateRig(RULES);
    up = await outcomesUpstream();
    const answer = await call('quick');
    expect(textOf(answer)).toBe('quick done');
    expect(receiptOf(answer).event).toBe('complete');
  });
});
