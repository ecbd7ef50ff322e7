// The review shows every reviewer decision of the period: each `vote` receipt with the reviewer
// and the groups they were in when deciding, so a governance lead sees who approved under which
// entitlement without opening the ledger.
import { expect, it } from 'vitest';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { buildReview, formatReview } from '../../src/report/index.js';
import { callDraft, openLedger, tempDir, writeAt } from './helpers.js';

type CallReceiptDraft = Extract<ReceiptDraft, { approval?: unknown }>;

const vote = (at: string, reviewer: string, groups: string[], verdict: 'approve' | 'reject') => {
  const draft = callDraft({ event: 'vote', call: 'c_1', surface: 'payments/transfer', approval: 'apr_1' }) as CallReceiptDraft;
  return [at, { ...draft, approval: { ...draft.approval!, vote: { reviewer, groups, verdict, at } } }] as [string, CallReceiptDraft];
};

it('lists the votes of the period with each reviewer and their groups', async () => {
  const dir = tempDir();
  const ledger = await openLedger(dir);
  await writeAt(ledger, [
    ['2026-03-10T09:00:00.000Z', callDraft({ event: 'hold', call: 'c_1', surface: 'payments/transfer', approval: 'apr_1' })],
    vote('2026-03-10T09:01:00.000Z', 'user:alice', ['security-team'], 'approve'),
    vote('2026-03-10T09:02:00.000Z', 'user:pat', ['platform-lead'], 'approve'),
    vote('2026-03-01T09:02:00.000Z', 'user:old', ['platform-lead'], 'reject'),
  ]);
  await ledger.close();
  const r = await buildReview(dir, new Date('2026-03-08T00:00:00.000Z'), new Date('2026-03-15T00:00:00.000Z'));
  expect(r.approvals.votes).toEqual([
    { at: '2026-03-10T09:01:00.000Z', approval: 'apr_1', surface: 'payments/transfer', reviewer: 'user:alice', groups: ['security-team'], verdict: 'approve' },
    { at: '2026-03-10T09:02:00.000Z', approval: 'apr_1', surface: 'payments/transfer', reviewer: 'user:pat', groups: ['platform-lead'], verdict: 'approve' },
  ]);
  const text = formatReview(r, 'text');
  expect(text).toContain('votes: 2 (2 approve, 0 reject)');
  expect(text).toContain('approve apr_1 payments/transfer by user:alice (security-team)');
  expect(formatReview(r, 'md')).toContain('user:pat (platform-lead)');
});
