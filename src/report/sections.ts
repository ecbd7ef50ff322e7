// The review's content as sections of lines and tables, in the order both the text and the
// Markdown forms print them (format.ts renders them). A new section of the review is one more entry
// in `sections()`.
import { OUTCOMES } from '../core/index.js';
import type { BreakGlassUse } from './break-glass.js';
import { HOLD_STATES } from './calls.js';
import { pct, points, type CallFigures, type RateFigure } from './rates.js';
import type { Review } from './review.js';

export type Block = { kind: 'lines'; lines: string[] } | { kind: 'table'; header: string[]; rows: string[][]; note?: string };
export interface Section {
  /** Untitled: the opening summary and the surfaces table. */
  title?: string;
  blocks: Block[];
}

const lines = (l: string[], none = 'none'): Block => ({ kind: 'lines', lines: l.length ? l : [none] });

export const rateCell = (f: RateFigure) => `${pct(f.rate)}${f.change_pp === null ? '' : ` (${points(f.change_pp)})`}${f.material ? ' !' : ''}`;
/** A duration in the largest unit that keeps it readable. */
function ms(v: number | null): string {
  if (v === null) return '-';
  const unit = (
    [
      [86_400_000, 'd'],
      [3_600_000, 'h'],
      [60_000, 'min'],
      [1000, 's'],
    ] as const
  ).find(([size]) => v >= size);
  return unit ? `${(v / unit[0]).toFixed(1)} ${unit[1]}` : `${Math.round(v)} ms`;
}
const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : 'none');

const RATE_HEADER = [...OUTCOMES, ...HOLD_STATES, 'ran'];
const RATE_NOTE =
  'decisions in % of calls; hold outcomes (approve .. pending) in % of calls held; ran: % of calls let through; change against the previous period in percentage points (pp); ! = material';

/** The rate cells of one group of calls: its decisions, how its holds stand, the share that ran. */
function rateCells(f: CallFigures): string[] {
  return [
    `${f.calls}${f.volume_material ? ' !' : ''}`,
    String(f.previous_calls),
    ...OUTCOMES.map((o) => rateCell(f.decisions[o])),
    ...HOLD_STATES.map((o) => (f.decisions.hold.count ? rateCell(f.hold_outcomes[o]) : '-')),
    rateCell(f.final.permit),
  ];
}

export function sections(r: Review): Section[] {
  return [
    { blocks: [lines(summary(r)), surfaces(r)] },
    { title: 'material changes', blocks: [lines(r.material_changes)] },
    { title: 'policy changes', blocks: [lines(r.policy_changes.flatMap(policyChangeLines))] },
    {
      title: 'principals',
      blocks: [{ kind: 'table', header: ['principal', 'calls', 'prev', ...RATE_HEADER], rows: r.principals.map((p) => [p.principal, ...rateCells(p)]) }],
    },
    {
      title: 'classes',
      blocks: [{ kind: 'table', header: ['class', 'calls', 'prev', ...RATE_HEADER], rows: r.classes.map((c) => [c.class, ...rateCells(c)]) }],
    },
    { title: 'constraints', blocks: [lines(constraintLines(r))] },
    { title: 'votes', blocks: [lines(voteLines(r))] },
    { title: 'break-glass', blocks: [lines(breakGlassLines(r))] },
    { title: 'break-glass windows not yet reviewed', blocks: [lines(unreviewedLines(r))] },
    { title: 'shadow', blocks: [lines(shadowLines(r), 'no call decided differently by a shadow candidate')] },
  ];
}

function summary(r: Review): string[] {
  const expired = Object.entries(r.expired_holds.by_surface).map(([s, n]) => `${s} ${n}`);
  return [
    `calls: ${r.totals.calls} (previous period ${r.totals.previous_calls}), each counted once; ran ${rateCell(r.totals.final.permit)}`,
    `approval latency: median ${ms(r.approval_latency.median_ms)}, p90 ${ms(r.approval_latency.p90_ms)} over ${r.approval_latency.decided} decision(s)`,
    `expired holds: ${r.expired_holds.total}${expired.length ? ` (${expired.join(', ')})` : ''}`,
    `approvals: ${r.approvals.approved} granted, ${r.approvals.voided} voided at release; snapshot-mismatch rate ${rateCell(r.approvals.snapshot_mismatch)}`,
    `votes: ${r.approvals.votes.length} (${countOf(r, 'approve')} approve, ${countOf(r, 'reject')} reject)`,
  ];
}

function surfaces(r: Review): Block {
  return {
    kind: 'table',
    header: ['surface', 'class', 'calls', 'prev', ...RATE_HEADER, 'break-glass'],
    rows: r.surfaces.map((s) => [s.surface, s.class, ...rateCells(s), String(s.break_glass_calls)]),
    note: RATE_NOTE,
  };
}

/** A change, who signed it, the calls before and after it, and how each decision rate moved across it. */
function policyChangeLines(c: Review['policy_changes'][number]): string[] {
  const moved = OUTCOMES.filter((o) => c.decisions[o].change_pp !== null && (c.decisions[o].count > 0 || c.decisions[o].previous_rate! > 0));
  return [
    `${short(c.bundle_sha256)} took effect ${c.at} (signed by ${c.signed_by.map((s) => `${s.name} (${s.key_id})`).join(', ') || 'nobody'}), replacing ${short(c.previous_bundle_sha256)}`,
    `  calls: ${c.before.calls} before (since ${c.before.since}), ${c.after.calls} after (until ${c.after.until})`,
    ...moved.map((o) => {
      const f = c.decisions[o];
      return `  ${o} ${pct(f.previous_rate!)} -> ${pct(f.rate)} (${points(f.change_pp!)})${f.material ? ' !' : ''}`;
    }),
    ...c.material_changes.map((l) => `  ${l}`),
  ];
}

function constraintLines(r: Review): string[] {
  const c = r.constraints;
  const args = c.set.arguments.map((a) => `${a.name} ${a.calls}`).join(', ');
  return [
    `${c.constrained.count} of ${c.permits} call(s) let through ran under constraints (${rateCell(c.constrained)})`,
    `set: ${c.set.calls} call(s)${args ? ` (${args})` : ''}`,
    `timeout: ${c.timeout.calls} call(s)${c.timeout.calls ? ` (${ms(c.timeout.min_ms)} .. ${ms(c.timeout.max_ms)})` : ''}`,
    ...c.limits.map(
      (l) => `${l.name}: ${l.calls} call(s), peak ${l.peak_used} of ${l.max} (${pct(l.peak_share)}), ${l.near_max} at 80% or more, ${l.reached} reached`,
    ),
  ];
}

const countOf = (r: Review, verdict: 'approve' | 'reject') => r.approvals.votes.filter((v) => v.verdict === verdict).length;

/** One line per reviewer decision, with the groups that entitled the reviewer. */
function voteLines(r: Review): string[] {
  return r.approvals.votes.map((v) => `${v.at} ${v.verdict} ${v.approval} ${v.surface} by ${v.reviewer} (${v.groups.join(', ') || 'no group'})`);
}

function breakGlassLines(r: Review): string[] {
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

/** Per surface, how many calls the candidate would have decided differently, and how: `permit→hold ×12`. */
function shadowLines(r: Review): string[] {
  const s = r.shadow;
  if (!s.differs) return [];
  const change = (c: Review['shadow']['surfaces'][number]['changes'][number]) => `${c.from}→${c.to}${c.other_rules ? ' (other rules)' : ''} ×${c.calls}`;
  return [
    `${s.differs} call(s) decided differently by candidate ${s.candidates.map(short).join(', ')}`,
    ...s.surfaces.map((surface) => `${surface.surface}: ${surface.differs} (${surface.changes.map(change).join(', ')})`),
  ];
}

function unreviewedLines(r: Review): string[] {
  return r.break_glass_unreviewed.map((w) => `${w.id} opened ${w.opened_at ?? '(before the ledger)'} by ${w.opened_by}: ${JSON.stringify(w.reason)}`);
}
