// The review's policy-change section: each bundle that took effect in the period, beside the
// decision rates of the calls before it and after it, with the surfaces whose rates moved
// materially, so a jump in holds stands next to the change that caused it.
import { OUTCOMES, type Outcome } from '../core/index.js';
import type { PolicyTimeline, Stretch, SurfaceDecisions } from './policy-timeline.js';
import { materialLines, rateFigure, volumeMaterial, type RateFigure } from './rates.js';

interface Span {
  since: string;
  until: string;
  calls: number;
}

export interface PolicyChangeReview {
  at: string;
  bundle_sha256: string;
  previous_bundle_sha256: string | null;
  /** The reviewers whose signatures admitted the bundle (docs/receipts.md §1.7). */
  signed_by: Array<{ key_id: string; name: string }>;
  files: Array<{ name: string; sha256: string }>;
  before: Span;
  after: Span;
  /** After against before. */
  decisions: Record<Outcome, RateFigure>;
  /** The surfaces whose calls or decision rates changed materially across the change. */
  surfaces: Array<{ server: string; tool: string; calls: number; previous_calls: number; decisions: Record<Outcome, RateFigure> }>;
  material_changes: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function decisions(
  after: Pick<Stretch, 'calls' | 'decisions'> | undefined,
  before: Pick<Stretch, 'calls' | 'decisions'> | undefined,
): Record<Outcome, RateFigure> {
  const count = (s: typeof after, o: Outcome) => s?.decisions[o] ?? 0;
  return Object.fromEntries(OUTCOMES.map((o) => [o, rateFigure(count(after, o), after?.calls ?? 0, count(before, o), before?.calls ?? 0)])) as Record<
    Outcome,
    RateFigure
  >;
}

export function policyChangeReviews(timeline: PolicyTimeline, sinceMs: number, untilMs: number): PolicyChangeReview[] {
  return timeline.changesSince(sinceMs, untilMs).map(({ before, after, afterUntilMs }) => {
    const change = after.change!;
    const all = decisions(after, before);
    const surfaces = [...new Set([...before.surfaces.keys(), ...after.surfaces.keys()])].sort().map((key) => {
      const a = after.surfaces.get(key);
      const b = before.surfaces.get(key);
      const { server, tool } = (a ?? b) as SurfaceDecisions;
      return { key, server, tool, calls: a?.calls ?? 0, previous_calls: b?.calls ?? 0, decisions: decisions(a, b) };
    });
    const moved = surfaces
      .map((s) => ({ s, lines: materialLines(s.key, { ...s, volume_material: volumeMaterial(s.calls, s.previous_calls) }) }))
      .filter((m) => m.lines.length);
    return {
      at: change.at,
      bundle_sha256: change.bundle_sha256,
      previous_bundle_sha256: change.previous_bundle_sha256,
      signed_by: change.signed_by,
      files: change.files,
      before: { since: iso(before.sinceMs), until: iso(after.sinceMs), calls: before.calls },
      after: { since: iso(after.sinceMs), until: iso(afterUntilMs), calls: after.calls },
      decisions: all,
      surfaces: moved.map(({ s: { key: _key, ...s } }) => s),
      material_changes: moved.flatMap((m) => m.lines),
    };
  });
}
