// The Review page's charts (inline SVG, no library): each row's calls as a 100% bar split by
// decision, and a policy change's decision rates before and after it side by side.
import { svg } from './dom.js';
import { SERIES } from './chart.js';
import { OUTCOMES, type CallFigures, type RateFigure } from './model.js';

const DECISIONS = SERIES.filter(([k]) => (OUTCOMES as readonly string[]).includes(k));
const W = 720;
const LABEL = 200;
const ROW = 22;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One horizontal bar per row, split into the shares of its calls by decision. */
export function decisionShares(rows: Array<{ label: string; figures: CallFigures }>, title: string): SVGSVGElement {
  const height = rows.length * ROW + 4;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title }, svg('title', {}, title));
  rows.forEach(({ label, figures }, i) => {
    const y = i * ROW + 2;
    chart.append(svg('text', { x: LABEL - 6, y: y + 14, 'text-anchor': 'end', 'font-size': 11, fill: '#24292f' }, label));
    let x = LABEL;
    for (const [key, name, color] of DECISIONS) {
      const share = figures.decisions[key]?.rate ?? 0;
      const width = share * (W - LABEL - 8);
      if (width <= 0) continue;
      chart.append(svg('rect', { x, y, width, height: ROW - 6, fill: color }, svg('title', {}, `${label} · ${name}: ${pct(share)} of ${figures.calls} calls`)));
      x += width;
    }
  });
  return chart;
}

/** Each decision's rate before a policy change (pale) and after it (full), with the change in points. */
export function beforeAfter(decisions: Record<string, RateFigure>, title: string): SVGSVGElement {
  const height = DECISIONS.length * 2 * 12 + DECISIONS.length * 8;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title }, svg('title', {}, title));
  const scale = W - LABEL - 120;
  DECISIONS.forEach(([key, name, color], i) => {
    const f = decisions[key];
    const y = i * 32;
    const before = f?.previous_rate ?? 0;
    const after = f?.rate ?? 0;
    chart.append(
      svg('text', { x: LABEL - 6, y: y + 16, 'text-anchor': 'end', 'font-size': 11, fill: '#24292f' }, name),
      svg('rect', { x: LABEL, y, width: before * scale, height: 11, fill: color, 'fill-opacity': 0.35 }, svg('title', {}, `${name} before: ${pct(before)}`)),
      svg('rect', { x: LABEL, y: y + 12, width: after * scale, height: 11, fill: color }, svg('title', {}, `${name} after: ${pct(after)}`)),
      svg(
        'text',
        { x: LABEL + Math.max(before, after) * scale + 6, y: y + 16, 'font-size': 11, fill: '#24292f' },
        `${pct(before)} → ${pct(after)}${f?.change_pp == null ? '' : ` (${f.change_pp >= 0 ? '+' : ''}${f.change_pp.toFixed(1)} pp)`}`,
      ),
    );
  });
  return chart;
}
