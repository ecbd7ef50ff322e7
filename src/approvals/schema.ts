// The held call as stored: one record per approval, from hold to execution. The zod schema is the
// source of the type, and records read back from the store are parsed with it (the file is data).
import { z } from 'zod';
import { GOVERNED_METHODS, type ShadowDecision } from '../core/call.js';
import { ToolgateError } from '../core/errors.js';
import { ApprovalEntrySchema, EvidenceValuesSchema } from '../receipts/index.js';

export class ApprovalError extends ToolgateError<
  'not_found' | 'not_an_approver' | 'self_approval' | 'already_voted' | 'expired' | 'not_pending' | 'evidence_missing' | 'invalid_record' | 'record_failed'
> {}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const isoTime = z.iso.datetime();

export const ApprovalStatusSchema = z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executed', 'voided']);

export const VoteSchema = z.strictObject({
  reviewer: z.string(),
  /** The reviewer's groups when deciding: the requirement is judged by these (and an auditor checks them offline). */
  groups: z.array(z.string()).default([]),
  verdict: z.enum(['approve', 'reject']),
  note: z.string().nullable(),
  /** The named evidence fields the reviewer gave (e.g. { ticket: "CHG-1" }). */
  evidence: EvidenceValuesSchema.default({}),
  at: isoTime,
});

const HeldCallShape = z.strictObject({
  id: z.string().regex(/^apr_[A-Za-z0-9]{20,}$/),
  status: ApprovalStatusSchema,
  /** Bumped by every change: a write applies only over the revision it was computed from. */
  rev: z.number().int().nonnegative(),
  call: z.strictObject({
    id: z.string(),
    session: z.string(),
    rpc_id: z.union([z.string(), z.number()]),
    principal: z.strictObject({ id: z.string(), groups: z.array(z.string()) }),
    /** The MCP method, when not tools/call. */
    method: z.enum(GOVERNED_METHODS).exclude(['tools/call']).optional(),
    server: z.string(),
    tool: z.string(),
    /** The resource a held resources/read (or subscribe, or completion) is about. */
    uri: z.string().optional(),
    /** Exactly as the client sent them: the reviewer decides on these. */
    args: z.record(z.string(), z.unknown()),
    args_sha256: sha256Hex,
    tool_sha256: sha256Hex.nullable(),
    tool_definition: z.record(z.string(), z.unknown()).nullable(),
    annotations: z.record(z.string(), z.unknown()),
    /** The MCP revision the request named (a client of the stateless 2026-07-28 era): the `hold` receipt records it. */
    protocol_version: z.string().optional(),
  }),
  rule_id: z.string(),
  reason: z.string(),
  /** Who must approve: every entry, each by its own reviewers (see requirement.ts). */
  requirement: z.array(ApprovalEntrySchema).min(1),
  /** Everyone who may decide, from the requirement ("group:<name>" for a group entry). */
  approvers: z.array(z.string()),
  /** What every decision must carry. */
  evidence: z.strictObject({ note: z.boolean(), fields: z.array(z.string()) }).default({ note: false, fields: [] }),
  timeout_ms: z.number().int().positive(),
  decisions: z.array(VoteSchema),
  bundle_sha256: sha256Hex,
  webhooks: z.array(z.string()).default([]),
  created_at: isoTime,
  /** Reviewers must decide before this. */
  expires_at: isoTime,
  /** Set on approval: the approved call must be executed (by the held request or a retry) before this. */
  valid_until: isoTime.nullable(),
  decided_at: isoTime.nullable(),
  executed_at: isoTime.nullable(),
  /** Leaf hash of the `hold` receipt, returned by the recorder; `approve` references it. */
  hold_leaf: sha256Hex.nullable(),
  /** What the approval is bound to besides the call: the arguments forwarded, the deciding rules, the requirement (see binding.ts). */
  effective_args_sha256: sha256Hex.nullable().default(null),
  rules: z.array(z.string()).default([]),
  requirement_sha256: sha256Hex.nullable().default(null),
  /** Why the approval was voided at release (the policy or the tool changed since it was granted). */
  void_reason: z.string().nullable().default(null),
  /** principal, server, tool and args_sha256 (and method and uri, but for tools/call): an identical retry finds its approval by this. */
  retry_key: z.string(),
});

/**
 * Approvals stored before requirements had entries (`approvers` + `quorum`, a drifted tool's
 * `pin_approvers`, one `webhook`) read as the entries they meant. Their requirement hash no longer
 * matches one computed now, so such an approval is voided at release rather than honoured.
 */
function fromEarlierShape(doc: unknown): unknown {
  if (typeof doc !== 'object' || doc === null || 'requirement' in doc) return doc;
  const { quorum, pin_approvers, webhook, decisions, ...rest } = doc as Record<string, unknown> & { approvers?: string[]; rule_id?: string };
  const pins = (pin_approvers as string[] | undefined) ?? [];
  const requirement = [{ rule: rest.rule_id, approvers: rest.approvers, quorum }, ...(pins.length ? [{ rule: 'pin-drift', approvers: pins, quorum: 1 }] : [])];
  const votes = Array.isArray(decisions) ? decisions.map(({ counts_for: _, ...vote }: Record<string, unknown>) => vote) : decisions;
  return { ...rest, approvers: [...new Set([...(rest.approvers ?? []), ...pins])], requirement, decisions: votes, webhooks: webhook ? [webhook] : [] };
}

export const HeldCallSchema = z.preprocess(fromEarlierShape, HeldCallShape);

export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;
export type Vote = z.infer<typeof VoteSchema>;
export type HeldCall = z.infer<typeof HeldCallSchema>;

/** What happened to an approval: the recorder writes a receipt for it, subscribers see it. */
export type ChangeKind = 'hold' | 'vote' | 'approve' | 'reject' | 'expire' | 'cancel' | 'execute' | 'void';

export interface ApprovalChange {
  kind: ChangeKind;
  /** The approval as it is (or will be, for the recorder) after the change. */
  approval: HeldCall;
  /** The vote that caused it, for vote / approve / reject. */
  vote?: Vote;
  /** On a hold: the shadow candidate's decision where it differed (the hold receipt records it; the approval does not keep it). */
  shadow?: ShadowDecision;
}

/** A receipt as the recorder wrote it: the service only reads its leaf hash (`approve` refers to the `hold`). */
export interface RecordedReceipt {
  leafHash: string;
}

/** An approval as a change left it, with the receipt that change wrote, if any. */
export interface Settled<R extends RecordedReceipt = RecordedReceipt> {
  approval: HeldCall;
  receipt?: R;
}

// The store hands out frozen documents and replaces them on every change, so a document parsed once
// needs no second parse: listing thousands of held calls stays cheap.
const parsedDocs = new WeakMap<object, HeldCall>();

export function parseHeldCall(doc: unknown): HeldCall {
  const cacheable = typeof doc === 'object' && doc !== null && Object.isFrozen(doc);
  const hit = cacheable ? parsedDocs.get(doc) : undefined;
  if (hit) return hit;
  const parsed = HeldCallSchema.safeParse(doc);
  if (!parsed.success) throw new ApprovalError('invalid_record', `stored approval is invalid: ${parsed.error.issues[0]?.message}`);
  const approval = Object.freeze(parsed.data);
  if (cacheable) parsedDocs.set(doc, approval);
  return approval;
}
