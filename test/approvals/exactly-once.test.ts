import { describe, expect, it } from 'vitest';
import { alice, callRequest, holdDecision, setup } from './fixtures.js';

describe('identical retries and exactly-once execution', () => {
  it('re-attaches an identical retry to the open approval, and opens a new one for other arguments', async () => {
    const { approvals } = await setup();
    const first = await approvals.openOrAttach(callRequest({ sql: 'DROP TABLE t' }), holdDecision());
    const retry = await approvals.openOrAttach(callRequest({ sql: 'DROP TABLE t' }), holdDecision());
    expect(retry).toMatchObject({ attached: true, approval: { id: first.approval.id } });
    const other = await approvals.openOrAttach(callRequest({ sql: 'DROP TABLE u' }), holdDecision());
    expect(other.attached).toBe(false);
    const otherPrincipal = await approvals.openOrAttach(callRequest({ sql: 'DROP TABLE t' }, 'agent:other'), holdDecision());
    expect(otherPrincipal.attached).toBe(false);
  });

  it('opens one approval for 20 concurrent identical calls', async () => {
    const { approvals } = await setup();
    const results = await Promise.all(Array.from({ length: 20 }, () => approvals.openOrAttach(callRequest(), holdDecision())));
    expect(new Set(results.map((r) => r.approval.id)).size).toBe(1);
    expect(results.filter((r) => !r.attached)).toHaveLength(1);
  });

  it('grants exactly one execution to 20 concurrent identical retries of an approved call', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await approvals.decide(approval.id, alice, 'approve');
    const retries = await Promise.all(Array.from({ length: 20 }, () => approvals.openOrAttach(callRequest(), holdDecision())));
    expect(retries.every((r) => r.attached && r.approval.id === approval.id)).toBe(true);
    const claims = await Promise.all(retries.map((r) => approvals.claimExecution(r.approval.id)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await approvals.get(approval.id)).status).toBe('executed');
    // Once executed, the same call is a new call: it is held again.
    expect((await approvals.openOrAttach(callRequest(), holdDecision())).attached).toBe(false);
  });

  it('never executes a call that is pending or rejected', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    expect(await approvals.claimExecution(approval.id)).toBe(false);
    await approvals.decide(approval.id, alice, 'reject');
    expect(await approvals.claimExecution(approval.id)).toBe(false);
  });
});
