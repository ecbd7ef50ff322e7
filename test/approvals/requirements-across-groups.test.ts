// Deciding a hold that needs reviewers from several groups, on a real store: every entry met by
// distinct reviewers (a reviewer counts toward one entry only, votes assigned so that all entries
// are met when they can be), any eligible reject rejects, and a decision lacking the evidence the
// approval demands is refused with nothing recorded.
import { describe, expect, it } from 'vitest';
import type { Reviewer } from '../../src/approvals/index.js';
import { callRequest, holdDecision, setup } from './fixtures.js';

const person = (id: string, ...groups: string[]): Reviewer => ({ id: `user:${id}`, groups, rights: [] });
const sam = person('sam', 'security-team');
const sue = person('sue', 'security-team');
const pat = person('pat', 'platform-lead');
const both = person('bea', 'security-team', 'platform-lead');
const dan = person('dan', 'dba');

const securityAndPlatform = (spec = {}) =>
  holdDecision({
    requirement: [
      { rule: 'payments.prod', group: 'security-team', quorum: 1 },
      { rule: 'payments.prod', group: 'platform-lead', quorum: 1 },
    ],
    ...spec,
  });

async function held(decision = securityAndPlatform()) {
  const { approvals } = await setup();
  const { approval } = await approvals.openOrAttach(callRequest(), decision);
  return { approvals, id: approval.id };
}

describe('an approval that needs one security-team and one platform-lead reviewer', () => {
  it('is not met by two security-team reviewers, and is met once platform-lead approves', async () => {
    const { approvals, id } = await held();
    expect((await approvals.decide(id, sam, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, sue, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, pat, 'approve')).status).toBe('approved');
  });

  it('counts a reviewer in both groups toward one entry only', async () => {
    const { approvals, id } = await held();
    expect((await approvals.decide(id, both, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, sam, 'approve')).status).toBe('approved');
  });

  it('assigns votes so that every entry is met: the first voter in both groups moves to the entry only they can fill', async () => {
    const { approvals, id } = await held(
      holdDecision({
        requirement: [
          { rule: 'r', group: 'security-team', quorum: 2 },
          { rule: 'r', group: 'platform-lead', quorum: 1 },
        ],
      }),
    );
    expect((await approvals.decide(id, both, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, sam, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, sue, 'approve')).status).toBe('approved');
  });

  it('records the groups each reviewer was in when deciding', async () => {
    const { approvals, id } = await held();
    const decided = await approvals.decide(id, both, 'approve');
    expect(decided.decisions).toMatchObject([{ reviewer: 'user:bea', groups: ['security-team', 'platform-lead'], verdict: 'approve' }]);
  });

  it('is rejected by a reject from any eligible reviewer, and refuses a reviewer in neither group', async () => {
    const { approvals, id } = await held();
    await expect(approvals.decide(id, dan, 'approve')).rejects.toMatchObject({
      code: 'not_an_approver',
      message: /1 of group:security-team and 1 of group:platform-lead \(rule payments\.prod\)/,
    });
    await approvals.decide(id, sam, 'approve');
    expect((await approvals.decide(id, pat, 'reject', 'not in the change window')).status).toBe('rejected');
  });

  it('needs the entries of every matched rule: two rules each wanting a security-team reviewer need two of them', async () => {
    const { approvals, id } = await held(
      holdDecision({
        requirement: [
          { rule: 'payments.prod', group: 'security-team', quorum: 1 },
          { rule: 'pii.export', group: 'security-team', quorum: 1 },
        ],
      }),
    );
    expect((await approvals.decide(id, sam, 'approve')).status).toBe('pending');
    expect((await approvals.decide(id, sue, 'approve')).status).toBe('approved');
  });
});

describe('the evidence a decision must carry', () => {
  const demanding = () => securityAndPlatform({ evidence: { note: true, fields: ['ticket'] } });

  it('refuses a decision without the note or a required field, recording nothing', async () => {
    const { approvals, id } = await held(demanding());
    await expect(approvals.decide(id, sam, 'approve', { note: null, fields: { ticket: 'CHG-1' } })).rejects.toMatchObject({
      code: 'evidence_missing',
      message: /needs a note with every decision; nothing was recorded/,
    });
    await expect(approvals.decide(id, sam, 'approve', { note: 'fine', fields: { ticket: '  ' } })).rejects.toMatchObject({
      code: 'evidence_missing',
      message: /the evidence field "ticket"/,
    });
    await expect(approvals.decide(id, pat, 'reject', 'no')).rejects.toMatchObject({ code: 'evidence_missing' });
    expect((await approvals.get(id)).decisions).toEqual([]);
  });

  it('records the note and the evidence fields with the vote', async () => {
    const { approvals, id } = await held(demanding());
    await approvals.decide(id, sam, 'approve', { note: 'reviewed the diff', fields: { ticket: 'CHG-1', link: 'https://x/CHG-1' } });
    const decided = await approvals.decide(id, pat, 'approve', { note: 'in window', fields: { ticket: 'CHG-1' } });
    expect(decided.status).toBe('approved');
    expect(decided.decisions).toMatchObject([
      { reviewer: 'user:sam', note: 'reviewed the diff', evidence: { ticket: 'CHG-1', link: 'https://x/CHG-1' } },
      { reviewer: 'user:pat', note: 'in window', evidence: { ticket: 'CHG-1' } },
    ]);
  });
});

describe('an approval stored before requirements had entries', () => {
  it('reads as the entries it meant: the rule approvers with their quorum, and the pin reviewers', async () => {
    const { approvals, store } = await setup();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const { requirement: _, approvers: __, evidence: ___, webhooks: ____, ...rest } = approval;
    const earlier = {
      ...rest,
      approvers: ['group:dba'],
      quorum: 2,
      pin_approvers: ['user:pinner'],
      webhook: null,
      decisions: [{ reviewer: 'user:sam', verdict: 'approve', note: null, at: approval.created_at, counts_for: ['rule'] }],
    };
    await store.update('approvals', approval.id, () => earlier);
    expect(await approvals.get(approval.id)).toMatchObject({
      requirement: [
        { rule: 'prod-sql-writes', approvers: ['group:dba'], quorum: 2 },
        { rule: 'pin-drift', approvers: ['user:pinner'], quorum: 1 },
      ],
      approvers: ['group:dba', 'user:pinner'],
      webhooks: [],
      decisions: [{ reviewer: 'user:sam', groups: [], evidence: {} }],
    });
  });
});
