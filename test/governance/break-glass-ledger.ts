// A ledger of break-glass windows written through the real Ledger, for the review's accounting of
// them: who opened and confirmed each window, the calls it let through (each overriding a DENY, a
// HOLD or a SILENCE), who reviewed it, and which windows are still waiting for a review.
import { breakGlassDraft, type BreakGlassWindow } from '../../src/breakglass/index.js';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { callDraft, openLedger, writeAt } from './helpers.js';

export const SINCE = '2026-03-08T00:00:00.000Z';
export const UNTIL = '2026-03-22T00:00:00.000Z';
const BUNDLE = 'b'.repeat(64);

function window(letter: string, openedBy: string, openedAt: string, openQuorum = 1): BreakGlassWindow {
  return {
    id: `bg_${letter.repeat(24)}`,
    opened_by: openedBy,
    reason: `incident ${letter}`,
    principal: null,
    server: 'db',
    tool: null,
    opened_at: openedAt,
    expires_at: new Date(Date.parse(openedAt) + 3_600_000).toISOString(),
    closed_at: null,
    closed_by: null,
    open_quorum: openQuorum,
    confirmations: [],
    reviews: [],
  };
}

/** Reviewed: opened by olga, confirmed by sam, three calls let through, closed early, reviewed by tess. */
export const reviewed = window('a', 'user:olga', '2026-03-10T09:00:00.000Z', 2);
/** Not reviewed, opened ten days before the end of the period: past a review_within of 7d. */
export const overdue = window('b', 'user:olga', '2026-03-12T09:00:00.000Z');
/** Not reviewed, opened two days before the end of the period: still within 7d. */
export const recent = window('c', 'user:sam', '2026-03-20T09:00:00.000Z');
/** Not reviewed, opened before the period: not among the period's windows, but still overdue. */
export const older = window('d', 'user:sam', '2026-02-20T09:00:00.000Z');

const through = (w: BreakGlassWindow, call: string, effect: string, rules: string[]) =>
  callDraft({ event: 'permit', call, surface: 'db/exec', effect, rules, breakGlass: { id: w.id, opened_by: w.opened_by, reason: w.reason } });

export async function writeBreakGlassLedger(dir: string): Promise<void> {
  const confirmed = { ...reviewed, confirmations: [{ by: 'user:sam', at: '2026-03-10T09:02:00.000Z' }] };
  const steps: Array<[string, ReceiptDraft]> = [
    [older.opened_at, breakGlassDraft('break_glass_open', older, BUNDLE)],
    [reviewed.opened_at, breakGlassDraft('break_glass_open', reviewed, BUNDLE)],
    ['2026-03-10T09:02:00.000Z', breakGlassDraft('break_glass_confirm', confirmed, BUNDLE)],
    ['2026-03-10T09:05:00.000Z', through(reviewed, 'c_deny', 'deny', ['no-exec'])],
    ['2026-03-10T09:06:00.000Z', through(reviewed, 'c_hold', 'hold', ['exec-held'])],
    ['2026-03-10T09:07:00.000Z', through(reviewed, 'c_silence', 'silence', [])],
    ['2026-03-10T09:20:00.000Z', breakGlassDraft('break_glass_close', { ...confirmed, closed_at: '2026-03-10T09:20:00.000Z', closed_by: 'user:olga' }, BUNDLE)],
    [
      '2026-03-11T10:00:00.000Z',
      breakGlassDraft('break_glass_review', { ...confirmed, reviews: [{ by: 'user:tess', at: '2026-03-11T10:00:00.000Z', note: 'matches INC-42' }] }, BUNDLE),
    ],
    [overdue.opened_at, breakGlassDraft('break_glass_open', overdue, BUNDLE)],
    ['2026-03-12T09:10:00.000Z', through(overdue, 'c_late', 'deny', ['no-exec'])],
    [recent.opened_at, breakGlassDraft('break_glass_open', recent, BUNDLE)],
  ];
  const ledger = await openLedger(dir);
  await writeAt(
    ledger,
    steps.sort((a, b) => a[0].localeCompare(b[0])),
  );
  await ledger.close();
}
