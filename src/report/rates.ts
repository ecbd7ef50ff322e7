// Rates and their changes. Every rate is a count over its own base in the same period, so it lies in
// 0..1; a change is in percentage points. "Material" means a change unlikely to be noise and large
// enough to act on (documented in docs/operations.md):
//   - a rate moved by at least 5 percentage points AND a two-proportion z-test gives |z| >= 3, with
//     at least 20 in each period's base;
//   - a call volume at least doubled or at least halved, with 20 or more calls in the busier period
//     (a surface new in this period with 20 or more calls counts as doubled).
import { OUTCOMES, type Outcome } from '../core/index.js';
import { FINALS, HOLD_STATES, emptyCounts, type CallCounts, type Final, type HoldState } from './calls.js';

export const MATERIAL = { minBase: 20, minRateChange: 0.05, minAbsZ: 3, volumeFactor: 2 } as const;

export interface RateFigure {
  count: number;
  /** count / base, 0..1 (0 when the base is 0). */
  rate: number;
  previous_rate: number | null;
  /** Percentage points, current minus previous. */
  change_pp: number | null;
  material: boolean;
}

/** One group of calls (the whole period, a surface, a principal, a class) against the previous period. */
export interface CallFigures {
  calls: number;
  previous_calls: number;
  volume_material: boolean;
  decisions: Record<Outcome, RateFigure>;
  /** Among the calls held. */
  hold_outcomes: Record<HoldState, RateFigure>;
  /** Among the calls, by where each stood at the end of the period. */
  final: Record<Final, RateFigure>;
  break_glass_calls: number;
}

export function rateFigure(count: number, base: number, previousCount: number, previousBase: number): RateFigure {
  const rate = share(count, base);
  if (!previousBase) return { count, rate, previous_rate: null, change_pp: null, material: false };
  const previousRate = share(previousCount, previousBase);
  const change = rate - previousRate;
  const enough = base >= MATERIAL.minBase && previousBase >= MATERIAL.minBase;
  const material = enough && Math.abs(change) >= MATERIAL.minRateChange && Math.abs(zScore(count, base, previousCount, previousBase)) >= MATERIAL.minAbsZ;
  return { count, rate, previous_rate: previousRate, change_pp: change * 100, material };
}

/** A share kept within 0..1 whatever the counts: a count above its base is a counting fault, never a rate above 100%. */
const share = (count: number, base: number) => (base > 0 ? Math.min(1, Math.max(0, count / base)) : 0);

/** Two-proportion z-test with the pooled rate. */
function zScore(x1: number, n1: number, x2: number, n2: number): number {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  const diff = x1 / n1 - x2 / n2;
  if (se === 0) return diff === 0 ? 0 : Infinity;
  return diff / se;
}

export function volumeMaterial(calls: number, previousCalls: number): boolean {
  if (Math.max(calls, previousCalls) < MATERIAL.minBase) return false;
  return calls >= previousCalls * MATERIAL.volumeFactor || calls * MATERIAL.volumeFactor <= previousCalls;
}

function rates<K extends string>(names: K[], of: (c: CallCounts) => Record<K, number>, base: (c: CallCounts) => number, cur: CallCounts, prev: CallCounts) {
  return Object.fromEntries(names.map((n) => [n, rateFigure(of(cur)[n], base(cur), of(prev)[n], base(prev))])) as Record<K, RateFigure>;
}

export function callFigures(current: CallCounts | undefined, previous: CallCounts | undefined): CallFigures {
  const cur = current ?? emptyCounts();
  const prev = previous ?? emptyCounts();
  const calls = (c: CallCounts) => c.calls;
  return {
    calls: cur.calls,
    previous_calls: prev.calls,
    volume_material: volumeMaterial(cur.calls, prev.calls),
    decisions: rates(OUTCOMES, (c) => c.decisions, calls, cur, prev),
    hold_outcomes: rates(
      HOLD_STATES,
      (c) => c.holdOutcomes,
      (c) => c.decisions.hold,
      cur,
      prev,
    ),
    final: rates(FINALS, (c) => c.final, calls, cur, prev),
    break_glass_calls: cur.breakGlass,
  };
}

export const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;
export const points = (pp: number) => `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pp`;

/** One line per material change of a group's volume, decisions and hold outcomes. */
export function materialLines(
  name: string,
  f: Pick<CallFigures, 'calls' | 'previous_calls' | 'volume_material' | 'decisions'> & Partial<CallFigures>,
): string[] {
  const lines: string[] = [];
  if (f.volume_material) lines.push(`${name}: calls ${f.previous_calls} -> ${f.calls}`);
  const changed = (group: Record<string, RateFigure>, of: string) => {
    for (const [rate, r] of Object.entries(group))
      if (r.material) lines.push(`${name}: ${rate} ${pct(r.previous_rate!)} -> ${pct(r.rate)} of ${of} (${points(r.change_pp!)})`);
  };
  changed(f.decisions, 'calls');
  if (f.hold_outcomes) changed(f.hold_outcomes, 'holds');
  return lines;
}
