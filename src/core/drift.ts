// What a drifted tool's quarantine (pins.on_drift: hold) makes of the policy's decision, written
// once for the gate, which decides calls with it, and for replay, which reproduces those decisions
// from their receipts (the system rule `pin-drift` among a receipt's rules records that the tool
// had drifted). A quarantine never widens policy: DENY and SILENCE stand; anything else is held for
// the pin reviewers, naming the policy's rules then `pin-drift`, or, with no pin reviewer to
// approve it, refused naming `pin-drift` alone.
import type { Decision } from './call.js';

export const PIN_DRIFT_RULE = 'pin-drift';

/** The verdict on a call to a drifted tool, or undefined when the policy's own decision stands. */
export function driftVerdict(policy: Pick<Decision, 'outcome' | 'rules'>, pinReviewers: boolean): Pick<Decision, 'outcome' | 'rules'> | undefined {
  if (policy.outcome === 'deny' || policy.outcome === 'silence') return undefined;
  return pinReviewers ? { outcome: 'hold', rules: [...policy.rules, PIN_DRIFT_RULE] } : { outcome: 'deny', rules: [PIN_DRIFT_RULE] };
}
