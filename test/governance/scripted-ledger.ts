// A scripted fortnight written through the real Ledger, with the figures a review of its second
// week must show (the expected values are worked out by hand in the comments).
import type { BreakGlassWindow } from '../../src/breakglass/index.js';
import { breakGlassDraft } from '../../src/breakglass/index.js';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { callDraft, openLedger, writeAt } from './helpers.js';

export const SINCE = '2026-03-08T00:00:00.000Z';
export const UNTIL = '2026-03-15T00:00:00.000Z';

export const window: BreakGlassWindow = {
  id: `bg_${'a'.repeat(24)}`,
  opened_by: 'user:olga',
  reason: 'payments outage INC-42',
  principal: null,
  server: 'db',
  tool: null,
  opened_at: '2026-03-10T09:00:00.000Z',
  expires_at: '2026-03-10T10:00:00.000Z',
  closed_at: null,
  closed_by: null,
  open_quorum: 1,
  confirmations: [],
  reviews: [],
};

const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 2, day, 9, minute)).toISOString();

export async function writeScriptedLedger(dir: string): Promise<void> {
  const steps: Array<[string, ReceiptDraft]> = [];
  const add = (when: string, draft: ReceiptDraft) => steps.push([when, draft]);
  // Before both periods: ignored.
  add(at(1, 0).replace('03-01', '02-20'), callDraft({ event: 'deny', call: 'c_old', surface: 'db/query' }));
  // Previous week: db/query 20 permits.
  for (let i = 0; i < 20; i++) add(at(2, i), callDraft({ event: 'permit', call: `p_${i}`, surface: 'db/query', rules: ['db-read'] }));
  // This week: db/query 10 permits and 10 denies (deny 0% -> 50%: material), fs/read_file 2 permits.
  for (let i = 0; i < 10; i++) add(at(9, i), callDraft({ event: 'permit', call: `q_${i}`, surface: 'db/query', rules: ['db-read'] }));
  for (let i = 0; i < 10; i++) add(at(9, 20 + i), callDraft({ event: 'deny', call: `d_${i}`, surface: 'db/query', rules: ['no-pii'] }));
  for (let i = 0; i < 2; i++) add(at(9, 40 + i), callDraft({ event: 'permit', call: `f_${i}`, surface: 'fs/read_file' }));
  // This week: db/exec 4 holds; approved after 60 s and 120 s, rejected after 300 s, one expired.
  for (let i = 1; i <= 4; i++) add(at(11, i * 10), callDraft({ event: 'hold', call: `h_${i}`, surface: 'db/exec', approval: `apr_${i}` }));
  const later = (i: number, seconds: number) => new Date(Date.parse(at(11, i * 10)) + seconds * 1000).toISOString();
  add(later(1, 60), callDraft({ event: 'approve', call: 'h_1', surface: 'db/exec', approval: 'apr_1' }));
  add(later(2, 120), callDraft({ event: 'approve', call: 'h_2', surface: 'db/exec', approval: 'apr_2' }));
  add(later(3, 300), callDraft({ event: 'reject', call: 'h_3', surface: 'db/exec', approval: 'apr_3' }));
  add(later(4, 900), callDraft({ event: 'expire', call: 'h_4', surface: 'db/exec', approval: 'apr_4' }));
  // This week: a break-glass window, one call let through by it, closed early.
  add(window.opened_at, breakGlassDraft('break_glass_open', window, 'b'.repeat(64)));
  add(
    at(10, 5),
    callDraft({
      event: 'permit',
      call: 'bg_call',
      surface: 'db/exec',
      effect: 'deny',
      rules: ['no-exec'],
      breakGlass: { id: window.id, opened_by: window.opened_by, reason: window.reason },
    }),
  );
  add(at(10, 20), breakGlassDraft('break_glass_close', { ...window, closed_at: at(10, 20), closed_by: 'user:olga' }, 'b'.repeat(64)));
  // After the period: ignored.
  add('2026-03-16T00:00:00.000Z', callDraft({ event: 'deny', call: 'c_new', surface: 'db/query' }));
  const ledger = await openLedger(dir);
  await writeAt(
    ledger,
    steps.sort((a, b) => a[0].localeCompare(b[0])),
  );
  await ledger.close();
}
