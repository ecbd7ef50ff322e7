// Which fields each call event must carry, may carry and must not carry, and the `policy.effect`
// values it states: the per-event tables of docs/receipts.md §1 as data. The body schema (body.ts)
// checks types; these rules check each event's shape, so that what a receipt claims can be judged
// from receipts alone (a `complete` holds the hash of a result, a `hold` names its approval ...).
import type { CallEvent } from '../core/index.js';
import { canonicalSha256 } from './canonical.js';

/** A call receipt as the rules read it (body.ts has the full type; this one keeps the files apart). */
interface CallShape {
  event: CallEvent;
  call: {
    id: string;
    session: string;
    rpc_id: unknown;
    server: string;
    tool: string;
    tool_sha256: string | null;
    args_sha256: string;
    effective_args_sha256?: string;
    upstream_sha256?: string;
  };
  principal: { groups?: unknown };
  policy: { rules: string[]; effect: string };
  approval?: unknown;
  result?: { is_error: boolean; error_code?: number };
  ref?: unknown;
  break_glass?: { id: string; expires_at?: string; note?: string };
  constraints?: unknown;
  shadow?: unknown;
}

/** The members whose presence depends on the event. */
const PARTS = {
  approval: (b: CallShape) => b.approval !== undefined,
  result: (b: CallShape) => b.result !== undefined,
  ref: (b: CallShape) => b.ref !== undefined,
  break_glass: (b: CallShape) => b.break_glass !== undefined,
  'call.effective_args_sha256': (b: CallShape) => b.call.effective_args_sha256 !== undefined,
  'call.upstream_sha256': (b: CallShape) => b.call.upstream_sha256 !== undefined,
  'call.method': (b: CallShape) => (b.call as { method?: unknown }).method !== undefined,
  'call.uri': (b: CallShape) => (b.call as { uri?: unknown }).uri !== undefined,
  'call.protocol_version': (b: CallShape) => (b.call as { protocol_version?: unknown }).protocol_version !== undefined,
  'principal.groups': (b: CallShape) => b.principal.groups !== undefined,
  constraints: (b: CallShape) => b.constraints !== undefined,
  shadow: (b: CallShape) => b.shadow !== undefined,
};
type Part = keyof typeof PARTS;

/**
 * What a receipt is about: a governed request (`call`), a break-glass window (`window`: `call.id` is
 * the window), or a tool definition a reviewer approved (`pin`: `call.id` is `pin:<server>/<tool>`).
 */
type Subject = 'call' | 'window' | 'pin';

export interface EventRule {
  subject: Subject;
  required: Part[];
  optional: Part[];
  /** `policy.effect` values; `executed`: `permit`, or the policy's own verdict when a window let the call through. */
  effects: readonly string[] | 'executed';
}

const OF_A_REQUEST: Part[] = ['call.method', 'call.uri', 'principal.groups'];
const RAN: Part[] = [...OF_A_REQUEST, 'approval', 'break_glass', 'call.effective_args_sha256', 'call.upstream_sha256', 'constraints'];
/** Only the decision receipts say how the request was decided in the shadow and which protocol era its client spoke. */
const DECIDED: Part[] = ['shadow', 'call.protocol_version'];
const HOLD_END: EventRule = { subject: 'call', required: ['approval', 'ref'], optional: OF_A_REQUEST, effects: ['hold'] };
const WINDOW: EventRule = { subject: 'window', required: ['break_glass'], optional: [], effects: ['break_glass'] };

/** The verdicts a break-glass window lets through (the receipt keeps the policy's own). */
export const LET_THROUGH = ['deny', 'hold', 'silence'] as const;

export const EVENT_RULES: Record<CallEvent, EventRule> = {
  permit: { subject: 'call', required: [], optional: [...RAN, ...DECIDED], effects: 'executed' },
  deny: { subject: 'call', required: [], optional: [...OF_A_REQUEST, 'approval', ...DECIDED], effects: ['deny'] },
  silence: { subject: 'call', required: [], optional: [...OF_A_REQUEST, ...DECIDED], effects: ['silence'] },
  hold: { subject: 'call', required: ['approval'], optional: [...OF_A_REQUEST, ...DECIDED], effects: ['hold'] },
  approve: HOLD_END,
  reject: HOLD_END,
  expire: HOLD_END,
  cancel: HOLD_END,
  void: HOLD_END,
  vote: HOLD_END,
  complete: { subject: 'call', required: ['result', 'ref'], optional: RAN, effects: 'executed' },
  fail: { subject: 'call', required: ['ref'], optional: [...RAN, 'result'], effects: 'executed' },
  unknown: { subject: 'call', required: ['ref'], optional: RAN, effects: 'executed' },
  break_glass_open: WINDOW,
  break_glass_confirm: WINDOW,
  break_glass_review: WINDOW,
  break_glass_close: WINDOW,
  pin_approve: { subject: 'pin', required: [], optional: [], effects: ['pin_approve'] },
};

/** args_sha256 of the receipts of reviewers' acts on a window: the hash of `{}`. */
export const NO_ARGS_SHA256 = canonicalSha256({});

/** The first way `body` breaks its event's rule, or undefined. */
export function eventFieldProblem(body: CallShape): string | undefined {
  const rule = EVENT_RULES[body.event];
  const problem = presenceProblem(body, rule) ?? effectProblem(body, rule) ?? SUBJECT_CHECKS[rule.subject](body);
  return problem && `${body.event}: ${problem}`;
}

function presenceProblem(body: CallShape, rule: EventRule): string | undefined {
  for (const part of Object.keys(PARTS) as Part[]) {
    const present = PARTS[part](body);
    if (rule.required.includes(part) && !present) return `${part} is required`;
    if (present && !rule.required.includes(part) && !rule.optional.includes(part)) return `${part} is not allowed`;
  }
  const { effective_args_sha256: effective, args_sha256: args } = body.call;
  if (effective === args) return 'call.effective_args_sha256 must differ from call.args_sha256 (it is written only when the arguments were changed)';
  return resultProblem(body);
}

/** A complete hashes the upstream's result; a fail, when the upstream answered a JSON-RPC error, that error (with its code). */
function resultProblem({ event, result }: CallShape): string | undefined {
  if (!result) return undefined;
  if (event === 'fail' && (result.error_code === undefined || !result.is_error))
    return "result on a fail is the upstream's JSON-RPC error: is_error true and error_code required";
  if (event !== 'fail' && result.error_code !== undefined) return 'result.error_code is allowed on a fail only';
  return undefined;
}

function effectProblem(body: CallShape, rule: EventRule): string | undefined {
  const effects = rule.effects !== 'executed' ? rule.effects : body.break_glass ? LET_THROUGH : ['permit'];
  if (effects.includes(body.policy.effect)) return undefined;
  return `policy.effect "${body.policy.effect}" is not one of ${effects.join(', ')}${rule.effects === 'executed' && !body.break_glass ? ' (with no break_glass)' : ''}`;
}

const SUBJECT_CHECKS: Record<Subject, (body: CallShape) => string | undefined> = {
  call: (b) => {
    if (b.approval !== undefined && b.break_glass) return 'approval and break_glass exclude each other (a window lets a call through without an approval)';
    if (b.break_glass && (b.break_glass.expires_at !== undefined || b.break_glass.note !== undefined))
      return 'break_glass on a call names the window only (id, opened_by, reason)';
    return undefined;
  },
  window: (b) => {
    const window = b.break_glass!;
    if (window.expires_at === undefined) return 'break_glass.expires_at is required';
    if (window.note !== undefined && b.event !== 'break_glass_review') return 'break_glass.note is allowed on break_glass_review only';
    if (b.call.id !== window.id) return `call.id must be the window id ${window.id}`;
    if (b.call.tool_sha256 !== null) return 'call.tool_sha256 must be null';
    if (b.call.args_sha256 !== NO_ARGS_SHA256) return `call.args_sha256 must be ${NO_ARGS_SHA256} (the hash of {})`;
    return reviewerAct(b);
  },
  pin: (b) => {
    if (b.call.id !== `pin:${b.call.server}/${b.call.tool}`) return `call.id must be pin:${b.call.server}/${b.call.tool}`;
    if (b.call.tool_sha256 === null) return 'call.tool_sha256 must be the approved pin';
    return reviewerAct(b);
  },
};

/** A reviewer's act through the admin API: no client request, no rules. */
function reviewerAct(b: CallShape): string | undefined {
  if (b.call.session !== 'admin' || b.call.rpc_id !== null) return 'call.session must be "admin" and call.rpc_id null';
  if (b.policy.rules.length) return 'policy.rules must be empty';
  return undefined;
}
