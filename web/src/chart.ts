// Inline SVG charts (no chart library, no external requests): stacked bars of decisions per time
// bucket, and a sparkline of one surface's refusal rate.
import { h, svg } from './dom.js';
import { VERDICTS, type Verdict } from './model.js';

/** The label and colour the legend shows for each counted event (a new one needs its own). */
const LOOK: Record<Verdict, [label: string, color: string]> = {
  permit: ['PERMIT', '#2da44e'],
  deny: ['DENY', '#cf222e'],
  silence: ['SILENCE', '#8c959f'],
  hold: ['HOLD', '#d4a72c'],
  approve: ['HOLD → approved', '#1f883d'],
  reject: ['HOLD → rejected', '#a40e26'],
  expire: ['HOLD → expired', '#8250df'],
  cancel: ['HOLD → cancelled', '#57606a'],
  void: ['HOLD → void', '#bc4c00'],
};

/** The overview's series in stacking order (the vocabulary's), with label and colour. */
export const SERIES: Array<[Verdict, string, string]> = VERDICTS.map((v) => [v, ...LOOK[v]]);

const W = 720;
const H = 240;
const PAD = { left: 44, right: 8, top: 10, bottom: 28 };

export function legend(): HTMLUListElement {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    ...SERIES.map(([, label, color]) => {
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = color;
      return h('li', {}, swatch, label);
    }),
  );
}

export function stackedBars(buckets: string[], series: Array<Record<string, number>>, title: string, labelOf: (iso: string) => string): SVGSVGElement {
  const totals = series.map((s) => SERIES.reduce((n, [k]) => n + (s[k] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const step = plotW / Math.max(1, buckets.length);
  const bar = Math.max(1, step * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': title });
  chart.append(svg('title', {}, title));
  for (const tick of [0, Math.round(max / 2), max]) {
    chart.append(
      svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(tick), y2: y(tick), stroke: '#d6dbe0', 'stroke-width': 1 }),
      svg('text', { x: PAD.left - 6, y: y(tick) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5c6670' }, String(tick)),
    );
  }
  const labelEvery = Math.ceil(buckets.length / 8);
  buckets.forEach((start, i) => {
    const x = PAD.left + i * step + (step - bar) / 2;
    let base = 0;
    const group = svg('g', {}, svg('title', {}, `${labelOf(start)}: ${totals[i]} decisions`));
    for (const [key, label, color] of SERIES) {
      const v = series[i]?.[key] ?? 0;
      if (v === 0) continue;
      group.append(
        svg('rect', { x, y: y(base + v), width: bar, height: y(base) - y(base + v), fill: color }, svg('title', {}, `${labelOf(start)} · ${label}: ${v}`)),
      );
      base += v;
    }
    chart.append(group);
    if (i % labelEvery === 0)
      chart.append(svg('text', { x: x + bar / 2, y: H - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#5c6670' }, labelOf(start)));
  });
  return chart;
}

/** A small line of values between 0 and 1 (a rate), for a table cell. */
export function sparkline(values: number[], label: string): SVGSVGElement {
  const w = 120;
  const hgt = 24;
  const points = values.map((v, i) => `${((i / Math.max(1, values.length - 1)) * (w - 2) + 1).toFixed(1)},${(hgt - 1 - v * (hgt - 2)).toFixed(1)}`);
  return svg(
    'svg',
    { viewBox: `0 0 ${w} ${hgt}`, width: w, height: hgt, role: 'img', 'aria-label': label },
    svg('title', {}, label),
    svg('polyline', { points: points.join(' '), fill: 'none', stroke: '#cf222e', 'stroke-width': 1.5 }),
  );
}
