// HOLD through the gate with a real approvals service: the request waits, a reviewer decides, and
// the call runs once, only if the policy in force at release still lets it.
import { afterEach, describe, expect, it } from 'vitest';
import { gateRig, heldApproval, receiptOf, reviewer, textOf, type Rig } from './rig.js';

const HELD = `  - id: writes-held
    effect: require_approval
    match: { server: db, tool: write }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 10m, wait: 5s }
`;
let rig: Rig;
afterEach(() => rig?.close());

describe('a held call', () => {
  it('waits for a reviewer, then runs once with the approval in its receipts', async () => {
    rig = await gateRig(HELD);
    const answering = rig.call('write', { row: 1 });
    const { id } = await heldApproval(rig.approvals);
    await rig.approvals.decide(id, reviewer('alice'), 'approve');
    const answer = await answering;
    expect(textOf(answer)).toBe('{"row":1}');
    expect(receiptOf(answer)).toMatchObject({ event: 'complete', approval: { id } });
    expect(await rig.events()).toEqual(['hold', 'vote', 'approve', 'permit', 'complete']);
  });

  it('a rejected call is answered with the reject receipt and does not run', async () => {
    rig = await gateRig(HELD);
    const answering = rig.call('write', { row: 2 });
    const { id } = await heldApproval(rig.approvals);
    await rig.approvals.decide(id, reviewer('bob'), 'reject', 'not today');
    const answer = await answering;
    expect(textOf(answer)).toMatch(/rejected by user:bob: "not today"/);
    expect(receiptOf(answer).event).toBe('reject');
    expect(rig.upstream.calls).toEqual([]);
  });

  it('answers "awaiting approval" with the hold receipt when the wait ends', async () => {
    rig = await gateRig(HELD.replace('wait: 5s', 'wait: 100ms'));
    const answer = await rig.call('write', { row: 3 });
    expect(textOf(answer)).toMatch(/awaiting human approval apr_/);
    expect(receiptOf(answer).event).toBe('hold');
    expect(answer._meta?.['dev.toolgate/approval']).toMatchObject({ status: 'pending' });
  });

  it('approved, but the policy changed meanwhile to deny it: refused with a deny receipt, not run', async () => {
    rig = await gateRig(HELD);
    const answering = rig.call('write', { row: 4 });
    const { id } = await heldApproval(rig.approvals);
    rig.reload(`  - { id: writes-frozen, effect: deny, match: { server: db, tool: write }, reason: writes are frozen }\n`);
    await rig.approvals.decide(id, reviewer('alice'), 'approve');
    const answer = await answering;
    expect(textOf(answer)).toBe('toolgate: call denied (rule writes-frozen): writes are frozen');
    expect(receiptOf(answer).event).toBe('deny');
    expect(await rig.events()).toEqual(['hold', 'vote', 'approve', 'void', 'deny']);
    expect(await rig.approvals.get(id)).toMatchObject({ status: 'voided', void_reason: 'the policy in force now decides deny for this call, not a hold' });
    expect(rig.upstream.calls).toEqual([]);
  });

  it('a hot reload that changes the approval requirement voids the approval: the retry is held afresh under the new rule', async () => {
    rig = await gateRig(HELD.replace('wait: 5s', 'wait: 100ms'));
    expect(receiptOf(await rig.call('write', { row: 6 })).event).toBe('hold');
    const { id } = await heldApproval(rig.approvals);
    await rig.approvals.decide(id, reviewer('alice'), 'approve');
    rig.reload(HELD.replace('["group:dba"], quorum: 1', '["group:security"], quorum: 2'));
    const retry = await rig.call('write', { row: 6 });
    expect(textOf(retry)).toMatch(/awaiting human approval/);
    expect(await rig.events()).toEqual(['hold', 'vote', 'approve', 'void', 'hold']);
    expect((await rig.approvals.get(id)).void_reason).toMatch(/approval requirement of rule writes-held changed .*now 2 of group:security/);
    expect(await rig.approvals.list('pending')).toMatchObject([{ requirement: [{ approvers: ['group:security'], quorum: 2 }] }]);
    expect(rig.upstream.calls).toEqual([]);
  });

  it('a reload that keeps the rule and its requirement keeps the approval: the retry runs once', async () => {
    rig = await gateRig(HELD.replace('wait: 5s', 'wait: 100ms'));
    await rig.call('write', { row: 7 });
    const { id } = await heldApproval(rig.approvals);
    await rig.approvals.decide(id, reviewer('alice'), 'approve');
    rig.reload(`${HELD.replace('wait: 5s', 'wait: 100ms')}  - { id: unrelated, effect: allow, match: { server: db, tool: query } }\n`);
    expect(textOf(await rig.call('write', { row: 7 }))).toBe('{"row":7}');
    expect(rig.upstream.calls).toHaveLength(1);
  });

  it('without an approvals service a hold is refused', async () => {
    rig = await gateRig(HELD, { approvals: undefined });
    const answer = await rig.call('write', { row: 5 });
    expect(textOf(answer)).toMatch(/approvals are not configured/);
    expect(receiptOf(answer).event).toBe('deny');
  });
});
