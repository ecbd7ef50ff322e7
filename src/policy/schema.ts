// The policy file contract (toolgate.policy/v1) as zod schemas: the source of the types and of
// the JSON Schema. Every object is strict, so a misspelt key is an error rather than a rule that
// silently matches more than its author meant.
import { z } from 'zod';
import { GOVERNED_METHODS, type Outcome } from '../core/index.js';

export const POLICY_VERSION = 'toolgate.policy/v1';

const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 50s, 15m, 2h or 7d');
const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)], {
  error: 'a name or glob, or a non-empty list of them',
});
const celSource = z.string().min(1).max(4096);

export const EffectSchema = z.enum(['allow', 'deny', 'require_approval', 'allow_with_constraints']);

/** What the gate does for each effect a rule may name (a rule allows; the gate permits). */
const OUTCOME_OF_EFFECT: Record<z.infer<typeof EffectSchema>, Outcome> = {
  allow: 'permit',
  allow_with_constraints: 'permit',
  require_approval: 'hold',
  deny: 'deny',
};

/** The outcome an effect stands for; an outcome (or any other name) stands for itself. */
export function outcomeOf(name: z.infer<typeof EffectSchema> | Outcome): Outcome;
export function outcomeOf(name: string): string;
export function outcomeOf(name: string): string {
  return Object.hasOwn(OUTCOME_OF_EFFECT, name) ? OUTCOME_OF_EFFECT[name as keyof typeof OUTCOME_OF_EFFECT] : name;
}

/** One entry of `approval.require`: this many distinct reviewers of the group. */
export const RequireEntrySchema = z.strictObject({ group: z.string().min(1), quorum: z.number().int().min(1).default(1) });

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a field name: a letter, then letters, digits, "_", "." or "-" (at most 64)');

export const ApprovalSchema = z
  .strictObject({
    /** Reviewer ids ("user:alice") or groups ("group:dba"): `quorum` of them, any of these. */
    approvers: z.array(z.string().min(1)).min(1).optional(),
    /** With `approvers` only (default 1). */
    quorum: z.number().int().min(1).optional(),
    /** Every entry must be met, by distinct reviewers (a reviewer counts toward one entry only). */
    require: z.array(RequireEntrySchema).min(1).optional(),
    /** What a decision must carry: without it, the decision is refused and nothing is recorded. */
    evidence: z.strictObject({ note: z.enum(['required', 'optional']).default('optional'), fields: z.array(fieldName).default([]) }).optional(),
    /** How long reviewers have to decide. */
    timeout: duration.default('15m'),
    /** How long the client's request is kept open while waiting. */
    wait: duration.default('50s'),
    /** An unanswered hold is refused; the key exists so that files can say so explicitly. */
    on_timeout: z.literal('deny').default('deny'),
    notify: z.strictObject({ webhook: z.url() }).optional(),
  })
  .superRefine((a, ctx) => {
    if ((a.approvers === undefined) === (a.require === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'an approval has exactly one of "approvers" (with "quorum") or "require"' });
    }
    if (a.quorum !== undefined && a.approvers === undefined)
      ctx.addIssue({ code: 'custom', path: ['quorum'], message: '"quorum" goes with "approvers"; each "require" entry has its own' });
    const seen = new Set<string>();
    for (const [i, entry] of (a.require ?? []).entries()) {
      if (seen.has(entry.group))
        ctx.addIssue({
          code: 'custom',
          path: ['require', i, 'group'],
          message: `group "${entry.group}" is required twice: state it once, with the quorum it needs`,
        });
      seen.add(entry.group);
    }
  });

export const LimitSchema = z
  .strictObject({
    per: z.enum(['principal', 'upstream', 'tool']),
    /** Calls per window, e.g. "60/1m". */
    rate: z
      .string()
      .regex(/^\d+\/\d+(ms|s|m|h|d)$/, 'a rate such as 60/1m (calls per window)')
      .optional(),
    /** A cap on the sum of one numeric argument per window. */
    budget: z
      .strictObject({
        arg: z.string().min(1),
        max: z.number().positive(),
        window: duration,
      })
      .optional(),
  })
  .refine((l) => (l.rate === undefined) !== (l.budget === undefined), 'a limit has exactly one of "rate" or "budget"');

export const RuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, 'letters, digits, "_", ".", ":" and "-" (at most 128)'),
  description: z.string().optional(),
  /** Shown to the client when this rule decides; defaults to a sentence naming the rule. */
  reason: z.string().max(1000).optional(),
  effect: EffectSchema,
  match: z
    .strictObject({
      /** Upstream name(s) as configured; globs allowed. Every upstream when the rule names a class instead. */
      server: oneOrMany.optional(),
      /** Class(es) of action from the surface registry (docs/registry.md); tools/call only. */
      class: oneOrMany.optional(),
      /** The MCP method(s) the rule speaks for; a rule that names none speaks for tools/call only. */
      method: z.union([z.enum(GOVERNED_METHODS), z.array(z.enum(GOVERNED_METHODS)).min(1)]).default('tools/call'),
      /** The upstream's own tool name(s), or prompt name(s) for prompts/get and completion; globs allowed. */
      tool: oneOrMany.optional(),
      /** Resource URI(s) for resources/read, resources/subscribe and completion of a template; globs allowed. */
      uri: oneOrMany.optional(),
    })
    .refine((m) => m.server !== undefined || m.class !== undefined, 'a rule names its upstream(s) (match.server), a class (match.class), or both'),
  principal: z.strictObject({ id: oneOrMany.optional(), groups: oneOrMany.optional() }).optional(),
  when: celSource.optional(),
  approval: ApprovalSchema.optional(),
  constraints: z
    .strictObject({
      require: celSource.optional(),
      set: z.record(z.string().min(1), celSource).optional(),
      /** The longest the upstream may take: at the deadline the gate cancels the request and answers the client. */
      timeout: duration.optional(),
    })
    .optional(),
  limits: z.array(LimitSchema).optional(),
  /** On a deny rule: an open break-glass window may let the calls it denies through. Without it, a deny holds inside windows too. */
  break_glass: z.literal('allow').optional(),
});

export const DefaultsSchema = z.strictObject({
  /** What happens when no rule matches; without it the outcome is SILENCE (refused). */
  effect: z.enum(['allow', 'deny', 'require_approval']).optional(),
  /** A condition that fails to evaluate denies; the key exists so that files can say so. */
  on_error: z.literal('deny').default('deny'),
  approval: ApprovalSchema.optional(),
});

/**
 * How much one call may cost to decide. Arguments past a size bound are denied before any condition
 * runs; conditions that would take more steps than `eval_cost` are refused at load where that can be
 * seen, and stopped (deny) at run time otherwise.
 */
export const BoundsSchema = z.strictObject({
  /** The arguments' size as JSON text, in characters. */
  arg_bytes: z.number().int().min(1).default(1_048_576),
  /** How deeply lists and objects may nest in the arguments. */
  arg_depth: z.number().int().min(1).max(1000).default(32),
  /** The most items one list (or keys one object) in the arguments may hold. */
  list_items: z.number().int().min(1).default(1_000),
  /** Evaluation steps per call: one per comprehension item, and one per 64 characters a helper or matches() reads. */
  eval_cost: z.number().int().min(1).default(20_000),
});

export const PolicyFileSchema = z.strictObject({
  version: z.literal(POLICY_VERSION),
  defaults: DefaultsSchema.optional(),
  bounds: BoundsSchema.optional(),
  rules: z.array(RuleSchema).default([]),
});

export type Effect = z.infer<typeof EffectSchema>;
export type ApprovalConfig = z.infer<typeof ApprovalSchema>;
export type RequireEntryConfig = z.infer<typeof RequireEntrySchema>;
export type LimitConfig = z.infer<typeof LimitSchema>;
export type RuleConfig = z.infer<typeof RuleSchema>;
export type DefaultsConfig = z.infer<typeof DefaultsSchema>;
export type BoundsConfig = z.infer<typeof BoundsSchema>;
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** The JSON Schema of policy files, for editors. */
export function policyJsonSchema(): unknown {
  return z.toJSONSchema(PolicyFileSchema, { io: 'input', unrepresentable: 'any' });
}
