// Whether one rule applies to one call, and if not, why not. Shared by evaluation (which only asks
// about candidate rules) and by explain (which asks about every rule).
import type { CallRequest, Principal } from '../core/call.js';
import type { PolicyBundle } from './bundle.js';
import type { CelContext } from './cel.js';
import type { CostMeter } from './cost.js';
import { BOUNDED_MATCHES } from './rewrite.js';
import type { CompiledRule } from './compile-rule.js';
import { classMatches, subjectMatches } from './rule-index.js';

export type RuleStatus = 'method' | 'server' | 'tool' | 'uri' | 'class' | 'principal' | 'when_false' | 'when_error' | 'matched';

export interface Verdict {
  rule: CompiledRule;
  status: RuleStatus;
  /** For when_error: what went wrong (no argument values). */
  detail?: string;
}

export function celContext(bundle: PolicyBundle, request: CallRequest, meter?: CostMeter): CelContext {
  return {
    meter,
    args: request.args,
    principal: { id: request.principal.id, groups: request.principal.groups },
    method: request.method,
    server: request.server,
    tool: request.tool,
    uri: request.uri ?? '',
    annotations: request.annotations,
    now: request.now,
    path: bundle.path,
  };
}

export function principalMatches(rule: CompiledRule, principal: Principal): boolean {
  if (rule.principalIds && !rule.principalIds.has(principal.id)) return false;
  if (rule.principalGroups && !principal.groups.some((g) => rule.principalGroups!.has(g))) return false;
  return true;
}

/** The first line of an evaluation error, bounded, without a stack. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').replaceAll(BOUNDED_MATCHES, 'matches').slice(0, 200);
}

/** Runs a boolean program: true/false, or an error text (a non-boolean result is an error too). */
export function runCondition(program: (ctx: CelContext) => unknown, ctx: CelContext): boolean | string {
  try {
    const value = program(ctx);
    return typeof value === 'boolean' ? value : `the condition returned ${typeof value}, not a bool`;
  } catch (err) {
    return errorText(err);
  }
}

/** Judges a rule already known to match the call's server and tool. */
export function judgeCandidate(rule: CompiledRule, request: CallRequest, ctx: CelContext): Verdict {
  if (!principalMatches(rule, request.principal)) return { rule, status: 'principal' };
  if (!rule.when) return { rule, status: 'matched' };
  const result = runCondition(rule.when, ctx);
  if (typeof result === 'string') return { rule, status: 'when_error', detail: result };
  return { rule, status: result ? 'matched' : 'when_false' };
}

/** `cls` is the registry class of the call's tool (undefined when it has none). */
export function judgeRule(rule: CompiledRule, request: CallRequest, ctx: CelContext, cls: string | undefined): Verdict {
  if (!rule.methods.includes(request.method)) return { rule, status: 'method' };
  if (!rule.servers.test(request.server)) return { rule, status: 'server' };
  if (!subjectMatches(rule, request.tool, request.uri)) return { rule, status: request.uri === undefined ? 'tool' : 'uri' };
  if (!classMatches(rule, cls))
    return { rule, status: 'class', detail: cls === undefined ? 'the tool has no class in the registry' : `the tool's class is ${cls}` };
  return judgeCandidate(rule, request, ctx);
}
