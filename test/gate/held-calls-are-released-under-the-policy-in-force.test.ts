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
    expect(await rig.events()).toEqual(['hold', 'approve', 'permit', 'complete']);
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
    expect(textOf(answer)).toMatch(/policy changed since and now refuses this call: writes are frozen/);
    expect(receiptOf(answer)).toMatchObject({ event: 'deny', approval: { id } });
    expect(rig.upstream.calls).toEqual([]);
  });

  it('without an approvals service a hold is refused', async () => {
    rig = await gateRig(HELD, { approvals: undefined });
    const answer = await rig.call('write', { row: 5 });
    expect(textOf(answer)).toMatch(/approvals are not configured/);
    expect(receiptOf(answer).event).toBe('deny');
  });
});
