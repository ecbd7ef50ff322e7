import { describe, expect, it } from 'vitest';
import type { ApprovalChange } from '../../src/approvals/index.js';
import { alice, callRequest, holdDecision, setup } from './fixtures.js';
import { lowdbStore } from '../fixtures/stores.js';

describe('durability and receipts', () => {
  it('keeps a pending approval across a restart: a reviewer decides and the retry executes once', async () => {
    const first = await setup();
    const { approval } = await first.approvals.openOrAttach(callRequest(), holdDecision());
    await first.store.close();

    const store = await lowdbStore(first.path);
    const { approvals } = await setup({ store });
    expect((await approvals.list('pending')).map((a) => a.id)).toEqual([approval.id]);
    await approvals.decide(approval.id, alice, 'approve');
    const retry = await approvals.openOrAttach(callRequest(), holdDecision());
    expect(retry).toMatchObject({ attached: true, approval: { id: approval.id, status: 'approved' } });
    expect(await approvals.claimExecution(approval.id)).toBe(true);
    expect(await approvals.claimExecution(approval.id)).toBe(false);
  });

  it('records the receipt before the state: the hold leaf is kept and approve follows it', async () => {
    const recorded: ApprovalChange[] = [];
    const { approvals } = await setup({
      record: async (change) => {
        recorded.push(change);
        return change.kind === 'hold' ? { leafHash: 'a'.repeat(64) } : undefined;
      },
    });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    expect(approval.hold_leaf).toBe('a'.repeat(64));
    await approvals.decide(approval.id, alice, 'approve', 'ok');
    await approvals.claimExecution(approval.id);
    expect(recorded.map((c) => c.kind)).toEqual(['hold', 'approve']);
    expect(recorded[1]).toMatchObject({ vote: { reviewer: 'user:alice', note: 'ok' }, approval: { status: 'approved', hold_leaf: 'a'.repeat(64) } });
  });

  it('changes nothing when the receipt cannot be recorded', async () => {
    let failing = false;
    const { approvals } = await setup({
      record: async () => {
        if (failing) throw new Error('ledger disk full');
        return undefined;
      },
    });
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    failing = true;
    await expect(approvals.decide(approval.id, alice, 'approve')).rejects.toMatchObject({ code: 'record_failed', message: /ledger disk full/ });
    expect((await approvals.get(approval.id)).status).toBe('pending');
    await expect(approvals.openOrAttach(callRequest({ new: 1 }), holdDecision())).rejects.toMatchObject({ code: 'record_failed' });
    expect(await approvals.list()).toHaveLength(1);
  });
});
