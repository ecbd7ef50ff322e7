// The shapes the console reads from the admin API. Untrusted JSON: views show fields as text and
// tolerate missing ones rather than trusting the server's types blindly. The receipt events and
// outcomes are the server's own (src/core/events.ts, bundled in: it imports nothing).
export { OUTCOMES, RECEIPT_EVENTS, REFUSALS, VERDICTS } from '../../src/core/events.js';
export type { Verdict } from '../../src/core/events.js';
export interface Vote {
  reviewer: string;
  /** The reviewer's groups when deciding. */
  groups?: string[];
  verdict: 'approve' | 'reject';
  note: string | null;
  evidence?: Record<string, string>;
  at: string;
}

/** One entry of what a held call needs: `quorum` distinct reviewers of `group`, or among `approvers`. */
export interface RequirementEntry {
  rule: string;
  group?: string;
  approvers?: string[];
  quorum: number;
}

/** A held call as the admin API shows it (its `approvalView`). */
export interface Approval {
  id: string;
  status: string;
  upstream: string;
  tool: string;
  /** Exactly as the agent sent them: untrusted text. */
  arguments: Record<string, unknown>;
  args_sha256: string;
  principal: { id: string; groups: string[] };
  rule: string;
  reason: string;
  tool_definition: Record<string, unknown> | null;
  tool_sha256: string | null;
  annotations: Record<string, unknown>;
  bundle_sha256: string;
  approvers: string[];
  /** Every entry must be met, each by its own reviewers. */
  requirement: RequirementEntry[];
  /** What every decision must carry: a note, and these evidence fields. */
  evidence_required?: { note: boolean; fields: string[] };
  decisions: Vote[];
  created_at: string;
  /** The server's idea of the age when it answered: corrects for a skewed browser clock. */
  age_ms: number;
  expires_at: string;
  decided_at: string | null;
  call_id: string;
  /** The agent's request is still open on this call: an approval lets it go ahead now, not only on a retry. */
  agent_waiting: boolean;
}

/** One line of a receipts search: the body's fields the tables show. */
export interface ReceiptRow {
  id: string;
  event: string;
  ts: string;
  seq: number;
  call_id: string | null;
  server: string | null;
  tool: string | null;
  principal: string | null;
  reason: string | null;
  approval_id: string | null;
}

export interface ReceiptEntry {
  envelope: unknown;
  body: Record<string, unknown>;
  leaf_hash: string;
}

export interface ReceiptDetail {
  receipt: ReceiptEntry;
  prev: ReceiptEntry | null;
  next: ReceiptEntry | null;
}

export interface Overview {
  from: string;
  to: string;
  bucket_ms: number;
  outcomes: string[];
  /** Start time of each bucket. */
  buckets: string[];
  surfaces: Array<{ server: string; tool: string; totals: Record<string, number>; series: Array<Record<string, number>> }>;
}

/** A pending tool definition change (GET /api/pins/drifts): both definitions are upstream text, untrusted. */
export interface Drift {
  upstream: string;
  tool: string;
  /** The approved pin; null for a new tool. */
  from: string | null;
  to: string;
  seen_at: string;
  previous: Record<string, unknown> | null;
  definition: Record<string, unknown>;
  /** Unified-style text diff from the approved definition to the presented one. */
  diff: string;
}

/** The signed-in reviewer (GET /api/whoami). */
export interface Caller {
  id: string;
  groups: string[];
  rights: string[];
}

/** A break-glass window (GET /api/break-glass): the reason and notes are reviewers' text. */
export interface BreakGlassWindow {
  id: string;
  opened_by: string;
  reason: string;
  principal: string | null;
  server: string | null;
  tool: string | null;
  opened_at: string;
  expires_at: string;
  closed_at: string | null;
  closed_by: string | null;
  open_quorum: number;
  confirmations: Array<{ by: string; at: string }>;
  reviews: Array<{ by: string; at: string; note: string }>;
  active: boolean;
}

/** Lists may come bare or wrapped as { approvals: [...] }. */
export function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const inner = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** A rate against the previous period (or, across a policy change, against the calls before it). */
export interface RateFigure {
  count: number;
  rate: number;
  previous_rate: number | null;
  change_pp: number | null;
  material: boolean;
}

/** One group of calls in the review (GET /api/review): decisions, how holds stand, where calls ended. */
export interface CallFigures {
  calls: number;
  previous_calls: number;
  volume_material: boolean;
  decisions: Record<string, RateFigure>;
  hold_outcomes: Record<string, RateFigure>;
  final: Record<string, RateFigure>;
  break_glass_calls: number;
}

/** The review (GET /api/review, docs/operations.md "The review as JSON"): names and reasons are untrusted text. */
export interface Review {
  version: string;
  period: { since: string; until: string };
  previous: { since: string; until: string };
  receipts_read: number;
  totals: CallFigures;
  surfaces: Array<CallFigures & { surface: string; server: string; tool: string; class: string }>;
  principals: Array<CallFigures & { principal: string }>;
  classes: Array<CallFigures & { class: string }>;
  policy_changes: Array<{
    at: string;
    bundle_sha256: string;
    previous_bundle_sha256: string | null;
    signed_by: Array<{ key_id: string; name: string }>;
    before: { since: string; until: string; calls: number };
    after: { since: string; until: string; calls: number };
    decisions: Record<string, RateFigure>;
    material_changes: string[];
  }>;
  constraints: {
    permits: number;
    constrained: RateFigure;
    set: { calls: number; arguments: Array<{ name: string; calls: number }> };
    timeout: { calls: number; min_ms: number | null; max_ms: number | null };
    limits: Array<{ name: string; calls: number; max: number; peak_used: number; peak_share: number; near_max: number; reached: number }>;
  };
  approval_latency: { decided: number; median_ms: number | null; p90_ms: number | null };
  expired_holds: { total: number; by_surface: Record<string, number> };
  approvals: {
    approved: number;
    voided: number;
    snapshot_mismatch: RateFigure;
    votes: Array<{ at: string; approval: string; surface: string; reviewer: string; groups: string[]; verdict: string }>;
  };
  break_glass: Array<{
    id: string;
    opened_by: string;
    reason: string;
    opened_at?: string;
    closed_at?: string;
    reviewed: boolean;
    reviews: Array<{ by: string; at: string; note?: string }>;
    calls: number;
    let_through: Array<{ call_id: string; ts: string; surface: string; principal: string; overrode: string }>;
  }>;
  break_glass_unreviewed: Array<{ id: string; opened_by: string; reason: string; opened_at?: string }>;
  material_changes: string[];
  /** What a shadow candidate would have decided differently (absent from a gateway that predates it). */
  shadow?: {
    differs: number;
    candidates: string[];
    surfaces: Array<{ server: string; tool: string; differs: number; changes: Array<{ from: string; to: string; other_rules: boolean; calls: number }> }>;
  };
}
