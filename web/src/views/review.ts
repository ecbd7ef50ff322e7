// The review (GET /api/review, what `toolgate report` prints) for a period against the one before:
// each call once by surface, principal and class, with charts of the decision shares; each policy
// change beside the rates before and after it; constraint usage; approval integrity; break-glass.
// Names, reasons and notes are untrusted text, shown as text.
import { api, query } from '../api.js';
import { fields, h, show, table } from '../dom.js';
import { legend } from '../chart.js';
import { OUTCOMES, type CallFigures, type RateFigure, type Review } from '../model.js';
import { beforeAfter, decisionShares } from '../review-charts.js';
import { when } from '../time.js';
import type { View } from './view.js';

const PERIODS: Array<[string, string]> = [
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
];

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const points = (pp: number) => `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pp`;
const rate = (f: RateFigure | undefined) => (f ? `${pct(f.rate)}${f.change_pp === null ? '' : ` (${points(f.change_pp)})`}${f.material ? ' !' : ''}` : '—');
const ms = (v: number | null) => (v === null ? '—' : v >= 60_000 ? `${(v / 60_000).toFixed(1)} min` : v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${v} ms`);
const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : 'none');
const num = (text: string | number) => h('td', { class: 'num' }, String(text));

/** A row of one group's figures: calls, the previous period's, each decision's rate, approved among holds, ran. */
function figureCells(f: CallFigures): HTMLTableCellElement[] {
  return [
    num(f.calls),
    num(f.previous_calls),
    ...OUTCOMES.map((o) => num(rate(f.decisions[o]))),
    num(f.decisions.hold?.count ? rate(f.hold_outcomes.approve) : '—'),
    num(rate(f.final.permit)),
  ];
}
const FIGURE_HEADERS = ['Calls', 'Previous', ...OUTCOMES.map((o) => o.toUpperCase()), 'Held → approved', 'Ran'];

function groupSection(title: string, rows: Array<{ name: string; figures: CallFigures; extra?: string }>, extraHeader?: string): Element[] {
  if (rows.length === 0) return [h('h2', {}, title), h('p', {}, 'No calls in this period.')];
  return [
    h('h2', {}, title),
    decisionShares(
      rows.map((r) => ({ label: r.name, figures: r.figures })),
      `${title}: share of calls by decision`,
    ),
    table(
      [title.replace(/^By /, ''), ...(extraHeader ? [extraHeader] : []), ...FIGURE_HEADERS],
      rows.map((r) => h('tr', {}, h('td', {}, r.name), ...(extraHeader ? [h('td', {}, r.extra ?? '')] : []), ...figureCells(r.figures))),
      `${title}: decision rates against the previous period`,
    ),
  ];
}

function policyChanges(r: Review): Element[] {
  const out: Element[] = [h('h2', {}, 'Policy changes')];
  if (r.policy_changes.length === 0) return [...out, h('p', {}, 'No policy bundle took effect in this period.')];
  for (const c of r.policy_changes) {
    const label = `Bundle ${short(c.bundle_sha256)}`;
    out.push(
      h(
        'article',
        { class: 'card', 'aria-label': label },
        h('h3', {}, label),
        fields([
          ['Took effect', when(c.at)],
          ['Bundle', c.bundle_sha256],
          ['Replacing', c.previous_bundle_sha256 ?? 'none'],
          ['Signed by', c.signed_by.map((s) => `${s.name} (${s.key_id})`).join(', ') || 'nobody'],
          ['Calls', `${c.before.calls} before, ${c.after.calls} after`],
        ]),
        beforeAfter(c.decisions, `Decision rates before and after bundle ${short(c.bundle_sha256)}`),
        c.material_changes.length ? h('ul', {}, ...c.material_changes.map((l) => h('li', {}, l))) : null,
      ),
    );
  }
  return out;
}

function shadow(r: Review): Element[] {
  const s = r.shadow;
  const out: Element[] = [h('h2', {}, 'Shadow candidate')];
  if (!s || s.differs === 0) return [...out, h('p', {}, 'No call was decided differently by a shadow candidate.')];
  const change = (c: { from: string; to: string; other_rules: boolean; calls: number }) =>
    `${c.from.toUpperCase()} → ${c.to.toUpperCase()}${c.other_rules ? ' (other rules)' : ''} × ${c.calls}`;
  const rows = s.surfaces.map((x) => h('tr', {}, h('td', {}, `${x.server} / ${x.tool}`), num(x.differs), h('td', {}, x.changes.map(change).join(', '))));
  return [
    ...out,
    h('p', { class: 'note' }, `${s.differs} calls decided differently by ${s.candidates.map(short).join(', ')}; enforcement did not change.`),
    table(['Surface', 'Differs', 'Changes'], rows, 'Calls a shadow candidate would have decided differently'),
  ];
}

function constraints(r: Review): HTMLElement[] {
  const c = r.constraints;
  const limits = c.limits.map((l) =>
    h('tr', {}, h('td', {}, l.name), num(l.calls), num(`${l.peak_used} of ${l.max}`), num(pct(l.peak_share)), num(l.near_max), num(l.reached)),
  );
  return [
    h('h2', {}, 'Constraints'),
    fields([
      ['Under constraints', `${c.constrained.count} of ${c.permits} calls let through (${rate(c.constrained)})`],
      ['Arguments set', `${c.set.calls} calls${c.set.arguments.length ? `: ${c.set.arguments.map((a) => `${a.name} ${a.calls}`).join(', ')}` : ''}`],
      ['Deadline', c.timeout.calls ? `${c.timeout.calls} calls (${ms(c.timeout.min_ms)} – ${ms(c.timeout.max_ms)})` : 'none'],
    ]),
    limits.length
      ? table(['Limit', 'Calls', 'Peak', 'Of max', '≥ 80% of max', 'Reached'], limits, 'Limits charged and how close they came to the maximum')
      : h('p', {}, 'No limit was charged.'),
  ];
}

function approvals(r: Review): HTMLElement[] {
  const a = r.approvals;
  const votes = a.votes.map((v) =>
    h(
      'tr',
      {},
      h('td', {}, when(v.at)),
      h('td', {}, v.verdict),
      h('td', {}, v.approval),
      h('td', {}, v.surface),
      h('td', {}, v.reviewer),
      h('td', {}, v.groups.join(', ')),
    ),
  );
  return [
    h('h2', {}, 'Approvals'),
    fields([
      ['Latency', `median ${ms(r.approval_latency.median_ms)}, p90 ${ms(r.approval_latency.p90_ms)} over ${r.approval_latency.decided} decisions`],
      ['Expired holds', String(r.expired_holds.total)],
      ['Granted', String(a.approved)],
      ['Voided at release', `${a.voided} (snapshot mismatch ${rate(a.snapshot_mismatch)})`],
    ]),
    votes.length
      ? table(['When', 'Verdict', 'Approval', 'Surface', 'Reviewer', 'Groups'], votes, 'Every vote of the period')
      : h('p', {}, 'No votes in this period.'),
  ];
}

function breakGlass(r: Review): HTMLElement[] {
  const windows = r.break_glass.map((w) =>
    h(
      'article',
      { class: 'card', 'aria-label': `Window ${w.id}` },
      h('h3', {}, w.id),
      fields([
        ['Reason', w.reason],
        ['Opened', `${w.opened_at ? when(w.opened_at) : 'before the ledger'} by ${w.opened_by}`],
        ['Review', w.reviewed ? w.reviews.map((v) => `${v.by}: ${v.note ?? ''}`).join('; ') : 'NOT REVIEWED'],
        ['Calls let through', w.let_through.map((c) => `${c.surface} by ${c.principal} (overrode ${c.overrode.toUpperCase()})`).join('; ') || 'none'],
      ]),
    ),
  );
  const waiting = r.break_glass_unreviewed.map((w) => h('li', {}, `${w.id} opened by ${w.opened_by}: ${w.reason}`));
  return [
    h('h2', {}, 'Break-glass'),
    ...(windows.length ? windows : [h('p', {}, 'No break-glass window in this period.')]),
    h('h3', {}, 'Not yet reviewed'),
    waiting.length ? h('ul', {}, ...waiting) : h('p', {}, 'Every window is reviewed.'),
  ];
}

function render(r: Review): Element[] {
  const t = r.totals;
  const cards: Array<[string, string]> = [
    [String(t.calls), `calls (previous ${t.previous_calls})`],
    [pct(t.final.permit?.rate ?? 0), 'ran'],
    [pct(t.decisions.hold?.rate ?? 0), 'held'],
    [pct((t.decisions.deny?.rate ?? 0) + (t.decisions.silence?.rate ?? 0)), 'refused'],
    [String(r.approvals.voided), 'approvals voided'],
  ];
  return [
    h(
      'p',
      { class: 'note' },
      `${when(r.period.since)} – ${when(r.period.until)}, against ${when(r.previous.since)} – ${when(r.previous.until)}. Each call counted once; changes in percentage points (pp); ! = material.`,
    ),
    h('div', { class: 'cards' }, ...cards.map(([n, label]) => h('div', { class: 'card' }, h('span', { class: 'n' }, n), label))),
    h('h2', {}, 'Material changes'),
    r.material_changes.length ? h('ul', {}, ...r.material_changes.map((l) => h('li', {}, l))) : h('p', {}, 'None.'),
    legend(),
    ...groupSection(
      'By surface',
      r.surfaces.map((s) => ({ name: `${s.server} / ${s.tool}`, figures: s, extra: s.class })),
      'Class',
    ),
    ...policyChanges(r),
    ...shadow(r),
    ...groupSection(
      'By principal',
      r.principals.map((p) => ({ name: p.principal, figures: p })),
    ),
    ...groupSection(
      'By class',
      r.classes.map((c) => ({ name: c.class, figures: c })),
    ),
    ...constraints(r),
    ...approvals(r),
    ...breakGlass(r),
  ];
}

export const reviewView: View = (root, params) => {
  const since = params.get('since') ?? '7d';
  const select = h('select', { id: 'rv-period' }, ...PERIODS.map(([v, label]) => h('option', { value: v, selected: v === since }, label)));
  select.addEventListener('change', () => (location.hash = `#/review${query({ since: select.value })}`));
  const body = h('div', {}, h('p', { class: 'note' }, 'Reading the ledger…'));
  show(root, h('h1', {}, 'Review'), h('div', { class: 'search' }, h('label', { for: 'rv-period' }, 'Period', select)), body);
  api<Review>(`/api/review${query({ since })}`)
    .then((r) => show(body, ...render(r)))
    .catch((err: unknown) => show(body, h('p', { class: 'error', role: 'alert' }, `Could not load the review: ${(err as Error).message}`)));
};
