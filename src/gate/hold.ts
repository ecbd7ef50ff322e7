// HOLD: open (or re-attach to) an approval, keep the request open with progress heartbeats, and
// release the call exactly once when approved, under the policy in force at release.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Approvals, HeldCall } from '../approvals/index.js';
import type { CallRequest, Decision } from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import { refusal } from './answer.js';
import type { Observe } from './gate.js';
import { approvalStamp, type ApprovalReceipts, type ReceiptExtras } from './receipts.js';
import type { ToolCall } from './types.js';

export interface HoldOptions {
  service: Approvals;
  receipts: ApprovalReceipts;
  /** Aborted when the gateway stops. */
  shutdown: AbortSignal;
  decide(request: CallRequest): Decision;
  execute(call: ToolCall, decision: Decision, extras: ReceiptExtras, observe?: Observe): Promise<CallToolResult>;
  record(event: 'deny', request: CallRequest, decision: Decision, extras?: ReceiptExtras): Promise<AppendedReceipt>;
}

export class Hold {
  constructor(private readonly options: HoldOptions) {}

  async run(call: ToolCall, decision: Decision, observe: Observe): Promise<CallToolResult> {
    const { service, receipts } = this.options;
    const spec = decision.approval!;
    const { approval } = await service.openOrAttach(call.request, decision, call.definition ? { toolDefinition: call.definition } : {});
    const who = approval.approvers.join(', ');
    const settled =
      approval.status === 'pending'
        ? await service.wait(approval.id, {
            waitMs: spec.waitMs,
            signal: AbortSignal.any([call.signal, this.options.shutdown]),
            onHeartbeat: call.progress ? (beat) => call.progress!(beat, `held for approval ${approval.id} by ${who}`) : undefined,
          })
        : approval;
    const latest = () => receipts.latestOf(approval.id);

    if (settled.status === 'pending') {
      if (call.signal.aborted) {
        const after = await service.cancel(approval.id);
        if (after.status === 'cancelled')
          return this.finish(observe, 'cancel', latest(), `call cancelled by the client; approval ${approval.id} is cancelled`, approval.id);
        if (after.status === 'approved') return this.release(call, decision, after, observe);
      }
      observe('hold', latest());
      if (this.options.shutdown.aborted) {
        return refusal(
          `the gateway is restarting. Approval ${approval.id} stays open for reviewers; repeat the identical call in a moment to pick up the decision. The call has not run.`,
          latest()?.envelope,
          {
            'dev.toolgate/approval': { id: approval.id, status: 'pending', expires_at: approval.expires_at },
          },
        );
      }
      return refusal(
        `this call is awaiting human approval ${approval.id} (approvers: ${who}; reviewers have until ${approval.expires_at}). It has not run. Repeat the identical call (same tool and arguments) later to pick up the decision; an approved call runs once, on that retry.`,
        latest()?.envelope,
        { 'dev.toolgate/approval': { id: approval.id, status: 'pending', expires_at: approval.expires_at } },
      );
    }
    switch (settled.status) {
      case 'approved':
        return this.release(call, decision, settled, observe);
      case 'rejected':
        return this.finish(observe, 'reject', latest(), `call rejected by ${decidedBy(settled)}${notes(settled)}. It was not run.`, approval.id);
      case 'expired':
        return this.finish(
          observe,
          'expire',
          latest(),
          `approval ${approval.id} expired before it was used (reviewers: ${who}). The call was not run; make it again to ask for a new approval.`,
          approval.id,
        );
      case 'cancelled':
        return this.finish(observe, 'cancel', latest(), `approval ${approval.id} was cancelled. The call was not run.`, approval.id);
      default:
        return this.refuseRelease(
          call.request,
          decision,
          settled,
          `approval ${approval.id} was already used by an earlier identical call: an approval allows exactly one execution. Make the call again to ask for a new approval.`,
          observe,
        );
    }
  }

  /** Approved: re-check under the policy in force now, claim the single execution, then run. */
  private async release(call: ToolCall, held: Decision, approval: HeldCall, observe: Observe): Promise<CallToolResult> {
    const current = this.options.decide(call.request);
    if (current.bundleSha256 !== approval.bundle_sha256) {
      if (current.outcome === 'deny' || current.outcome === 'silence') {
        return this.refuseRelease(
          call.request,
          current,
          approval,
          `approval ${approval.id} was granted, but the policy changed since and now refuses this call: ${current.reason}`,
          observe,
        );
      }
      if (current.outcome === 'hold' && current.approval?.ruleId !== approval.rule_id) {
        return this.refuseRelease(
          call.request,
          current,
          approval,
          `approval ${approval.id} was granted under rule ${approval.rule_id}, but the policy changed and rule ${current.approval?.ruleId} now holds this call; make the call again to ask for a new approval`,
          observe,
        );
      }
    }
    if (!(await this.options.service.claimExecution(approval.id))) {
      return this.refuseRelease(
        call.request,
        held,
        approval,
        `approval ${approval.id} was already used or is no longer valid: an approval allows exactly one execution. Make the call again to ask for a new approval.`,
        observe,
      );
    }
    this.options.receipts.forget(approval.id);
    const reason = `approved by ${decidedBy(approval)} (approval ${approval.id}): ${held.reason}`;
    return this.options.execute(call, { ...held, outcome: 'permit', reason }, { approval: approvalStamp(approval) }, observe);
  }

  private async refuseRelease(request: CallRequest, decision: Decision, approval: HeldCall, text: string, observe: Observe): Promise<CallToolResult> {
    const receipt = await this.options.record('deny', request, { ...decision, outcome: 'deny', reason: text }, { approval: approvalStamp(approval) });
    observe('deny', receipt);
    return refusal(text, receipt.envelope);
  }

  private finish(observe: Observe, event: string, receipt: AppendedReceipt | undefined, text: string, approvalId: string): CallToolResult {
    this.options.receipts.forget(approvalId);
    observe(event, receipt);
    return refusal(text, receipt?.envelope);
  }
}

function decidedBy(a: HeldCall): string {
  return a.decisions.map((d) => d.reviewer).join(', ') || 'nobody';
}

function notes(a: HeldCall): string {
  const text = a.decisions
    .map((d) => d.note)
    .filter(Boolean)
    .join('; ');
  return text ? `: "${text}"` : '';
}
