// The shared vocabulary of one governed request as it passes the gate (a tools/call, or a request
// that reads from an upstream: resources/read, prompts/get...). Every area above `core` speaks in
// these types: the gateway builds a CallRequest, the policy returns a Decision, receipts record both.
import type { Outcome } from './events.js';

/**
 * The MCP methods the gate decides. Listing methods, resources/unsubscribe and logging/setLevel are
 * not among them: they reveal nothing a listing does not, or only narrow what flows (docs/gateway.md).
 */
export const GOVERNED_METHODS = ['tools/call', 'resources/read', 'resources/subscribe', 'prompts/get', 'completion/complete'] as const;
export type GovernedMethod = (typeof GOVERNED_METHODS)[number];

/** Methods whose requests name a tool-like item (`tool`: a tool, a prompt, a prompt a completion is for). */
export const NAMED_METHODS: readonly GovernedMethod[] = ['tools/call', 'prompts/get', 'completion/complete'];
/** Methods whose requests name a resource (`uri`: a resource, or the template a completion is for). */
export const URI_METHODS: readonly GovernedMethod[] = ['resources/read', 'resources/subscribe', 'completion/complete'];

export interface Principal {
  id: string;
  groups: string[];
}

/** One governed request as the gate sees it, after the exposed name was resolved to (server, tool). */
export interface CallRequest {
  /** What the client asked for. */
  method: GovernedMethod;
  /** Unique per call; every receipt of the call carries it. */
  callId: string;
  /** The client session (MCP session id, or "stdio"). */
  session: string;
  /** The JSON-RPC id of the client's request, as receipts record it (a string id too long for one is cut and marked). */
  rpcId: string | number;
  principal: Principal;
  /** Upstream name as configured. */
  server: string;
  /**
   * The upstream's own name of what is called (never the exposed, prefixed one): the tool for
   * tools/call, the prompt for prompts/get and for a completion of a prompt's argument. For a request
   * about a resource it is the method itself, and the resource is `uri`.
   */
  tool: string;
  /** Untrusted: the resource a request is about (a URI, or a URI template for completion); absent otherwise. */
  uri?: string;
  /**
   * Untrusted: exactly as the client sent them. The tool's or the prompt's arguments; for a
   * completion, `{argument, context}`; for resources/read and resources/subscribe, none.
   */
  args: Record<string, unknown>;
  /** sha256 hex of the RFC 8785 canonical JSON of `args`. */
  argsSha256: string;
  /** Pin of the tool definition the client was shown, when known. */
  toolSha256: string | null;
  /** The tool's annotations as the upstream declared them (untrusted hints). */
  annotations: Record<string, unknown>;
  /** The time of the decision (policy code never reads a clock itself). */
  now: Date;
  /** The revision a client of the 2026-07-28 era named in the request; absent for a session-era client. */
  protocolVersion?: string;
}

/**
 * One entry of an approval requirement: `quorum` distinct reviewers of `group`, or (a rule's
 * `approvers` form) `quorum` distinct reviewers among `approvers` (ids, or "group:<name>"). `rule`
 * is the rule that asks for it ("pin-drift" for a drifted tool's pin reviewers).
 */
export type ApprovalEntry = { rule: string; quorum: number } & ({ group: string; approvers?: never } | { approvers: string[]; group?: never });

/** What a reviewer's decision must carry: a note, and these named evidence fields (e.g. a change ticket). */
export interface EvidenceDemand {
  note: boolean;
  fields: string[];
}

export interface ApprovalSpec {
  /** The rule that speaks for the hold (its reason is shown); every matched rule's entries are in `requirement`. */
  ruleId: string;
  /** Every entry must be met, each by its own reviewers: a reviewer counts toward one entry only. */
  requirement: ApprovalEntry[];
  evidence: EvidenceDemand;
  /** How long reviewers have to decide. */
  timeoutMs: number;
  /** How long the client's request is kept open. */
  waitMs: number;
  /** Every matched rule's webhook. */
  webhooks: string[];
}

/** A limit the gate must charge against the store before the call may run. */
export interface LimitCharge {
  ruleId: string;
  /** Counter key, e.g. "rate:github-readonly:principal:agent:ci". */
  key: string;
  kind: 'rate' | 'budget';
  /** Maximum within the window (calls for rate, sum of the argument for budget). */
  max: number;
  windowMs: number;
  /** 1 for a rate; the argument's value for a budget. */
  amount: number;
}

/** A limit charged, and its counter after the charge (what receipts record). */
export interface ChargedLimit {
  charge: LimitCharge;
  used: number;
}

/** What charging the limits of a call did: all charged (each with its counter after the charge), or the first limit that was reached. */
export type ChargeResult = { ok: true; charged: ChargedLimit[] } | { ok: false; charge: LimitCharge; used: number };

/** `constraints.timeout` of a rule: the gate cancels the upstream request at the deadline. */
export interface TimeoutConstraint {
  ruleId: string;
  ms: number;
  /** As the policy wrote it ("300s"), for the words the client gets. */
  written: string;
}

export interface Decision {
  outcome: Outcome;
  /** The rules that decided (empty for SILENCE and defaults). */
  rules: string[];
  /** Human-readable, safe to show to the client. */
  reason: string;
  bundleSha256: string;
  /** Arguments to forward when `set` constraints rewrote them (otherwise undefined: forward as sent). */
  effectiveArgs?: Record<string, unknown>;
  approval?: ApprovalSpec;
  limits?: LimitCharge[];
  /** The shortest `constraints.timeout` among the rules that decided. */
  timeout?: TimeoutConstraint;
  /** On a DENY: every deny rule that decided says `break_glass: allow`, so an open window may override it. Any other DENY holds inside windows. */
  breakGlassAllowed?: true;
  /** On a DENY that `on_error` decided (a condition could not be evaluated, evaluation threw): what failed, for the log. */
  fault?: string;
  /** What the shadow candidate (policy.shadow) decided, set by the gate only when it decided differently; decision receipts record it. */
  shadow?: ShadowDecision;
}

/** A shadow candidate's decision as receipts record it (docs/receipts.md §1.8). */
export type ShadowDecision = Pick<Decision, 'outcome' | 'rules' | 'bundleSha256'>;

/** The seam between the gate and the policy engine. It must never throw for a call: errors are DENY. */
export type Decider = (request: CallRequest) => Decision;
