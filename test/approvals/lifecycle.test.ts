import { describe, expect, it } from 'vitest';
import type { ApprovalChange } from '../../src/approvals/index.js';
import { alice, callRequest, holdDecision, manualClock, setup } from './fixtures.js';

describe('the life of a held call', () => {
  it('wakes a waiting request as soon as a reviewer approves', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const waiting = approvals.wait(approval.id, { waitMs: 30_000 });
    setTimeout(() => void approvals.decide(approval.id, alice, 'approve'), 20);
    expect((await waiting).approval.status).toBe('approved');
  });

  it('answers still-pending when the wait ends, with strictly increasing heartbeats meanwhile', async () => {
    const { approvals } = await setup({ heartbeatMs: 20 });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const beats: number[] = [];
    const result = await approvals.wait(approval.id, { waitMs: 400, onHeartbeat: (n) => void beats.push(n) });
    expect(result.approval.status).toBe('pending');
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats).toEqual(beats.map((_, i) => i + 1));
  });

  it('stops waiting when the request is aborted, and cancel then cancels a pending approval', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const abort = new AbortController();
    const waiting = approvals.wait(approval.id, { waitMs: 30_000, signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    expect((await waiting).approval.status).toBe('pending');
    expect((await approvals.cancel(approval.id)).approval.status).toBe('cancelled');
  });

  it('does not cancel an approval that was already granted', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await approvals.decide(approval.id, alice, 'approve');
    expect((await approvals.cancel(approval.id)).approval.status).toBe('approved');
  });

  it('expires pending approvals past their timeout, waking their waiters', async () => {
    const clock = manualClock();
    const { approvals } = await setup({ clock: clock.now });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ timeoutMs: 60_000 }));
    const fresh = await approvals.openOrAttach(callRequest({ other: true }), holdDecision({ timeoutMs: 120_000 }));
    const waiting = approvals.wait(approval.id, { waitMs: 30_000 });
    clock.advance(61_000);
    expect((await approvals.expireDue()).map((a) => a.id)).toEqual([approval.id]);
    expect((await waiting).approval.status).toBe('expired');
    expect((await approvals.get(fresh.approval.id)).status).toBe('pending');
  });

  it('expires an approved call that was not executed within its validity', async () => {
    const clock = manualClock();
    const { approvals } = await setup({ clock: clock.now });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ timeoutMs: 60_000 }));
    await approvals.decide(approval.id, alice, 'approve');
    clock.advance(60_000);
    expect(await approvals.claimExecution(approval.id)).toBe(false);
    expect((await approvals.expireDue()).map((a) => a.status)).toEqual(['expired']);
  });

  it('publishes every change to subscribers, in order', async () => {
    const { approvals } = await setup();
    const seen: ApprovalChange['kind'][] = [];
    approvals.subscribe((c) => seen.push(c.kind));
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await approvals.decide(approval.id, alice, 'approve');
    await approvals.claimExecution(approval.id);
    expect(seen).toEqual(['hold', 'approve', 'execute']);
  });
});
