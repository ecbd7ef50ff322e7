// The weekly review: decision counts and a chart by surface and outcome over time, with each
// surface's refusal (DENY + SILENCE) rate per bucket so a change stands out at a glance.
import { api, query } from '../api.js';
import { h, show, table } from '../dom.js';
import { legend, SERIES, sparkline, stackedBars } from '../chart.js';
import { OUTCOMES, REFUSALS, VERDICTS, type Overview } from '../model.js';
import type { View } from './view.js';

const PERIODS: Array<[string, string]> = [
  ['24h', 'Last 24 hours (hourly)'],
  ['7d', 'Last 7 days (daily)'],
  ['30d', 'Last 30 days (daily)'],
];

const sumOf = (r: Record<string, number>, keys: readonly string[]) => keys.reduce((n, k) => n + (r[k] ?? 0), 0);
const sum = (r: Record<string, number>) => sumOf(r, VERDICTS);
const refusalRate = (r: Record<string, number>) => {
  const decided = sumOf(r, OUTCOMES);
  return decided === 0 ? 0 : sumOf(r, REFUSALS) / decided;
};
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function addUp(rows: Array<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export const overviewView: View = (root, params) => {
  const period = params.get('period') ?? '7d';
  const surface = params.get('surface') ?? '';
  const periodSelect = h('select', { id: 'ov-period' }, ...PERIODS.map(([v, label]) => h('option', { value: v, selected: v === period }, label)));
  const surfaceSelect = h('select', { id: 'ov-surface' }, h('option', { value: '' }, 'all surfaces'));
  const navigate = () => (location.hash = `#/overview${query({ period: periodSelect.value, surface: surfaceSelect.value })}`);
  periodSelect.addEventListener('change', navigate);
  surfaceSelect.addEventListener('change', navigate);
  const body = h('div', {}, h('p', { class: 'note' }, 'Loading…'));
  show(
    root,
    h('h1', {}, 'Overview'),
    h('div', { class: 'search' }, h('label', { for: 'ov-period' }, 'Period', periodSelect), h('label', { for: 'ov-surface' }, 'Surface', surfaceSelect)),
    body,
  );

  api<Overview>(`/api/overview${query({ period })}`)
    .then((ov) => {
      for (const s of ov.surfaces) {
        const key = `${s.server}/${s.tool}`;
        surfaceSelect.append(h('option', { value: key, selected: key === surface }, `${s.server} / ${s.tool}`));
      }
      const shown = ov.surfaces.filter((s) => !surface || `${s.server}/${s.tool}` === surface);
      const series = ov.buckets.map((_, i) => addUp(shown.map((s) => s.series[i] ?? {})));
      const totals = addUp(shown.map((s) => s.totals));
      const hourly = ov.bucket_ms < 86_400_000;
      const labelOf = (iso: string) => (hourly ? iso.slice(11, 16) : iso.slice(5, 10));
      const cards = SERIES.map(([k, label]) => h('div', { class: 'card' }, h('span', { class: 'n' }, String(totals[k] ?? 0)), label));
      const rows = ov.surfaces.map((s) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/receipts${query({ server: s.server, tool: s.tool })}` }, `${s.server} / ${s.tool}`)),
          ...SERIES.map(([k]) => h('td', { class: 'num' }, String(s.totals[k] ?? 0))),
          h('td', { class: 'num' }, pct(refusalRate(s.totals))),
          h('td', { class: 'wide' }, sparkline(s.series.map(refusalRate), `${s.server} / ${s.tool} refusal rate per ${hourly ? 'hour' : 'day'}`)),
        ),
      );
      show(
        body,
        h('p', { class: 'note' }, `${sum(totals)} decision receipts from ${ov.from.slice(0, 16)}Z to ${ov.to.slice(0, 16)}Z (UTC buckets)`),
        h('div', { class: 'cards' }, ...cards),
        h('h2', {}, `Decisions over time — ${surface ? surface.replace('/', ' / ') : 'all surfaces'}`),
        stackedBars(ov.buckets, series, `Decisions per ${hourly ? 'hour' : 'day'} by outcome`, labelOf),
        legend(),
        h('h2', {}, 'By surface'),
        ov.surfaces.length === 0
          ? h('p', {}, 'No decisions in this period.')
          : table(['Surface', ...SERIES.map(([, label]) => label), 'Refused', ['Refusal rate over time', 'wide']], rows, 'Decisions by surface and outcome'),
      );
    })
    .catch((err: unknown) => show(body, h('p', { class: 'error', role: 'alert' }, `Could not load the overview: ${(err as Error).message}`)));
};
