// The review counts approvals granted and voided per period, each approval once: one granted and
// voided in the same week counts as voided only, and one granted the week before and voided this
// week counts as voided this week. The snapshot-mismatch rate, voided / (approved + voided), so
// stays within 0..100% however approvals straddle the periods.
import { describe, expect, it } from 'vitest';
import { buildReview, formatReview } from '../../src/report/index.js';
import { callDraft, openLedger, tempDir, writeAt } from './helpers.js';

const step = (at: string, event: 'hold' | 'approve' | 'void', approval: string) =>
  [at, callDraft({ event, call: `c_${approval}`, surface: 'db/exec', effect: 'hold', approval })] as [string, ReturnType<typeof callDraft>];

describe('voided approvals in the review', () => {
  it('counts each approval once and keeps the rate within 0..100%', async () => {
    const dir = tempDir();
    const ledger = await openLedger(dir);
    await writeAt(ledger, [
      step('2026-03-02T09:00:00.000Z', 'hold', 'apr_prev'),
      step('2026-03-02T09:01:00.000Z', 'approve', 'apr_prev'),
      step('2026-03-03T09:00:00.000Z', 'hold', 'apr_prev_used'),
      step('2026-03-03T09:01:00.000Z', 'approve', 'apr_prev_used'),
      step('2026-03-09T09:00:00.000Z', 'void', 'apr_prev'),
      step('2026-03-10T09:00:00.000Z', 'hold', 'apr_both'),
      step('2026-03-10T09:01:00.000Z', 'approve', 'apr_both'),
      step('2026-03-10T09:05:00.000Z', 'void', 'apr_both'),
      step('2026-03-11T09:00:00.000Z', 'hold', 'apr_used'),
      step('2026-03-11T09:01:00.000Z', 'approve', 'apr_used'),
    ]);
    await ledger.close();
    const r = await buildReview(dir, new Date('2026-03-08T00:00:00.000Z'), new Date('2026-03-15T00:00:00.000Z'));
    expect(r.approvals).toMatchObject({ approved: 1, voided: 2, snapshot_mismatch: { count: 2, rate: 2 / 3, previous_rate: 0 } });
    expect(formatReview(r, 'text')).toContain('approvals: 1 granted, 2 voided at release; snapshot-mismatch rate 66.7% (+66.7 pp)');
    expect(formatReview(r, 'md')).toContain('- approvals: 1 granted, 2 voided at release');
  });

  it('shows a rate of 0% when no approval was granted or voided', async () => {
    const dir = tempDir();
    await (await openLedger(dir)).close();
    const r = await buildReview(dir, new Date('2026-03-08T00:00:00.000Z'), new Date('2026-03-15T00:00:00.000Z'));
    expect(r.approvals).toMatchObject({ approved: 0, voided: 0, snapshot_mismatch: { rate: 0 } });
  });
});
