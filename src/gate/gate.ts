// The path of one governed request (a tools/call, a resources/read ...), as the design tells it:
// decide, charge limits, hold, record, dispatch, record, answer. Each step returns what happened;
// the call is observed once, at the end. Every fault on the way refuses the call: no permit, no
// execution; no durable receipt, no execution.
import { whyVoid, type Approvals, type HeldCall } from '../approvals/index.js';
import {
  driftVerdict,
  PIN_DRIFT_RULE,
  type CallRequest,
  type ChargedLimit,
  type ChargeResult,
  type Decider,
  type Decision,
  type Execution,
  type LimitCharge,
  traceStage,
} from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import { logFault, type Logger } from '../log.js';
import { resultSha256 } from '../receipts/index.js';
import { faultRefusal, refusal, withReceipt, type GateAnswer, type TaskAnswer, type TaskEnd } from './answer.js';
import { constraintsApplied, limitName } from './constraints.js';
import { dispatchWithin, type Dispatched } from './dispatch.js';
import { fateOf } from '../upstream/index.js';
import { noResult } from './no-result.js';
import { decidedBy, holdCall, type Waited } from './hold.js';
import { approvalStamp, callDraft, type BreakGlassStamp, type ReceiptExtras, type ReceiptSink } from './receipts.js';
import { differs, shadowDecision, type ShadowVerdict } from './shadow.js';
import type { Answered, CallHandler, GateCall, Quarantine, ToolCall } from './types.js';

export interface LimitCounter {
  charge(charges: LimitCharge[], now: Date): Promise<ChargeResult>;
}

export interface GateOptions {
  /** Returns the decider in force now (policy hot reload swaps it). */
  decider: () => Decider;
  /** The shadow candidate's decision (policy.shadow), undefined while none is loaded; it never changes a call. */
  shadow?: (request: CallRequest) => Decision | undefined;
  receipts: ReceiptSink;
  /** Without it, a HOLD decision is refused. */
  approvals?: Approvals<AppendedReceipt>;
  /** Without it, a decision that carries limits is refused (limits cannot be enforced). */
  limits?: LimitCounter;
  /** An open break-glass window that lets this refused or held call through, if any. */
  breakGlass?: (request: CallRequest) => Promise<BreakGlassStamp | undefined>;
  /** The identity (sha256) of a configured upstream, which the receipts of a call that runs on it name. */
  upstreamIdentity?: (server: string) => string | undefined;
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
  /** What the shadow candidate decided, when one is loaded. */
  shadow?: ShadowVerdict;
}

const ZERO_SHA = '0'.repeat(64);

/** A decision; when a fault forced it, the error id the log has the fault under; once charged, the limits with their counters. */
type Decided = Decision & { errorId?: string; charged?: ChargedLimit[] };

export class Gate implements CallHandler {
  /** Aborted by drain(): held requests stop waiting and tell the agent to retry after the restart. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: GateOptions) {}

  async handle(call: ToolCall): Promise<GateAnswer> {
    // Only a call made as a task is answered with a task or a hold that goes on.
    return (await this.run({ ...call, asTask: false })) as GateAnswer;
  }

  handleAsTask(call: ToolCall): Promise<TaskAnswer> {
    return this.run({ ...call, asTask: true });
  }

  private async run(call: GateCall): Promise<TaskAnswer> {
    const started = performance.now();
    traceStage('gate entered');
    let decision = this.decideOrQuarantine(call);
    const shadow = this.shadow(call, decision);
    traceStage('policy decided');
    if (shadow?.differs) decision = { ...decision, shadow: shadowDecision(shadow.candidate!) };
    let breakGlass: BreakGlassStamp | undefined;
    let answered: Answered;
    try {
      breakGlass = await this.breakGlass(call, decision);
      if (!breakGlass) decision = await this.charge(call.request, decision);
      answered = await this.proceed(call, decision, breakGlass);
    } catch (err) {
      answered = this.failedClosed(call.request, err);
    }
    const decisionMs = performance.now() - started - (answered.upstreamMs ?? 0);
    const observe = ({ final, receipt, upstreamMs }: Answered) =>
      this.options.observe?.({ request: call.request, decision, final, receiptId: receipt?.body.id, decisionMs, upstreamMs, breakGlass, shadow });
    // A call that goes on (held as a task, or a task upstream) is observed once, when it ends.
    if (answered.ended) void answered.ended.then(observe);
    else observe(answered);
    return answered.answer;
  }

  /** The gateway is stopping: answer held requests now (their approvals stay open for a retry). */
  drain(): void {
    this.stopping.abort();
  }

  /** decide: policy first, always; a quarantined surface may only make its decision stricter. */
  private decideOrQuarantine(call: ToolCall): Decided {
    const decision = this.decide(call.request);
    return call.quarantine ? this.stricter(decision, call.quarantine) : decision;
  }

  /** Any fault in the decider is a refusal. */
  private decide(request: CallRequest): Decided {
    try {
      return this.options.decider()(request);
    } catch (err) {
      const errorId = logFault(this.options.log, { err, callId: request.callId }, 'policy evaluation failed: refusing');
      return { outcome: 'deny', rules: [], reason: 'policy evaluation failed (fail closed)', bundleSha256: ZERO_SHA, errorId };
    }
  }

  /** shadow: the candidate decides the call as it arrived, under the same quarantine; only receipts and metrics read it. */
  private shadow(call: ToolCall, enforced: Decision): ShadowVerdict | undefined {
    const { shadow, log } = this.options;
    if (!shadow) return undefined;
    const { request } = call;
    try {
      const own = shadow(request);
      if (!own) return undefined;
      const candidate = call.quarantine ? this.stricter(own, call.quarantine) : own;
      if (own.fault !== undefined) {
        log.warn(
          { callId: request.callId, shadow_bundle_sha256: own.bundleSha256, rules: own.rules, err: own.fault },
          'shadow candidate could not evaluate a condition; its on_error decides in the shadow only',
        );
      }
      return {
        enforced: enforced.outcome,
        candidate,
        differs: differs(enforced, candidate),
        ...(own.fault !== undefined ? { fault: 'evaluation' as const } : {}),
      };
    } catch (err) {
      logFault(log, { err, callId: request.callId }, 'shadow candidate failed; the call is decided by the policy in force alone');
      return { enforced: enforced.outcome, differs: false, fault: 'throw' };
    }
  }

  /**
   * A quarantine never widens policy: deny and silence stay as they are; an unknown surface is
   * silence; on drift (`pins.on_drift`) deny refuses, and hold turns a permit into a hold for the pin
   * reviewers and makes a hold need a pin reviewer besides the rule's own approvers.
   */
  private stricter(decision: Decided, q: Quarantine): Decided {
    if (decision.outcome === 'deny' || decision.outcome === 'silence') return decision;
    const pinApprovers = this.options.driftApprovers ?? [];
    const { bundleSha256 } = decision;
    if (q.action !== 'hold') return { outcome: q.action === 'silence' ? 'silence' : 'deny', rules: [], reason: q.reason, bundleSha256 };
    const verdict = driftVerdict(decision, pinApprovers.length > 0)!;
    if (verdict.outcome === 'deny') return { ...verdict, reason: q.reason, bundleSha256 };
    const held = { ...decision, ...verdict, reason: q.reason };
    const pin = { rule: PIN_DRIFT_RULE, approvers: pinApprovers, quorum: 1 };
    if (decision.outcome === 'hold') return { ...held, approval: { ...decision.approval!, requirement: [...decision.approval!.requirement, pin] } };
    const evidence = { note: false, fields: [] };
    return { ...held, approval: { ruleId: PIN_DRIFT_RULE, requirement: [pin], evidence, timeoutMs: 15 * 60_000, waitMs: 50_000, webhooks: [] } };
  }

  /** break-glass: an open window lets a held, silenced or break-glass-allowed denied call through, flagged in every receipt (which keep the policy's own verdict, so replay reproduces it). */
  private async breakGlass(call: ToolCall, decision: Decision): Promise<BreakGlassStamp | undefined> {
    if (decision.outcome === 'permit' || call.quarantine?.action === 'silence') return undefined;
    if (decision.outcome === 'deny' && !decision.breakGlassAllowed) return undefined;
    return this.options.breakGlass?.(call.request);
  }

  /** charge: rates and budgets before anything runs; a limit reached or a store that fails is a DENY. */
  private async charge(request: CallRequest, decision: Decided): Promise<Decided> {
    if (decision.outcome !== 'permit' || !decision.limits?.length) return decision;
    if (!this.options.limits) return { ...decision, outcome: 'deny', reason: 'the policy sets limits but no limit store is configured (fail closed)' };
    try {
      const result = await this.options.limits.charge(decision.limits, request.now);
      if (result.ok) return { ...decision, charged: result.charged };
      const { charge, used } = result;
      const what = charge.kind === 'rate' ? `${used} calls` : `${used} used`;
      return {
        ...decision,
        outcome: 'deny',
        rules: [limitName(charge)],
        reason: `limit of rule ${charge.ruleId} reached (${what} of ${charge.max} per ${charge.windowMs / 1000}s window); try again later`,
      };
    } catch (err) {
      const errorId = logFault(this.options.log, { err, callId: request.callId }, 'limit store failed: refusing');
      return { ...decision, outcome: 'deny', reason: 'the limit store failed (fail closed)', errorId };
    }
  }

  /** What the decision asks for: run it, hold it for reviewers, or refuse it. */
  private proceed(call: GateCall, decision: Decided, breakGlass: BreakGlassStamp | undefined): Promise<Answered> {
    if (breakGlass) return this.execute(call, decision, { breakGlass });
    switch (decision.outcome) {
      case 'permit':
        return this.execute(call, decision, {});
      case 'hold':
        return this.hold(call, decision);
      default:
        return this.refuse(call.request, decision);
    }
  }

  /** hold: wait for reviewers; an approved call is released, anything else is answered as it ended. A call made as a task is answered at once, its wait going on. */
  private async hold(call: GateCall, decision: Decision): Promise<Answered> {
    const { approvals } = this.options;
    if (!approvals) {
      const reason = `${decision.reason}; approvals are not configured on this gateway, so the call is refused`;
      return this.refuse(call.request, { ...decision, outcome: 'deny', reason });
    }
    const { opened, receipt, waited } = await holdCall(approvals, call, decision, this.stopping.signal);
    if (!call.asTask || opened.status !== 'pending') return this.afterHold(call, decision, await waited);
    // Whatever fails after the answer (the release's receipts) refuses the call, as before it.
    const later = waited.then((w) => this.afterHold(call, decision, w)).catch((err: unknown) => this.failedClosed(call.request, err));
    const approval = { id: opened.id, status: 'pending' as const, expires_at: opened.expires_at };
    const outcome = later.then((a) => a.answer);
    return { final: 'hold', receipt, answer: { kind: 'held', receipt: receipt?.envelope, approval, outcome }, ended: later.then((a) => a.ended ?? a) };
  }

  /** What the hold came to: released when approved, else answered as it ended. */
  private afterHold(call: GateCall, decision: Decision, waited: Waited): Promise<Answered> {
    if (waited.kind === 'answered') return Promise.resolve(waited);
    if (waited.kind === 'used')
      return this.refuseRelease(call.request, decision, waited.approval, alreadyUsed(waited.approval, 'was already used by an earlier identical call'));
    return this.release(call, waited.approval);
  }

  /** Approved: decide the call again under the policy in force; release only what was approved, exactly once. */
  private async release(call: GateCall, approval: HeldCall): Promise<Answered> {
    const current = this.decideOrQuarantine(call);
    const changed = whyVoid(approval, call.request, current);
    if (changed) return this.voidAndDecideAfresh(call, approval, current, changed);
    // Held calls are charged too, at release: a release over a limit or budget is refused.
    const charged = await this.charge(call.request, { ...current, outcome: 'permit' });
    if (charged.outcome !== 'permit') return this.refuseRelease(call.request, charged, approval, `approval ${approval.id} was granted, but ${charged.reason}`);
    if (!(await this.options.approvals!.claimExecution(approval.id))) {
      return this.refuseRelease(call.request, current, approval, alreadyUsed(approval, 'was already used or is no longer valid'));
    }
    const reason = `approved by ${decidedBy(approval)} (approval ${approval.id}): ${current.reason}`;
    return this.execute(call, { ...charged, outcome: 'permit', reason }, { approval: approvalStamp(approval) });
  }

  /** The approval no longer covers the call: a `void` receipt says why, and the call is decided afresh (a new hold if it still needs one). */
  private async voidAndDecideAfresh(call: GateCall, approval: HeldCall, current: Decided, why: string): Promise<Answered> {
    await this.options.approvals!.void(approval.id, why);
    return this.proceed(call, await this.charge(call.request, current), undefined);
  }

  /**
   * record, dispatch, record: durable `permit`, the upstream call, then what became of it; the client
   * gets the last receipt. A call the upstream took as a task has not ended: what it came to is
   * recorded when the task ends (`end`), and until then the client holds the permit.
   */
  private async execute(call: GateCall, decision: Decided, extras: ReceiptExtras): Promise<Answered> {
    const { request } = call;
    const upstreamSha256 = this.options.upstreamIdentity?.(request.server);
    const withConstraints = { ...extras, ...(upstreamSha256 ? { upstreamSha256 } : {}), ...constraintsApplied(request, decision, decision.charged) };
    const permit = await this.record('permit', request, decision, withConstraints);
    traceStage('permit durable, back in the gate');
    const dispatched = await dispatchWithin(call, decision.effectiveArgs ?? request.args, decision.timeout);
    const after = { ...withConstraints, ref: permit.leafHash };
    if (call.asTask && dispatched.kind === 'result' && isCreateTaskResult(dispatched.result)) {
      let taskEnds!: (answered: Answered) => void;
      const ended = new Promise<Answered>((resolve) => (taskEnds = resolve));
      const end = once(async (e: TaskEnd) => {
        const answered = await this.ended(request, decision, after, permit, taskEnded(e));
        taskEnds(answered);
        return answered.answer as GateAnswer;
      });
      const { result, upstreamMs } = dispatched;
      return { final: 'permit', receipt: permit, upstreamMs, answer: { kind: 'task', result, receipt: permit.envelope, end }, ended };
    }
    return this.ended(request, decision, after, permit, dispatched);
  }

  /** What a dispatch came to, recorded: `complete` with the result, or no result (below). */
  private async ended(request: CallRequest, decision: Decided, after: ReceiptExtras, permit: AppendedReceipt, dispatched: Dispatched): Promise<Answered> {
    if (dispatched.kind === 'result') {
      traceStage('upstream result back in the gate');
      const { result, upstreamMs } = dispatched;
      const outcome = { sha256: resultSha256(result), is_error: result.isError === true };
      const complete = await this.recordAfterDispatch('complete', request, decision, { ...after, result: outcome }, permit);
      traceStage('complete durable, back in the gate');
      return { final: 'complete', receipt: complete, upstreamMs, answer: withReceipt(result, complete.envelope) };
    }
    return this.noResult(request, decision, after, permit, dispatched);
  }

  /** No result: `fail` when the upstream answered with an error or the call was never sent; `unknown` when it was sent and never answered, since it may have run. */
  private async noResult(
    request: CallRequest,
    decision: Decision,
    extras: ReceiptExtras,
    permit: AppendedReceipt,
    dispatched: Extract<Dispatched, { kind: 'no_result' }>,
  ): Promise<Answered> {
    const told = noResult(request, dispatched, this.options.log);
    const receipt = await this.recordAfterDispatch(told.event, request, decision, { ...extras, ...told.extras }, permit);
    return { final: told.event, receipt, upstreamMs: dispatched.upstreamMs, answer: told.answer(receipt.envelope) };
  }

  /** After dispatch the call may have run: if its last receipt cannot be written, the client still gets the permit. */
  private async recordAfterDispatch(
    event: Execution,
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
  private async refuse(request: CallRequest, decision: Decided): Promise<Answered> {
    const event = decision.outcome === 'silence' ? 'silence' : 'deny';
    const receipt = await this.record(event, request, decision);
    const verb = event === 'silence' ? 'refused' : 'denied';
    const rules = decision.rules.length ? ` (rule ${decision.rules.join(', ')})` : '';
    const text = `call ${verb}${rules}: ${decision.reason}`;
    return { final: event, receipt, answer: decision.errorId ? faultRefusal(text, decision.errorId, receipt.envelope) : refusal(text, receipt.envelope) };
  }

  /** An approved call that may not run after all: a `deny` receipt naming the approval, and the reason. */
  private async refuseRelease(request: CallRequest, decision: Decision, approval: HeldCall, text: string): Promise<Answered> {
    // A refused release is about the approval, not the call as it arrived: no shadow (docs/receipts.md §1.8).
    const receipt = await this.record(
      'deny',
      request,
      { ...decision, outcome: 'deny', reason: text, shadow: undefined },
      { approval: approvalStamp(approval) },
    );
    return { final: 'deny', receipt, answer: refusal(text, receipt.envelope) };
  }

  /** A receipt, the store or the approvals failed before dispatch: fail closed, and say so. */
  private failedClosed(request: CallRequest, err: unknown): Answered {
    const errorId = logFault(this.options.log, { err, callId: request.callId }, 'call refused: the gate failed closed');
    return { final: 'error', answer: faultRefusal('call refused: toolgate could not record or check it. Nothing was executed; try again later', errorId) };
  }

  private record(event: Parameters<typeof callDraft>[0], request: CallRequest, decision: Decision, extras: ReceiptExtras = {}): Promise<AppendedReceipt> {
    return this.options.receipts.append(callDraft(event, request, decision, extras));
  }
}

/** Untrusted: the upstream's answer to a task-augmented call. A task is what it took the call as. */
function isCreateTaskResult(result: Record<string, unknown>): boolean {
  const task = result.task as { taskId?: unknown } | undefined;
  return task !== null && typeof task === 'object' && typeof task.taskId === 'string';
}

/** A task's end as a dispatch's: its result, or no result and its fate (timing is the task's, not measured here). */
function taskEnded(ended: TaskEnd): Dispatched {
  if ('result' in ended) return { kind: 'result', result: ended.result, upstreamMs: 0 };
  return { kind: 'no_result', err: ended.err, fate: fateOf(ended.err), upstreamMs: 0 };
}

/** The first call runs; later ones get its answer: a call's last receipt is written once. */
function once<A, T>(f: (a: A) => Promise<T>): (a: A) => Promise<T> {
  let first: Promise<T> | undefined;
  return (a) => (first ??= f(a));
}

function alreadyUsed(approval: HeldCall, what: string): string {
  return `approval ${approval.id} ${what}: an approval allows exactly one execution. Make the call again to ask for a new approval.`;
}
