// The weekly review built from the collected figures: rates per surface against the previous
// period, with material changes flagged. "Material" means a change unlikely to be noise and large
// enough to act on (documented in docs/operations.md):
//   - a rate (an effect among calls, or an outcome among holds) moved by at least 5 percentage
//     points AND a two-proportion z-test gives |z| >= 3, with at least 20 in each period's base;
//   - a surface's call volume at least doubled or at least halved, with 20 or more calls in the
//     busier period (a surface new in this period with 20 or more calls counts as doubled).
import { HOLD_ENDS, OUTCOMES } from '../core/index.js';
import type { BreakGlassUse, UnreviewedWindow } from './break-glass.js';
import { collect, type Collected, type PeriodFigures, type SurfaceFigures, type VoteSeen } from './collect.js';

export const MATERIAL = { minBase: 20, minRateChange: 0.05, minAbsZ: 3, volumeFactor: 2 } as const;

export interface RateFigure {
  count: number;
  rate: number;
  previous_rate: number | null;
  /** Percentage points, current minus previous. */
  change_pp: number | null;
  material: boolean;
}

export interface SurfaceReview {
  surface: string;
  calls: number;
  previous_calls: number;
  volume_material: boolean;
  effects: Record<string, RateFigure>;
  /** Rates among this surface's holds. */
  hold_outcomes: Record<string, RateFigure>;
  break_glass_calls: number;
}

export interface Review {
  ledger: string;
  period: { since: string; until: string };
  previous: { since: string; until: string };
  receipts_read: number;
  calls: number;
  previous_calls: number;
  surfaces: SurfaceReview[];
  approval_latency: { decided: number; median_ms: number | null; p90_ms: number | null };
  expired_holds: { total: number; by_surface: Record<string, number> };
  /**
   * Approvals granted in the period and still standing, and approvals voided in it (the call had
   * changed by release: policy, requirement, tool definition or arguments). The snapshot-mismatch
   * rate is voided / (approved + voided), against the previous period.
   */
  approvals: { approved: number; voided: number; snapshot_mismatch: RateFigure; votes: VoteSeen[] };
  break_glass: BreakGlassUse[];
  /** Windows not reviewed by the end of the period, wherever they opened. */
  break_glass_unreviewed: UnreviewedWindow[];
  material_changes: string[];
}

/** The review of the ledger in `dir` for [since, until), against the period of equal length before it. */
export async function buildReview(dir: string, since: Date, until: Date): Promise<Review> {
  return review(dir, await collect(dir, since.getTime(), until.getTime()));
}

export function review(ledger: string, collected: Collected): Review {
  const { current, previous } = collected;
  const names = [...new Set([...current.surfaces.keys(), ...previous.surfaces.keys()])].sort();
  const surfaces = names.map((name) => surfaceReview(name, current.surfaces.get(name), previous.surfaces.get(name)));
  const expired = Object.fromEntries(surfaces.filter((s) => (s.hold_outcomes.expire?.count ?? 0) > 0).map((s) => [s.surface, s.hold_outcomes.expire!.count]));
  const latencies = [...current.approvalLatenciesMs].sort((a, b) => a - b);
  return {
    ledger,
    period: span(current),
    previous: span(previous),
    receipts_read: collected.receiptsRead,
    calls: total(current),
    previous_calls: total(previous),
    surfaces,
    approval_latency: { decided: latencies.length, median_ms: quantile(latencies, 0.5), p90_ms: quantile(latencies, 0.9) },
    expired_holds: { total: Object.values(expired).reduce((a, b) => a + b, 0), by_surface: expired },
    approvals: approvalFigures(current, previous),
    break_glass: collected.breakGlass,
    break_glass_unreviewed: collected.unreviewed,
    material_changes: surfaces.flatMap(materialLines),
  };
}

function approvalFigures(current: PeriodFigures, previous: PeriodFigures): Review['approvals'] {
  const granted = (p: PeriodFigures) => p.approved.size + p.voided.size;
  const { approved, voided } = current;
  return {
    approved: approved.size,
    voided: voided.size,
    snapshot_mismatch: rateFigure(voided.size, granted(current), previous.voided.size, granted(previous)),
    votes: current.votes,
  };
}

function surfaceReview(surface: string, cur: SurfaceFigures | undefined, prev: SurfaceFigures | undefined): SurfaceReview {
  const calls = cur?.calls ?? 0;
  const previousCalls = prev?.calls ?? 0;
  const holds = cur?.effects.hold ?? 0;
  const previousHolds = prev?.effects.hold ?? 0;
  return {
    surface,
    calls,
    previous_calls: previousCalls,
    volume_material: volumeMaterial(calls, previousCalls),
    effects: Object.fromEntries(OUTCOMES.map((e) => [e, rateFigure(cur?.effects[e] ?? 0, calls, prev?.effects[e] ?? 0, previousCalls)])),
    hold_outcomes: Object.fromEntries(HOLD_ENDS.map((o) => [o, rateFigure(cur?.holdOutcomes[o] ?? 0, holds, prev?.holdOutcomes[o] ?? 0, previousHolds)])),
    break_glass_calls: cur?.breakGlassCalls ?? 0,
  };
}

export function rateFigure(count: number, base: number, previousCount: number, previousBase: number): RateFigure {
  const rate = base ? count / base : 0;
  if (!previousBase) return { count, rate, previous_rate: null, change_pp: null, material: false };
  const previousRate = previousCount / previousBase;
  const change = rate - previousRate;
  const enough = base >= MATERIAL.minBase && previousBase >= MATERIAL.minBase;
  const material = enough && Math.abs(change) >= MATERIAL.minRateChange && Math.abs(zScore(count, base, previousCount, previousBase)) >= MATERIAL.minAbsZ;
  return { count, rate, previous_rate: previousRate, change_pp: change * 100, material };
}

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

function materialLines(s: SurfaceReview): string[] {
  const lines: string[] = [];
  if (s.volume_material) lines.push(`${s.surface}: calls ${s.previous_calls} -> ${s.calls}`);
  const rates = (group: Record<string, RateFigure>, of: string) => {
    for (const [name, f] of Object.entries(group)) {
      if (f.material)
        lines.push(`${s.surface}: ${name} ${pct(f.previous_rate!)} -> ${pct(f.rate)} of ${of} (${f.change_pp! > 0 ? '+' : ''}${f.change_pp!.toFixed(1)} pp)`);
    }
  };
  rates(s.effects, 'calls');
  rates(s.hold_outcomes, 'holds');
  return lines;
}

export const pct = (rate: number) => `${(rate * 100).toFixed(1)}%`;

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const span = (p: PeriodFigures) => ({ since: new Date(p.sinceMs).toISOString(), until: new Date(p.untilMs).toISOString() });
const total = (p: PeriodFigures) => [...p.surfaces.values()].reduce((n, s) => n + s.calls, 0);
