// The receipt body (v1): a union keyed on `event`. Call events describe one event of one governed
// request (a tools/call, or a request such as resources/read); `rotate` records a signing-key
// hand-over and `policy_change` a policy bundle taking effect. The events come from core/events.ts; the zod schemas are the source of the types.
import { z } from 'zod';
import { CALL_EVENTS, GOVERNED_METHODS, OUTCOMES, RECEIPT_EVENTS } from '../core/index.js';
import { isCanonicalBase64, KEY_ID_PATTERN } from './dsse.js';
import { ReceiptError } from './errors.js';
import { eventFieldProblem } from './event-rules.js';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256 (64 digits)');
const text = (max: number) => z.string().max(max);
const name = z.string().min(1).max(256);
/** RFC 3339 in UTC with "Z"; toolgate writes milliseconds. */
export const Rfc3339UtcText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
export const Rfc3339Utc = z
  .string()
  .regex(Rfc3339UtcText, 'RFC 3339 UTC time, e.g. 2026-01-02T03:04:05.678Z')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date');

/** Any event a receipt may carry (the console's filter and the receipts search accept exactly these). */
export const ReceiptEventSchema = z.enum(RECEIPT_EVENTS);

export const ReceiptIdSchema = z.string().regex(/^rcpt_[0-9A-HJKMNP-TV-Z]{26}$/, 'rcpt_ followed by a 26-character ULID');

/**
 * A receipt key certified by a long-term keyring key (certificate.ts): a PKCS#11 token keeps the
 * long-term key and certifies short-lived receipt keys that live only in the gateway's memory.
 */
export const KeyCertificateSchema = z.strictObject({
  /** base64 of the certified raw 32-byte public key; its key id is the receipt's issuer.key_id. */
  public_key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
  not_before: Rfc3339Utc,
  not_after: Rfc3339Utc,
  /** The keyring key that certifies it. */
  by: z.string().regex(KEY_ID_PATTERN),
  /** base64 of the 64-byte signature by `by` (certificate.ts says over what). */
  sig: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'base64 of 64 bytes'),
});

const envelopeFields = {
  v: z.literal(1),
  id: ReceiptIdSchema,
  ts: Rfc3339Utc,
  issuer: z.strictObject({ id: name, key_id: z.string().regex(KEY_ID_PATTERN), cert: KeyCertificateSchema.optional() }),
  chain: z.strictObject({ id: name, seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), prev: hex64.nullable() }),
};

/** Receipts hold URIs of at most this many characters (a longer one is cut, and its request refused). */
export const MAX_RECEIPT_URI = 4096;

export const CallSchema = z.strictObject({
  id: name,
  session: text(256),
  rpc_id: z.union([z.string().max(256), z.number().int(), z.null()]),
  /** The MCP method; absent for tools/call (receipts written before methods were governed have none). */
  method: z.enum(GOVERNED_METHODS).exclude(['tools/call']).optional(),
  server: name,
  /** The tool; the prompt for prompts/get and prompt completions; the method for a request about a resource. */
  tool: name,
  /** The resource a request is about (a URI, or a URI template for completion/complete). */
  uri: z.string().min(1).max(MAX_RECEIPT_URI).optional(),
  tool_sha256: hex64.nullable(),
  args_sha256: hex64,
  /** Present when constraints rewrote the arguments: the hash of what was actually forwarded. */
  effective_args_sha256: hex64.optional(),
  /** On an execution's receipts: the identity of the upstream it was sent to (docs/receipts.md §1.3), with `server` and `tool_sha256` what ran where. */
  upstream_sha256: hex64.optional(),
  /** On a decision receipt of a client of the 2026-07-28 era: the revision its request named. Absent for session-era (2025-11-25) clients. */
  protocol_version: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});

/** One entry of an approval requirement in plain form: `quorum` distinct reviewers of `group`, or among `approvers` (ids or "group:<name>"). */
export const ApprovalEntrySchema = z.union([
  z.strictObject({ rule: name, group: name, quorum: z.number().int().min(1).max(1000) }),
  z.strictObject({ rule: name, approvers: z.array(name).min(1).max(256), quorum: z.number().int().min(1).max(1000) }),
]);

/** A named evidence field of a reviewer's decision (e.g. "ticket"), and its value. */
export const EvidenceFieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a field name: a letter, then letters, digits, "_", "." or "-" (at most 64)');
export const EvidenceValuesSchema = z.record(EvidenceFieldName, z.string().min(1).max(256));

/** One reviewer's decision as receipts record it: with the groups the reviewer was in when deciding. */
const VoteRecordSchema = z.strictObject({
  reviewer: name,
  groups: z.array(name).max(256),
  verdict: z.enum(['approve', 'reject']),
  note: text(2000).optional(),
  evidence: EvidenceValuesSchema.optional(),
  at: Rfc3339Utc,
});

export const CallReceiptSchema = z.strictObject({
  ...envelopeFields,
  event: z.enum(CALL_EVENTS),
  call: CallSchema,
  /** groups: the principal's groups when the call was decided (replay judges the call with them). */
  principal: z.strictObject({ id: name, groups: z.array(name).max(256).optional() }),
  policy: z.strictObject({ bundle_sha256: hex64, rules: z.array(name).max(256), effect: name, reason: text(4096) }),
  approval: z
    .strictObject({
      id: name,
      approvers: z.array(name).max(256),
      decided_by: z.array(name).max(256).optional(),
      note: text(4096).optional(),
      expires_at: Rfc3339Utc.optional(),
      /** Who had to approve (every entry, by distinct reviewers), and the hash the approval is bound to. */
      requirement: z.array(ApprovalEntrySchema).max(256).optional(),
      requirement_sha256: hex64.optional(),
      /** On a `vote` receipt: the decision it records. */
      vote: VoteRecordSchema.optional(),
      /** On the end of a hold and on the execution: every decision so far. */
      votes: z.array(VoteRecordSchema).max(256).optional(),
    })
    .optional(),
  /** The upstream's answer: the hash of its result, or of its JSON-RPC error (a `fail`), whose code is `error_code`. */
  result: z.strictObject({ sha256: hex64, is_error: z.boolean(), error_code: z.number().int().optional() }).optional(),
  /**
   * On a permitted call and its execution receipt: the constraints applied. `set`: the arguments a
   * `set` constraint changed (names; call.effective_args_sha256 is the hash of what was forwarded);
   * `timeout_ms`: the deadline the gate enforced; `limits`: each limit charged, with its counter
   * after the charge.
   */
  constraints: z
    .strictObject({
      set: z.array(name).min(1).max(256).optional(),
      timeout_ms: z.number().int().positive().optional(),
      limits: z
        .array(z.strictObject({ name, used: z.number().nonnegative(), max: z.number().nonnegative() }))
        .min(1)
        .max(256)
        .optional(),
    })
    .optional(),
  /** Leaf hash of the receipt this one follows (complete -> permit, approve -> hold). */
  ref: hex64.optional(),
  /** On calls let through by a break-glass window, and on the window's own receipts (with expires_at; a review with its note). */
  break_glass: z.strictObject({ id: name, opened_by: name, reason: text(4096), expires_at: Rfc3339Utc.optional(), note: text(4096).optional() }).optional(),
  /** On a decision the shadow candidate (policy.shadow) decided differently: what it would have decided, by which rules. */
  shadow: z.strictObject({ bundle_sha256: hex64, effect: z.enum(OUTCOMES), rules: z.array(name).max(256) }).optional(),
});

export const RotateReceiptSchema = z.strictObject({
  ...envelopeFields,
  event: z.literal('rotate'),
  rotation: z.strictObject({
    from_key_id: z.string().regex(KEY_ID_PATTERN),
    to_key_id: z.string().regex(KEY_ID_PATTERN),
    /** base64 of the new raw 32-byte public key. */
    to_public_key: z
      .string()
      .regex(/^[A-Za-z0-9+/]{43}=$/)
      .refine(isCanonicalBase64, 'not canonical base64 (padding bits must be zero)'),
    not_before: Rfc3339Utc,
  }),
});

/** A policy bundle took effect (at start or on a reload): what it replaced, what it is made of, who signed it. */
export const PolicyChangeReceiptSchema = z.strictObject({
  ...envelopeFields,
  event: z.literal('policy_change'),
  policy_change: z.strictObject({
    /** The bundle in force before; null for the first bundle of a process. */
    previous_bundle_sha256: hex64.nullable(),
    bundle_sha256: hex64,
    /** Every file of the bundle (the policy files, and the surface registry when there is one) by the sha256 of its content. */
    files: z.array(z.strictObject({ name, sha256: hex64 })).max(10_000),
    /** The reviewers whose signatures over the bundle counted (empty without policy.require_signatures): key id and keyring name. */
    signed_by: z.array(z.strictObject({ key_id: z.string().regex(KEY_ID_PATTERN), name })).max(256),
  }),
});

/** Each call event's own fields and effects (event-rules.ts), on bodies and drafts alike. */
const eventRules = (ctx: z.core.ParsePayload<{ event: string }>) => {
  if (ctx.value.event === 'rotate' || ctx.value.event === 'policy_change') return;
  const problem = eventFieldProblem(ctx.value as Parameters<typeof eventFieldProblem>[0]);
  if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value, path: [] });
};

export const ReceiptBodySchema = z.discriminatedUnion('event', [CallReceiptSchema, RotateReceiptSchema, PolicyChangeReceiptSchema]).check(eventRules);

const assigned = { v: true, id: true, ts: true, issuer: true, chain: true } as const;
/** What the gate hands to the ledger: the body minus what the ledger assigns (v, id, ts, issuer, chain). */
export const ReceiptDraftSchema = z
  .discriminatedUnion('event', [CallReceiptSchema.omit(assigned), RotateReceiptSchema.omit(assigned), PolicyChangeReceiptSchema.omit(assigned)])
  .check(eventRules);

export type ReceiptBody = z.infer<typeof ReceiptBodySchema>;
export type CallReceiptBody = z.infer<typeof CallReceiptSchema>;
export type RotateReceiptBody = z.infer<typeof RotateReceiptSchema>;
export type PolicyChangeReceiptBody = z.infer<typeof PolicyChangeReceiptSchema>;

/** What a receipt with a body of its own is about, in one line (key hand-over, policy change). */
export function ownBodySubject(body: RotateReceiptBody | PolicyChangeReceiptBody): string {
  if (body.event === 'rotate') return `${body.rotation.from_key_id} -> ${body.rotation.to_key_id}`;
  const c = body.policy_change;
  return `policy ${c.previous_bundle_sha256?.slice(0, 12) ?? '(none)'} -> ${c.bundle_sha256.slice(0, 12)}`;
}

/** Whether a receipt describes a call (every event but those with a body of their own). */
export function isCallReceipt(body: ReceiptBody): body is CallReceiptBody {
  return 'call' in body;
}
export type ReceiptDraft = z.infer<typeof ReceiptDraftSchema>;
export type ReceiptEvent = ReceiptBody['event'];
export type KeyCertificate = z.infer<typeof KeyCertificateSchema>;

/** Untrusted input (a file, a client): a receipt body or a typed error naming the first bad field. */
export function assertReceiptBody(value: unknown): ReceiptBody {
  const parsed = ReceiptBodySchema.safeParse(value);
  if (!parsed.success) throw new ReceiptError('body_invalid', `receipt body: ${describe(parsed.error)}`);
  return parsed.data;
}

export function assertReceiptDraft(value: unknown): ReceiptDraft {
  const parsed = ReceiptDraftSchema.safeParse(value);
  if (!parsed.success) throw new ReceiptError('body_invalid', `receipt draft: ${describe(parsed.error)}`);
  return parsed.data;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.') || '(top level)';
  return `${path}: ${issue.message}`;
}
