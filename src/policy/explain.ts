// `explain`: for one call, every rule with whether it matched and why not, plus the decision.
// It runs the same judgement and evaluation as the gate; it is for people, so it looks at all rules.
import type { CallRequest, Decision, Principal } from '../core/call.js';
import type { PolicyBundle } from './bundle.js';
import type { Effect } from './schema.js';
import { evaluate } from './evaluate.js';
import { CostMeter } from './cost.js';
import { celContext, judgeRule, principalMatches, type RuleStatus } from './judge.js';

export interface RuleExplanation {
  id: string;
  effect: Effect;
  at: string;
  status: RuleStatus;
  /** A sentence saying why the rule did or did not apply. */
  why: string;
}

export interface Explanation {
  decision: Decision;
  rules: RuleExplanation[];
}

const WHY: Record<RuleStatus, string> = {
  method: 'match.method does not name the method',
  server: 'match.server does not match the upstream',
  tool: 'match.tool does not match the tool',
  uri: 'match.uri does not match the resource (or the rule names tools)',
  class: 'match.class does not name the class of the tool',
  principal: 'the principal is not among principal.id / principal.groups',
  when_false: 'its condition (when) is false',
  when_error: 'its condition (when) failed to evaluate, which denies',
  matched: 'matched',
};

export function explain(bundle: PolicyBundle, request: CallRequest): Explanation {
  // Metered like a decision: explain may be asked about any call, over every rule.
  const ctx = celContext(bundle, request, new CostMeter(bundle.bounds.eval_cost));
  const cls = request.uri === undefined ? bundle.registry?.classOf(request.server, request.tool) : undefined;
  const rules = bundle.rules.map((rule) => {
    const v = judgeRule(rule, request, ctx, cls);
    return {
      id: rule.id,
      effect: rule.effect,
      at: `${rule.file}:${rule.line ?? '?'}`,
      status: v.status,
      why: v.detail ? `${WHY[v.status]}: ${v.detail}` : WHY[v.status],
    };
  });
  return { decision: evaluate(bundle, request), rules };
}

/**
 * True when no tools/call of this principal to this tool can be permitted, whatever its arguments: a
 * deny rule without a condition applies, or no permitting rule applies and no default permits.
 * The gateway hides such tools from the principal's tools/list.
 */
export function isDeniedUnconditionally(bundle: PolicyBundle, principal: Principal, server: string, tool: string): boolean {
  const applicable = bundle.index.candidates('tools/call', server, tool).filter((r) => principalMatches(r, principal));
  if (applicable.some((r) => r.effect === 'deny' && !r.when)) return true;
  if (applicable.some((r) => r.effect !== 'deny')) return false;
  return bundle.defaults.effect !== 'allow' && bundle.defaults.effect !== 'require_approval';
}
