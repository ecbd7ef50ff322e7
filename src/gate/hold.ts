// HOLD: open (or re-attach to) an approval and keep the request open with progress heartbeats until
// reviewers decide, the wait ends or the client cancels. Returns what happened; releasing an
// approved call (re-deciding, claiming its one execution, dispatching) is the gate's next step.
import type { Approvals, HeldCall, Settled } from '../approvals/index.js';
import type { Decision } from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import { refusal } from './answer.js';
import type { Answered, GateCall } from './types.js';

/** How a hold ended: approved (release it), already used (refuse it), or answered without running. */
export type Waited = { kind: 'approved'; approval: HeldCall } | { kind: 'used'; approval: HeldCall } | ({ kind: 'answered' } & Answered);

/**
 * Opens (or re-attaches to) the call's approval and starts waiting: resolves once the hold is open;
 * `shutdown` is aborted when the gateway stops.
 * A call made as a task waits until its approval expires (the client polls its task meanwhile);
 * any other call as long as the rule's `wait`.
 */
export async function holdCall(
  approvals: Approvals<AppendedReceipt>,
  call: GateCall,
  decision: Decision,
  shutdown: AbortSignal,
): Promise<{ opened: HeldCall; receipt?: AppendedReceipt; waited: Promise<Waited> }> {
  const { opened, settled } = await approvals.holdThenWait(call.request, decision, call.definition ? { toolDefinition: call.definition } : {}, {
    waitMs: call.asTask ? untilExpiry(decision) : decision.approval!.waitMs,
    signal: AbortSignal.any([call.signal, shutdown]),
    onHeartbeat: call.progress ? (beat, a) => call.progress!(beat, `held for approval ${a.id} by ${a.approvers.join(', ')}`) : undefined,
  });
  return { opened: opened.approval, receipt: opened.receipt, waited: settled.then((now) => waitEnded(approvals, call, opened, now, shutdown)) };
}

/** The approval's timeout and a little more, so the expiry sweep ends the wait (never past what a timer can hold). */
function untilExpiry(decision: Decision): number {
  return Math.min(decision.approval!.timeoutMs + 5_000, 2 ** 31 - 1);
}

async function waitEnded(
  approvals: Approvals<AppendedReceipt>,
  call: GateCall,
  opened: Settled<AppendedReceipt>,
  settled: Settled<AppendedReceipt>,
  shutdown: AbortSignal,
): Promise<Waited> {
  const { approval } = opened;
  const who = approval.approvers.join(', ');
  const now = settled.approval;
  switch (now.status) {
    case 'pending':
      return call.signal.aborted ? cancelled(approvals, approval) : stillPending(approval, opened.receipt, shutdown.aborted);
    case 'approved':
      return { kind: 'approved', approval: now };
    case 'rejected':
      return ended('reject', settled.receipt, `call rejected by ${decidedBy(now)}${notes(now)}. It was not run.`);
    case 'expired':
      return ended(
        'expire',
        settled.receipt,
        `approval ${approval.id} expired before it was used (reviewers: ${who}). The call was not run; make it again to ask for a new approval.`,
      );
    case 'cancelled':
      return ended('cancel', settled.receipt, `approval ${approval.id} was cancelled. The call was not run.`);
    default:
      return { kind: 'used', approval: now };
  }
}

/** The client went away while the call was held: cancel the approval unless it was granted meanwhile. */
async function cancelled(approvals: Approvals<AppendedReceipt>, approval: HeldCall): Promise<Waited> {
  const after = await approvals.cancel(approval.id);
  if (after.approval.status === 'approved') return { kind: 'approved', approval: after.approval };
  if (after.approval.status !== 'cancelled') return stillPending(approval, undefined, false);
  return ended('cancel', after.receipt, `call cancelled by the client; approval ${approval.id} is cancelled`);
}

function stillPending(approval: HeldCall, receipt: AppendedReceipt | undefined, restarting: boolean): Waited {
  const notice = { id: approval.id, status: 'pending' as const, expires_at: approval.expires_at };
  const text = restarting
    ? `the gateway is restarting. Approval ${approval.id} stays open for reviewers; repeat the identical call in a moment to pick up the decision. The call has not run.`
    : `this call is awaiting human approval ${approval.id} (approvers: ${approval.approvers.join(', ')}; reviewers have until ${approval.expires_at}). It has not run. Repeat the identical call (same tool and arguments) later to pick up the decision; an approved call runs once, on that retry.`;
  return { kind: 'answered', final: 'hold', receipt, answer: refusal(text, receipt?.envelope, notice) };
}

function ended(final: string, receipt: AppendedReceipt | undefined, text: string): Waited {
  return { kind: 'answered', final, receipt, answer: refusal(text, receipt?.envelope) };
}

export function decidedBy(a: HeldCall): string {
  return a.decisions.map((d) => d.reviewer).join(', ') || 'nobody';
}

function notes(a: HeldCall): string {
  const text = a.decisions
    .map((d) => d.note)
    .filter(Boolean)
    .join('; ');
  return text ? `: "${text}"` : '';
}
