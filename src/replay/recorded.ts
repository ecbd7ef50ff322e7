// What a decision receipt says the policy decided, and whether a replayed decision is the same.
// Receipts of calls that did not simply follow their decision need reading: an approved call's
// `permit` was the policy's hold (the approval released it); a break-glass call's receipts keep the
// policy's own verdict in `policy.effect`; a constrained call also records the hash of the
// arguments the policy rewrote, which must come out the same; a call to a tool that had drifted from
// its pin names the system rule `pin-drift`, and was decided by the policy and then the quarantine.
import type { Decision } from '../core/call.js';
import { driftVerdict, PIN_DRIFT_RULE } from '../core/index.js';
import { outcomeOf } from '../policy/index.js';
import { canonicalSha256 } from '../receipts/index.js';
import type { DecisionReceipt } from './sample.js';

export interface RecordedDecision {
  effect: string;
  rules: string[];
  /** On permits: the hash of the arguments forwarded (the rewritten ones under constraints). */
  effective_args_sha256?: string;
}

/** The policy's decision as the receipt recorded it. */
export function recordedDecision(r: DecisionReceipt): RecordedDecision {
  const effect = r.event === 'permit' && r.approval ? 'hold' : outcomeOf(r.policy.effect);
  if (r.event !== 'permit') return { effect, rules: r.policy.rules };
  return { effect, rules: r.policy.rules, effective_args_sha256: r.call.effective_args_sha256 ?? r.call.args_sha256 };
}

/**
 * The gate's decision from the policy's, for a call its receipt records as made to a drifted tool:
 * the same quarantine applied again. A recorded DENY naming pin-drift had no pin reviewer to approve it.
 */
export function withRecordedDrift(r: DecisionReceipt, recorded: RecordedDecision, policy: Decision): Decision {
  if (!r.policy.rules.includes(PIN_DRIFT_RULE)) return policy;
  const verdict = driftVerdict(policy, recorded.effect !== 'deny');
  return verdict ? { ...policy, ...verdict } : policy;
}

/** The replayed decision in the same terms; the forwarded hash only where the receipt has one to compare with. */
export function replayedDecision(d: Decision, args: Record<string, unknown>, recorded: RecordedDecision): RecordedDecision {
  const replayed = { effect: d.outcome, rules: d.rules };
  if (recorded.effective_args_sha256 === undefined) return replayed;
  return { ...replayed, effective_args_sha256: canonicalSha256(d.effectiveArgs ?? args) };
}

/**
 * Same effect, same rules, same forwarded arguments. A hold receipt written by the approvals names
 * only the rule(s) whose approval was asked for, so there the recorded rules need only be among the
 * replayed ones.
 */
export function sameDecision(r: DecisionReceipt, recorded: RecordedDecision, replayed: RecordedDecision): boolean {
  if (recorded.effect !== replayed.effect || recorded.effective_args_sha256 !== replayed.effective_args_sha256) return false;
  if (r.event === 'hold' && r.approval) return recorded.rules.every((rule) => replayed.rules.includes(rule));
  const a = [...recorded.rules].sort();
  const b = [...replayed.rules].sort();
  return a.length === b.length && a.every((rule, i) => rule === b[i]);
}
