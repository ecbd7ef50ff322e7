// Policy evaluation: a compiled bundle and one call in, a Decision out. Pure (no I/O, no clock:
// `now` comes with the request) and total: whatever goes wrong becomes a DENY naming the cause.
// Combining never depends on rule order: deny > require_approval > allow_with_constraints > allow
// > defaults, and nothing matching is SILENCE.
import type { CallRequest, Decision, Decider, LimitCharge, TimeoutConstraint } from '../core/call.js';
import { argumentsOverBound } from './bounds.js';
import type { PolicyBundle } from './bundle.js';
import { toJsonValue, type CelContext } from './cel.js';
import type { CompiledRule } from './compile-rule.js';
import { CostMeter } from './cost.js';
import { celContext, errorText, judgeCandidate, runCondition, type Verdict } from './judge.js';
import { mergeApprovals } from './merge-approvals.js';

const deny = (bundle: PolicyBundle, rules: string[], reason: string): Decision => ({
  outcome: 'deny',
  rules,
  reason,
  bundleSha256: bundle.sha256,
});

/** `on_error` decides: a DENY that names what failed (`fault`), so that a shadow candidate's failures can be counted. */
const onError = (bundle: PolicyBundle, rules: string[], reason: string, fault: string): Decision => ({ ...deny(bundle, rules, reason), fault });

const whenError = (bundle: PolicyBundle, v: Verdict) =>
  onError(bundle, [v.rule.id], `rule "${v.rule.id}": its condition could not be evaluated (${v.detail}); on_error denies`, v.detail ?? 'condition failed');

/** Judges candidates tier by tier, stopping after the deny tier when something there decided. */
export function matchedRules(bundle: PolicyBundle, request: CallRequest, ctx: CelContext): Verdict[] {
  const decided: Verdict[] = [];
  for (const rule of bundle.index.candidates(request.method, request.server, request.tool, request.uri)) {
    if (rule.tier > 0 && decided.some((v) => v.rule.tier === 0)) break;
    const v = judgeCandidate(rule, request, ctx);
    if (v.status === 'matched' || v.status === 'when_error') decided.push(v);
  }
  return decided;
}

/** A call past a bound of the bundle is denied before, or instead of, the rest of its decision. */
export function evaluate(bundle: PolicyBundle, request: CallRequest): Decision {
  const meter = new CostMeter(bundle.bounds.eval_cost);
  try {
    const over = argumentsOverBound(request.args, bundle.bounds);
    if (over) return deny(bundle, [], `the call passes a bound of the policy (${over}); the call is refused`);
    const decision = decide(bundle, request, meter);
    return meter.exceeded ? overCost(bundle, meter) : decision;
  } catch (err) {
    if (meter.exceeded) return overCost(bundle, meter);
    return onError(bundle, [], `policy evaluation failed (${errorText(err)}); the call is refused`, errorText(err));
  }
}

const overCost = (bundle: PolicyBundle, meter: CostMeter) =>
  deny(bundle, [], `deciding this call takes more than bounds.eval_cost (${meter.budget} steps) of the policy; the call is refused`);

/** A Decider bound to one bundle, for the gate. */
export function decider(bundle: PolicyBundle): Decider {
  return (request) => evaluate(bundle, request);
}

function decide(bundle: PolicyBundle, request: CallRequest, meter: CostMeter): Decision {
  const ctx = celContext(bundle, request, meter);
  const verdicts = matchedRules(bundle, request, ctx);
  const failed = verdicts.find((v) => v.status === 'when_error');
  if (failed) return whenError(bundle, failed);
  const denies = verdicts.filter((v) => v.rule.effect === 'deny').map((v) => v.rule);
  if (denies.length) {
    const first = denies[0]!;
    const decision = deny(
      bundle,
      denies.map((r) => r.id),
      first.reason ?? `denied by policy rule "${first.id}"`,
    );
    return denies.every((r) => r.yieldsToBreakGlass) ? { ...decision, breakGlassAllowed: true } : decision;
  }
  if (verdicts.length === 0) return byDefaults(bundle, request);
  return permitOrHold(
    bundle,
    request,
    ctx,
    verdicts.map((v) => v.rule),
  );
}

/**
 * No rule matched. An explicit default of allow or require_approval applies; otherwise (default deny,
 * or none) the call is SILENCE: refused because no rule speaks for it, which reports can tell apart
 * from a rule's DENY.
 */
function byDefaults(bundle: PolicyBundle, request: CallRequest): Decision {
  const { effect, approval } = bundle.defaults;
  const surface = request.uri === undefined ? `${request.server}/${request.tool}` : `${request.method} of ${request.uri} on ${request.server}`;
  const base = { rules: [], bundleSha256: bundle.sha256 };
  if (effect === 'allow') return { ...base, outcome: 'permit', reason: `no policy rule matches ${surface}; the default is allow` };
  if (effect === 'require_approval' && approval) {
    return { ...base, outcome: 'hold', approval, reason: `no policy rule matches ${surface}; the default requires approval` };
  }
  return { ...base, outcome: 'silence', reason: `no policy rule permits ${surface} for ${request.principal.id}` };
}

function permitOrHold(bundle: PolicyBundle, request: CallRequest, ctx: CelContext, matched: CompiledRule[]): Decision {
  const constrained = matched.filter((r) => r.effect === 'allow_with_constraints');
  for (const rule of constrained) {
    if (!rule.require) continue;
    const ok = runCondition(rule.require, ctx);
    if (typeof ok === 'string') return onError(bundle, [rule.id], `rule "${rule.id}": its constraint could not be evaluated (${ok}); on_error denies`, ok);
    if (!ok) return deny(bundle, [rule.id], rule.reason ?? `rule "${rule.id}": constraint not met: ${rule.requireSource}`);
  }
  let effectiveArgs: Record<string, unknown> | undefined;
  for (const rule of constrained) {
    for (const [key, program] of rule.set) {
      try {
        effectiveArgs ??= { ...request.args };
        effectiveArgs[key] = toJsonValue(program(ctx));
      } catch (err) {
        return onError(bundle, [rule.id], `rule "${rule.id}": set ${key} could not be evaluated (${errorText(err)}); on_error denies`, errorText(err));
      }
    }
  }
  const limits = limitCharges(request, matched, effectiveArgs ?? request.args);
  if (typeof limits === 'string') return deny(bundle, [], limits);
  const timeout = shortestTimeout(constrained);
  const extra = { ...(effectiveArgs ? { effectiveArgs } : {}), ...(limits.length ? { limits } : {}), ...(timeout ? { timeout } : {}) };
  const holds = matched.filter((r) => r.effect === 'require_approval');
  if (holds.length) {
    const approval = mergeApprovals(holds.map((r) => r.approval!));
    const reasons = [...holds].sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => r.reason ?? `rule "${r.id}" requires approval`);
    return { outcome: 'hold', rules: holds.map((r) => r.id), reason: reasons.join('; '), bundleSha256: bundle.sha256, approval, ...extra };
  }
  const first = constrained[0] ?? matched[0]!;
  return {
    outcome: 'permit',
    rules: matched.map((r) => r.id),
    reason: first.reason ?? `allowed by policy rule "${first.id}"`,
    bundleSha256: bundle.sha256,
    ...extra,
  };
}

/** Several rules with a timeout: the shortest holds (each is a limit the call must keep). */
function shortestTimeout(rules: CompiledRule[]): TimeoutConstraint | undefined {
  let shortest: TimeoutConstraint | undefined;
  for (const { timeout } of rules) if (timeout && (!shortest || timeout.ms < shortest.ms)) shortest = timeout;
  return shortest;
}

/** The counters the gate must charge; a string when a budget argument is unusable (deny). */
function limitCharges(request: CallRequest, rules: CompiledRule[], args: Record<string, unknown>): LimitCharge[] | string {
  const charges: LimitCharge[] = [];
  for (const rule of rules) {
    for (const l of rule.limits) {
      const subject = l.per === 'principal' ? request.principal.id : l.per === 'upstream' ? request.server : `${request.server}/${request.tool}`;
      let amount = 1;
      if (l.kind === 'budget') {
        const value = args[l.arg!];
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          return `rule "${rule.id}": the budget argument "${l.arg}" must be a non-negative number`;
        }
        amount = value;
      }
      charges.push({ ruleId: rule.id, key: `${l.kind}:${rule.id}:${l.per}:${subject}`, kind: l.kind, max: l.max, windowMs: l.windowMs, amount });
    }
  }
  return charges;
}
