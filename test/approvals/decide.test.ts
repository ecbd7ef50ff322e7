import { describe, expect, it } from 'vitest';
import { alice, bob, callRequest, carol, ci, holdDecision, manualClock, setup } from './fixtures.js';

describe('deciding a held call', () => {
  it('approves with one approver of the rule, recording who and why', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const decided = await approvals.decide(approval.id, alice, 'approve', 'checked the WHERE clause');
    expect(decided.status).toBe('approved');
    expect(decided.decisions).toMatchObject([{ reviewer: 'user:alice', verdict: 'approve', note: 'checked the WHERE clause' }]);
    expect(decided.valid_until).not.toBeNull();
    expect((await approvals.get(approval.id)).status).toBe('approved');
  });

  it('rejects on any reject', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ quorum: 2 }));
    await approvals.decide(approval.id, alice, 'approve');
    expect((await approvals.decide(approval.id, bob, 'reject', 'no')).status).toBe('rejected');
  });

  it('needs two distinct approvers for a quorum of two, one vote each', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ quorum: 2 }));
    expect((await approvals.decide(approval.id, alice, 'approve')).status).toBe('pending');
    await expect(approvals.decide(approval.id, alice, 'approve')).rejects.toMatchObject({ code: 'already_voted' });
    expect((await approvals.decide(approval.id, bob, 'approve')).status).toBe('approved');
  });

  it('refuses the principal who made the call, even when it is a reviewer of the right group', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await expect(approvals.decide(approval.id, ci, 'approve')).rejects.toMatchObject({ code: 'self_approval', message: /separation of duties/ });
    const asAlice = await approvals.openOrAttach(callRequest({ sql: 'x' }, 'alice'), holdDecision({ approvers: ['user:alice', 'group:dba'] }));
    await expect(approvals.decide(asAlice.approval.id, alice, 'approve')).rejects.toMatchObject({ code: 'self_approval' });
  });

  it('counts one vote per person however the id is spelt (a decision stored before ids were canonical)', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ quorum: 2 }));
    expect((await approvals.decide(approval.id, { ...alice, id: 'Alice' }, 'approve')).status).toBe('pending');
    await expect(approvals.decide(approval.id, alice, 'approve')).rejects.toMatchObject({ code: 'already_voted' });
    const byBob = await approvals.openOrAttach(callRequest({ sql: 'y' }, 'User:Bob'), holdDecision());
    await expect(approvals.decide(byBob.approval.id, bob, 'approve')).rejects.toMatchObject({ code: 'self_approval' });
    const named = await approvals.openOrAttach(callRequest({ n: 2 }), holdDecision({ approvers: ['Carol'] }));
    expect((await approvals.decide(named.approval.id, carol, 'approve')).status).toBe('approved');
  });

  it('refuses a reviewer outside the approvers, and accepts one named by user', async () => {
    const { approvals } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    await expect(approvals.decide(approval.id, carol, 'approve')).rejects.toMatchObject({ code: 'not_an_approver', message: /group:dba/ });
    const named = await approvals.openOrAttach(callRequest({ n: 1 }), holdDecision({ approvers: ['user:carol'] }));
    expect((await approvals.decide(named.approval.id, carol, 'approve')).status).toBe('approved');
  });

  it('refuses decisions after expiry with a clear message, and after a final decision', async () => {
    const clock = manualClock();
    const { approvals } = await setup({ clock: clock.now });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ timeoutMs: 60_000 }));
    clock.advance(60_000);
    await expect(approvals.decide(approval.id, alice, 'approve')).rejects.toMatchObject({ code: 'expired', message: /expired at .*refused/ });
    const other = await approvals.openOrAttach(callRequest({ b: 2 }), holdDecision());
    await approvals.decide(other.approval.id, alice, 'reject');
    await expect(approvals.decide(other.approval.id, bob, 'approve')).rejects.toMatchObject({ code: 'not_pending' });
  });

  it('answers not_found for an unknown id', async () => {
    const { approvals } = await setup();
    await expect(approvals.decide('apr_000000000000000000000000', alice, 'approve')).rejects.toMatchObject({ code: 'not_found' });
  });
});
