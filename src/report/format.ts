// The review as text (terminal), Markdown (a ticket or wiki page) or JSON (scripts).
import { HOLD_ENDS, OUTCOMES } from '../core/index.js';
import type { BreakGlassUse } from './break-glass.js';
import { pct, type RateFigure, type Review } from './review.js';

export type ReportFormat = 'text' | 'md' | 'json';

export function formatReview(r: Review, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(r, null, 2)}\n`;
  return format === 'md' ? markdown(r) : text(r);
}

const rateCell = (f: RateFigure) =>
  `${pct(f.rate)}${f.change_pp === null ? '' : ` (${f.change_pp >= 0 ? '+' : ''}${f.change_pp.toFixed(1)})`}${f.material ? ' !' : ''}`;
const ms = (v: number | null) => (v === null ? '-' : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);

function rows(r: Review): string[][] {
  return r.surfaces.map((s) => [
    s.surface,
    `${s.calls}${s.volume_material ? ' !' : ''}`,
    String(s.previous_calls),
    ...OUTCOMES.map((o) => rateCell(s.effects[o]!)),
    ...HOLD_ENDS.map((o) => (s.effects.hold!.count ? rateCell(s.hold_outcomes[o]!) : '-')),
    String(s.break_glass_calls),
  ]);
}

const HEADER = ['surface', 'calls', 'prev', ...OUTCOMES, ...HOLD_ENDS, 'break-glass'];

function breakGlassLines(r: Review): string[] {
  if (!r.break_glass.length) return ['none'];
  return r.break_glass.flatMap((w) => [
    `${w.id} opened ${w.opened_at ?? '(before the ledger)'} by ${w.opened_by}, ${confirmation(w)}, ${ending(w)}, ${w.calls} call(s): ${JSON.stringify(w.reason)}`,
    ...(w.reviewed ? w.reviews.map((v) => `  reviewed ${v.at} by ${v.by}: ${JSON.stringify(v.note ?? '')}`) : ['  NOT REVIEWED']),
    ...w.let_through.map(
      (c) => `  ${c.ts} ${c.surface} ${c.principal} call ${c.call_id}: overrode ${c.overrode.toUpperCase()}${c.rules.length ? ` (${c.rules.join(', ')})` : ''}`,
    ),
  ]);
}

const confirmation = (w: BreakGlassUse) =>
  w.confirmed_by.length ? `confirmed by ${w.confirmed_by.map((c) => `${c.by} (${c.at})`).join(', ')}` : 'not confirmed';
const ending = (w: BreakGlassUse) => (w.closed_at ? `closed ${w.closed_at} by ${w.closed_by ?? '?'}` : `open until ${w.expires_at ?? '?'}`);

function unreviewedLines(r: Review): string[] {
  if (!r.break_glass_unreviewed.length) return ['none'];
  return r.break_glass_unreviewed.map((w) => `${w.id} opened ${w.opened_at ?? '(before the ledger)'} by ${w.opened_by}: ${JSON.stringify(w.reason)}`);
}

function summary(r: Review): string[] {
  return [
    `calls: ${r.calls} (previous period ${r.previous_calls})`,
    `approval latency: median ${ms(r.approval_latency.median_ms)}, p90 ${ms(r.approval_latency.p90_ms)} over ${r.approval_latency.decided} decision(s)`,
    `expired holds: ${r.expired_holds.total}${
      Object.keys(r.expired_holds.by_surface).length
        ? ` (${Object.entries(r.expired_holds.by_surface)
            .map(([s, n]) => `${s} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `approvals: ${r.approvals.approved} granted, ${r.approvals.voided} voided at release; snapshot-mismatch rate ${rateCell(r.approvals.snapshot_mismatch)}`,
    `votes: ${r.approvals.votes.length} (${countOf(r, 'approve')} approve, ${countOf(r, 'reject')} reject)`,
  ];
}

const countOf = (r: Review, verdict: 'approve' | 'reject') => r.approvals.votes.filter((v) => v.verdict === verdict).length;

/** One line per reviewer decision, with the groups that entitled the reviewer. */
function voteLines(r: Review): string[] {
  if (!r.approvals.votes.length) return ['none'];
  return r.approvals.votes.map((v) => `${v.at} ${v.verdict} ${v.approval} ${v.surface} by ${v.reviewer} (${v.groups.join(', ') || 'no group'})`);
}

function text(r: Review): string {
  const table = [HEADER, ...rows(r)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const out = [
    `toolgate review ${r.period.since} .. ${r.period.until} (previous: ${r.previous.since} .. ${r.previous.until})`,
    ...summary(r),
    '',
    ...table.map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    ),
    '',
    'rates in % of calls (hold outcomes: % of holds), change against the previous period in percentage points; ! = material',
    '',
    'material changes:',
    ...(r.material_changes.length ? r.material_changes.map((l) => `  ${l}`) : ['  none']),
    '',
    'votes:',
    ...voteLines(r).map((l) => `  ${l}`),
    '',
    'break-glass:',
    ...breakGlassLines(r).map((l) => `  ${l}`),
    '',
    'break-glass windows not yet reviewed:',
    ...unreviewedLines(r).map((l) => `  ${l}`),
  ];
  return `${out.join('\n')}\n`;
}

function markdown(r: Review): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  const out = [
    `# toolgate review ${r.period.since.slice(0, 10)} .. ${r.period.until.slice(0, 10)}`,
    '',
    `Period ${r.period.since} .. ${r.period.until}, compared with ${r.previous.since} .. ${r.previous.until}.`,
    '',
    ...summary(r).map((l) => `- ${l}`),
    '',
    line(HEADER),
    line(HEADER.map(() => '---')),
    ...rows(r).map(line),
    '',
    'Rates in % of calls (hold outcomes: % of holds); change in percentage points; **!** = material.',
    '',
    '## Material changes',
    '',
    ...(r.material_changes.length ? r.material_changes.map((l) => `- ${l}`) : ['None.']),
    '',
    '## Votes',
    '',
    ...voteLines(r).map((l) => `- ${l}`),
    '',
    '## Break-glass',
    '',
    ...breakGlassLines(r).map((l) => (l.startsWith('  ') ? `  - ${l.trimStart()}` : `- ${l}`)),
    '',
    '### Not yet reviewed',
    '',
    ...unreviewedLines(r).map((l) => `- ${l}`),
  ];
  return `${out.join('\n')}\n`;
}
