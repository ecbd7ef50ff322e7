// The periodic review built from the collected figures (docs/operations.md, "The review as JSON"):
// each call once, with its decision and final outcome, per surface, principal and class against
// the previous period; the policy changes with the rates before and after them; constraint usage;
// approval integrity; break-glass; what a shadow candidate would have decided differently.
import type { BreakGlassUse, UnreviewedWindow } from './break-glass.js';
import { collect, UNCLASSIFIED, type ClassOf, type Collected, type PeriodFigures, type VoteSeen } from './collect.js';
import type { LimitUse } from './constraints.js';
import { policyChangeReviews, type PolicyChangeReview } from './policy-changes.js';
import { callFigures, materialLines, rateFigure, type CallFigures, type RateFigure } from './rates.js';
import type { ShadowReview } from './shadow.js';

export const REVIEW_VERSION = 'toolgate.review/v1';

export type SurfaceReview = { surface: string; server: string; tool: string; class: string } & CallFigures;
export type PrincipalReview = { principal: string } & CallFigures;
export type ClassReview = { class: string } & CallFigures;

export interface ConstraintReview {
  /** Calls let through in the period (`permit` receipts). */
  permits: number;
  /** Among them, those that ran under constraints. */
  constrained: RateFigure;
  set: { calls: number; arguments: Array<{ name: string; calls: number }> };
  timeout: { calls: number; min_ms: number | null; max_ms: number | null };
  limits: LimitUse[];
}

export interface Review {
  version: typeof REVIEW_VERSION;
  ledger: string;
  period: { since: string; until: string };
  previous: { since: string; until: string };
  receipts_read: number;
  totals: CallFigures;
  surfaces: SurfaceReview[];
  principals: PrincipalReview[];
  classes: ClassReview[];
  policy_changes: PolicyChangeReview[];
  constraints: ConstraintReview;
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
  /** What a shadow candidate (policy.shadow) would have decided differently, per surface. */
  shadow: ShadowReview;
  material_changes: string[];
}

export interface ReviewOptions {
  /** The class of a surface (the surface registry's); surfaces without one are "unclassified". */
  classOf?: ClassOf;
}

/** The review of the ledger in `dir` for [since, until), against the period of equal length before it. */
export async function buildReview(dir: string, since: Date, until: Date, options: ReviewOptions = {}): Promise<Review> {
  return review(dir, await collect(dir, since.getTime(), until.getTime(), options.classOf));
}

export function review(ledger: string, collected: Collected): Review {
  const { current, previous } = collected;
  const surfaces = keysOf(current.surfaces, previous.surfaces)
    .map((key) => {
      const cur = current.surfaces.get(key);
      const { server, tool, class: cls } = (cur ?? previous.surfaces.get(key))!;
      return { surface: key, server, tool, class: cls, ...callFigures(cur, previous.surfaces.get(key)) };
    })
    .sort((a, b) => a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool));
  const principals = keysOf(current.principals, previous.principals)
    .map((principal) => ({ principal, ...callFigures(current.principals.get(principal), previous.principals.get(principal)) }))
    .sort((a, b) => b.calls - a.calls || a.principal.localeCompare(b.principal));
  const classes = keysOf(current.classes, previous.classes)
    .map((cls) => ({ class: cls, ...callFigures(current.classes.get(cls), previous.classes.get(cls)) }))
    .sort((a, b) => Number(a.class === UNCLASSIFIED) - Number(b.class === UNCLASSIFIED) || a.class.localeCompare(b.class));
  const expired = Object.fromEntries(surfaces.filter((s) => s.hold_outcomes.expire.count > 0).map((s) => [s.surface, s.hold_outcomes.expire.count]));
  const latencies = [...current.approvalLatenciesMs].sort((a, b) => a - b);
  return {
    version: REVIEW_VERSION,
    ledger,
    period: span(current),
    previous: span(previous),
    receipts_read: collected.receiptsRead,
    totals: callFigures(current.totals, previous.totals),
    surfaces,
    principals,
    classes,
    policy_changes: policyChangeReviews(collected.policy, current.sinceMs, current.untilMs),
    constraints: constraintReview(current, previous),
    approval_latency: { decided: latencies.length, median_ms: quantile(latencies, 0.5), p90_ms: quantile(latencies, 0.9) },
    expired_holds: { total: Object.values(expired).reduce((a, b) => a + b, 0), by_surface: expired },
    approvals: approvalFigures(current, previous),
    break_glass: collected.breakGlass,
    break_glass_unreviewed: collected.unreviewed,
    shadow: collected.shadow.review(),
    material_changes: surfaces.flatMap((s) => materialLines(s.surface, s)),
  };
}

const keysOf = <V>(a: Map<string, V>, b: Map<string, V>) => [...new Set([...a.keys(), ...b.keys()])];

function constraintReview(current: PeriodFigures, previous: PeriodFigures): ConstraintReview {
  const c = current.constraints;
  const p = previous.constraints;
  return {
    permits: c.permits,
    constrained: rateFigure(c.constrained, c.permits, p.constrained, p.permits),
    set: {
      calls: c.setCalls,
      arguments: [...c.setArguments].map(([name, calls]) => ({ name, calls })).sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name)),
    },
    timeout: { calls: c.timeoutCalls, min_ms: c.minTimeoutMs, max_ms: c.maxTimeoutMs },
    limits: c.limits(),
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

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const span = (p: PeriodFigures) => ({ since: new Date(p.sinceMs).toISOString(), until: new Date(p.untilMs).toISOString() });
