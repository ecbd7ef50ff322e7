// The constraints a permitted call runs under, in the plain form its receipts record: the arguments
// a `set` constraint changed (names, with the hash of what is forwarded, only when something
// changed), the timeout the gate enforces, and each limit charged with its counter after the charge.
import { canonicalJson, type CallRequest, type ChargedLimit, type Decision, type LimitCharge } from '../core/index.js';
import { canonicalSha256, type CallReceiptBody } from '../receipts/index.js';

export type ReceiptConstraints = NonNullable<CallReceiptBody['constraints']>;

export interface Applied {
  constraints?: ReceiptConstraints;
  /** The hash of the arguments forwarded, when `set` changed them. */
  effectiveArgsSha256?: string;
}

export function constraintsApplied(request: CallRequest, decision: Decision, charged: readonly ChargedLimit[] = []): Applied {
  const set = rewritten(request.args, decision.effectiveArgs);
  const constraints: ReceiptConstraints = {
    ...(set.length ? { set } : {}),
    ...(decision.timeout ? { timeout_ms: decision.timeout.ms } : {}),
    ...(charged.length ? { limits: charged.map(({ charge, used }) => ({ name: limitName(charge), used, max: charge.max })) } : {}),
  };
  return {
    ...(Object.keys(constraints).length ? { constraints } : {}),
    ...(set.length ? { effectiveArgsSha256: canonicalSha256(decision.effectiveArgs) } : {}),
  };
}

/** The arguments whose value `set` changed (added ones included). */
function rewritten(args: Record<string, unknown>, effective: Record<string, unknown> | undefined): string[] {
  if (!effective) return [];
  return Object.keys(effective).filter((key) => !Object.hasOwn(args, key) || canonicalJson(args[key]) !== canonicalJson(effective[key]));
}

/** A limit is named as the limit, not as the rule that allowed the call: `limit:<rule id>:<rate|budget>:<per>`. */
export function limitName(charge: LimitCharge): string {
  const per = charge.key.slice(`${charge.kind}:${charge.ruleId}:`.length).split(':')[0];
  return `limit:${charge.ruleId}:${charge.kind}:${per}`;
}
