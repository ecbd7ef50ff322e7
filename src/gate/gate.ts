// The path of one tools/call, as the design tells it: decide, charge limits, hold, record, dispatch,
// record, answer. Every fault on the way refuses the call: no permit, no execution; no durable
// receipt, no execution.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CallRequest, Decider, Decision, LimitCharge } from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import type { Logger } from '../log.js';
import { canonicalSha256 } from '../receipts/index.js';
import { refusal, withReceipt } from './answer.js';
import { Hold, type HoldOptions } from './hold.js';
import { callDraft, type BreakGlassStamp, type ReceiptExtras, type ReceiptSink } from './receipts.js';
import type { CallHandler, ToolCall } from './types.js';

export interface LimitCounter {
  charge(charges: LimitCharge[], now: Date): Promise<{ ok: true } | { ok: false; charge: LimitCharge; used: number }>;
}

export interface GateOptions {
  /** Returns the decider in force now (policy hot reload swaps it). */
  decider: () => Decider;
  receipts: ReceiptSink;
  /** Without it, a HOLD decision is refused. */
  approvals?: Omit<HoldOptions, 'decide' | 'execute' | 'record' | 'shutdown'>;
  /** Without it, a decision that carries limits is refused (limits cannot be enforced). */
  limits?: LimitCounter;
  /** An open break-glass window that lets this refused or held call through, if any. */
  breakGlass?: (request: CallRequest) => Promise<BreakGlassStamp | undefined>;
  /** Who may approve a call held because its tool's definition drifted from its pin. */
  driftApprovers?: string[];
  /** Called once per call with what happened (metrics, the per-call log line). */
  observe?: (event: CallObservation) => void;
  log: Logger;
}

export interface CallObservation {
  request: CallRequest;
  decision: Decision;
  /** The event of the last receipt: what finally happened to the call. */
  final: string;
  receiptId?: string;
  decisionMs: number;
  upstreamMs?: number;
  breakGlass?: BreakGlassStamp;
}

const ZERO_SHA = '0'.repeat(64);

export class Gate implements CallHandler {
  private readonly hold?: Hold;
  /** Aborted by drain(): held requests stop waiting and tell the agent to retry after the restart. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: GateOptions) {
    if (options.approvals) {
      this.hold = new Hold({
        ...options.approvals,
        shutdown: this.stopping.signal,
        decide: (request) => this.decide(request),
        execute: (call, decision, extras) => this.execute(call, decision, extras),
        record: (event, request, decision, extras) => this.record(event, request, decision, extras),
      });
    }
  }

  async handle(call: ToolCall): Promise<CallToolResult> {
    const started = performance.now();
    const { request } = call;
    // decide: a quarantined surface is decided by the gateway; any fault in the decider is a refusal.
    let decision = call.quarantine ? this.quarantined(call.quarantine, request) : this.decide(request);
    let breakGlass: BreakGlassStamp | undefined;
    const observe: Observe = (final, receipt, upstreamMs) =>
      this.options.observe?.({ request, decision, final, receiptId: receipt?.body.id, decisionMs: performance.now() - started, upstreamMs, breakGlass });
    try {
      // break-glass: an open window lets a refused or held call through, flagged in every receipt
      // (which keep the policy's own verdict, so replay still reproduces it).
      if (decision.outcome !== 'permit' && call.quarantine?.action !== 'silence') breakGlass = await this.options.breakGlass?.(request);
      if (breakGlass) return await this.execute(call, decision, { breakGlass }, observe);
      // limits: charge rates and budgets before anything runs.
      if (decision.outcome === 'permit' && decision.limits?.length) decision = await this.charge(request, decision);
      switch (decision.outcome) {
        case 'permit':
          return await this.execute(call, decision, {}, observe);
        case 'hold':
          if (!this.hold)
            return await this.refuse(
              request,
              { ...decision, outcome: 'deny', reason: `${decision.reason}; approvals are not configured on this gateway, so the call is refused` },
              observe,
            );
          return await this.hold.run(call, decision, observe);
        default:
          return await this.refuse(request, decision, observe);
      }
    } catch (err) {
      // A receipt, the store or the approvals failed before dispatch: fail closed, and say so.
      this.options.log.error({ err, callId: request.callId }, 'call refused: the gate failed closed');
      observe('error');
      return refusal(`call refused: toolgate could not record or check it (${(err as Error).message}). Nothing was executed; try again later.`);
    }
  }

  /** The gateway is stopping: answer held requests now (their approvals stay open for a retry). */
  drain(): void {
    this.stopping.abort();
  }

  private decide(request: CallRequest): Decision {
    try {
      return this.options.decider()(request);
    } catch (err) {
      this.options.log.error({ err, callId: request.callId }, 'policy evaluation failed: refusing');
      return { outcome: 'deny', rules: [], reason: 'policy evaluation failed (fail closed)', bundleSha256: ZERO_SHA };
    }
  }

  private quarantined(q: NonNullable<ToolCall['quarantine']>, request: CallRequest): Decision {
    // The bundle in force is still named, so the receipt says under which policy the refusal happened.
    const base = { rules: [], reason: q.reason, bundleSha256: this.decide(request).bundleSha256 };
    if (q.action !== 'hold') return { ...base, outcome: q.action };
    const approvers = this.options.driftApprovers ?? [];
    const approval = { ruleId: 'pin-drift', approvers, quorum: 1, timeoutMs: 15 * 60_000, waitMs: 50_000 };
    return { ...base, rules: ['pin-drift'], outcome: approvers.length ? 'hold' : 'deny', approval };
  }

  private async charge(request: CallRequest, decision: Decision): Promise<Decision> {
    if (!this.options.limits) return { ...decision, outcome: 'deny', reason: 'the policy sets limits but no limit store is configured (fail closed)' };
    try {
      const result = await this.options.limits.charge(decision.limits ?? [], request.now);
      if (result.ok) return decision;
      const { charge, used } = result;
      const what = charge.kind === 'rate' ? `${used} calls` : `${used} used`;
      return {
        ...decision,
        outcome: 'deny',
        rules: [charge.ruleId],
        reason: `limit of rule ${charge.ruleId} reached (${what} of ${charge.max} per ${charge.windowMs / 1000}s window); try again later`,
      };
    } catch (err) {
      this.options.log.error({ err, callId: request.callId }, 'limit store failed: refusing');
      return { ...decision, outcome: 'deny', reason: 'the limit store failed (fail closed)' };
    }
  }

  /** PERMIT: durable `permit`, dispatch, then `complete` or `fail`; the client gets the last receipt. */
  private async execute(call: ToolCall, decision: Decision, extras: ReceiptExtras, observe?: Observe): Promise<CallToolResult> {
    const { request } = call;
    const args = decision.effectiveArgs ?? request.args;
    const permitExtras = decision.effectiveArgs ? { ...extras, effectiveArgsSha256: canonicalSha256(args) } : extras;
    const permit = await this.record('permit', request, decision, permitExtras);
    const sent = performance.now();
    let result: CallToolResult;
    try {
      result = await call.dispatch(args);
    } catch (err) {
      const upstreamMs = performance.now() - sent;
      const failed = await this.recordAfterDispatch('fail', request, decision, { ...permitExtras, ref: permit.leafHash }, permit);
      observe?.('fail', failed, upstreamMs);
      return refusal(`the call was permitted but the upstream failed: ${(err as Error).message}`, failed.envelope);
    }
    const upstreamMs = performance.now() - sent;
    const outcome = { sha256: canonicalSha256(result), is_error: result.isError === true };
    const complete = await this.recordAfterDispatch('complete', request, decision, { ...permitExtras, ref: permit.leafHash, result: outcome }, permit);
    observe?.('complete', complete, upstreamMs);
    return withReceipt(result, complete.envelope);
  }

  /** After dispatch the call has run: if its last receipt cannot be written, the client still gets the permit. */
  private async recordAfterDispatch(
    event: 'complete' | 'fail',
    request: CallRequest,
    decision: Decision,
    extras: ReceiptExtras,
    permit: AppendedReceipt,
  ): Promise<AppendedReceipt> {
    try {
      return await this.record(event, request, decision, extras);
    } catch (err) {
      this.options.log.error({ err, callId: request.callId }, `the ${event} receipt could not be written; answering with the permit receipt`);
      return permit;
    }
  }

  /** DENY / SILENCE: the receipt, then a refusal that says why. */
  private async refuse(request: CallRequest, decision: Decision, observe?: Observe): Promise<CallToolResult> {
    const event = decision.outcome === 'silence' ? 'silence' : 'deny';
    const receipt = await this.record(event, request, decision);
    observe?.(event, receipt);
    const verb = event === 'silence' ? 'refused' : 'denied';
    const rules = decision.rules.length ? ` (rule ${decision.rules.join(', ')})` : '';
    return refusal(`call ${verb}${rules}: ${decision.reason}`, receipt.envelope);
  }

  private record(event: Parameters<typeof callDraft>[0], request: CallRequest, decision: Decision, extras: ReceiptExtras = {}): Promise<AppendedReceipt> {
    return this.options.receipts.append(callDraft(event, request, decision, extras));
  }
}

type Observe = (final: string, receipt?: AppendedReceipt, upstreamMs?: number) => void;
export type { Observe };
