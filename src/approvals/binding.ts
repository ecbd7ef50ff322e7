// What an approval is bound to, and whether a call decided again at release still is what was
// approved: the same outcome (hold), the same deciding rules, the same approval requirement and
// evidence demand, the same tool definition (pin) and the same forwarded arguments. The principal,
// the surface, the method and resource (uri) and the arguments as sent are bound by the retry key
// an identical call finds its approval by; the method and uri are checked again here, as the
// call's identity.
import type { CallRequest, Decision } from '../core/call.js';
import { canonicalSha256 } from '../receipts/index.js';
import { describeRequirement, requirementSha256 } from './requirement.js';
import type { HeldCall } from './schema.js';

export function bindingOf(decision: Decision): Pick<HeldCall, 'effective_args_sha256' | 'rules' | 'requirement_sha256'> {
  return {
    effective_args_sha256: decision.effectiveArgs ? canonicalSha256(decision.effectiveArgs) : null,
    rules: [...decision.rules],
    requirement_sha256: decision.approval ? requirementSha256(decision.approval.requirement) : null,
  };
}

/** Why the approval no longer covers the call as decided now, or undefined when it still does. */
export function whyVoid(approval: HeldCall, request: CallRequest, now: Decision): string | undefined {
  if ((approval.call.method ?? 'tools/call') !== request.method || approval.call.uri !== request.uri) {
    return `the request is not the one approval ${approval.id} was granted for (method or resource differs)`;
  }
  if (request.toolSha256 !== approval.call.tool_sha256) {
    return `the tool's definition changed since approval ${approval.id} was granted (pin ${short(approval.call.tool_sha256)} -> ${short(request.toolSha256)})`;
  }
  if (now.outcome !== 'hold' || !now.approval) return `the policy in force now decides ${now.outcome} for this call, not a hold`;
  const bound = bindingOf(now);
  if ([...bound.rules].sort().join() !== [...approval.rules].sort().join()) {
    return `the deciding rules changed since approval ${approval.id} was granted (${approval.rules.join(', ') || 'none'} -> ${bound.rules.join(', ')})`;
  }
  if (bound.requirement_sha256 !== approval.requirement_sha256) {
    return `the approval requirement of rule ${now.approval.ruleId} changed since approval ${approval.id} was granted (now ${describeRequirement(now.approval.requirement)})`;
  }
  const demand = now.approval.evidence;
  if (demand.note !== approval.evidence.note || demand.fields.join() !== approval.evidence.fields.join()) {
    return `the evidence a decision must carry changed since approval ${approval.id} was granted`;
  }
  if (bound.effective_args_sha256 !== approval.effective_args_sha256)
    return `the arguments the policy forwards changed since approval ${approval.id} was granted`;
  return undefined;
}

function short(pin: string | null): string {
  return pin ? pin.slice(0, 12) : 'none';
}
