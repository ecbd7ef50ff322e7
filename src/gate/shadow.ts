// What the shadow candidate (policy.shadow) made of one call, and whether it differs from the policy
// in force. The gate computes it beside its own decision and only records and counts it: nothing a
// candidate does, a fault included, reaches the call's path.
import type { Decision, Outcome, ShadowDecision } from '../core/index.js';

export interface ShadowVerdict {
  /** The enforcing decision it was compared with (before limits and break-glass). */
  enforced: Outcome;
  /** The candidate's decision under the gateway's quarantine; absent when the candidate threw. */
  candidate?: Decision;
  /** Another outcome, or the same outcome by other rules. */
  differs: boolean;
  /** What kept the candidate from deciding cleanly: a condition it could not evaluate (its on_error decided), or a throw. */
  fault?: 'evaluation' | 'throw';
}

/** Rules are compared as sets: two bundles may list the same deciding rules in another order. */
export function differs(enforced: Decision, candidate: Decision): boolean {
  if (enforced.outcome !== candidate.outcome || enforced.rules.length !== candidate.rules.length) return true;
  const rules = new Set(enforced.rules);
  return candidate.rules.some((r) => !rules.has(r));
}

/** The candidate's decision as decision receipts record it. */
export function shadowDecision({ outcome, rules, bundleSha256 }: Decision): ShadowDecision {
  return { outcome, rules: [...rules], bundleSha256 };
}
