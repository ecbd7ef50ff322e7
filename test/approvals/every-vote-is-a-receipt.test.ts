// Every reviewer decision is evidence: through the gate's recorder into the real ledger, each vote
// writes a `vote` receipt naming the reviewer, their groups at that moment, the verdict, the note and
// the evidence; the vote that meets the requirement is followed by an `approve` receipt listing all
// the votes. Hold, vote and approve receipts carry the requirement in plain form and its hash, so an
// auditor can check offline (here: recomputing the hash by hand) that the approvers were entitled.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Approvals, type Reviewer } from '../../src/approvals/index.js';
import { canonicalJson } from '../../src/core/index.js';
import { approvalRecorder } from '../../src/gate/index.js';
import { readReceipts } from '../../src/ledger/index.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { callRequest, holdDecision, log, setup } from './fixtures.js';

const sam: Reviewer = { id: 'user:sam', groups: ['security-team'], rights: [] };
const pat: Reviewer = { id: 'user:pat', groups: ['platform-lead', 'oncall'], rights: [] };
const requirement = [
  { rule: 'payments.prod', group: 'security-team', quorum: 1 },
  { rule: 'payments.prod', group: 'platform-lead', quorum: 1 },
];

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function recorded() {
  const { ledger, dir } = await openTestLedger();
  closing.push(() => ledger.close());
  const { store } = await setup();
  const approvals = new Approvals({ store, log, record: approvalRecorder(ledger) });
  // biome-ignore lint/suspicious/noExplicitAny: tests read receipt fields by name.
  const receipts = async (): Promise<any[]> => {
    const out = [];
    for await (const { body, leafHash } of readReceipts(`${dir}/ledger`)) out.push({ ...body, leafHash });
    return out;
  };
  return { approvals, receipts };
}

describe('every vote is a receipt', () => {
  it('writes a vote for each decision and an approve listing all votes once the requirement is met', async () => {
    const { approvals, receipts } = await recorded();
    const decision = holdDecision({ requirement, evidence: { note: true, fields: ['ticket'] } });
    const { approval } = await approvals.openOrAttach(callRequest(), decision);
    await approvals.decide(approval.id, sam, 'approve', { note: 'diff reviewed', fields: { ticket: 'CHG-1' } });
    expect((await receipts()).map((r) => r.event)).toEqual(['hold', 'vote']);
    await approvals.decide(approval.id, pat, 'approve', { note: 'in the window', fields: { ticket: 'CHG-1' } });

    const [hold, first, second, approve] = await receipts();
    expect([hold.event, first.event, second.event, approve.event]).toEqual(['hold', 'vote', 'vote', 'approve']);
    expect(first.approval.vote).toEqual({
      reviewer: 'user:sam',
      groups: ['security-team'],
      verdict: 'approve',
      note: 'diff reviewed',
      evidence: { ticket: 'CHG-1' },
      at: expect.any(String),
    });
    expect(second.approval.vote).toMatchObject({ reviewer: 'user:pat', groups: ['platform-lead', 'oncall'], evidence: { ticket: 'CHG-1' } });
    expect(approve.approval.votes).toEqual([first.approval.vote, second.approval.vote]);
    for (const r of [first, second, approve]) expect(r.ref).toBe(hold.leafHash);

    const wantHash = createHash('sha256').update(canonicalJson(requirement)!).digest('hex');
    for (const r of [hold, first, second, approve]) {
      expect(r.approval.requirement).toEqual(requirement);
      expect(r.approval.requirement_sha256).toBe(wantHash);
      expect(r.policy.bundle_sha256).toBe(decision.bundleSha256);
    }
  });

  it('writes a vote, then the reject, for a reject', async () => {
    const { approvals, receipts } = await recorded();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ requirement }));
    await approvals.decide(approval.id, pat, 'reject', 'not during the freeze');
    const [, vote, reject] = await receipts();
    expect([vote.event, reject.event]).toEqual(['vote', 'reject']);
    expect(vote.approval.vote).toMatchObject({ reviewer: 'user:pat', verdict: 'reject', note: 'not during the freeze' });
    expect(reject.approval.votes).toEqual([vote.approval.vote]);
  });

  it('writes nothing for a decision refused for missing evidence', async () => {
    const { approvals, receipts } = await recorded();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision({ requirement, evidence: { note: true, fields: [] } }));
    await expect(approvals.decide(approval.id, sam, 'approve')).rejects.toMatchObject({ code: 'evidence_missing' });
    expect((await receipts()).map((r) => r.event)).toEqual(['hold']);
  });
});
