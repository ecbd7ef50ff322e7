// The approvals service: opens held calls (or re-attaches identical retries), lets held requests
// wait, records reviewers' decisions, expires and cancels, and grants exactly one execution.
//
// Ordering of a change and its receipt: receipt first. Every change goes through `record` (the
// gate wiring appends the signed receipt and waits until it is durable) before the store is
// written; if recording throws, nothing changes. So no stored state ever lacks its receipt, and
// nothing executes on a decision that has no receipt. A crash between the two leaves a receipt
// whose change did not happen: the approval is still as it was and the reviewer decides again.
import { randomBytes } from 'node:crypto';
import type { CallRequest, Decision } from '../core/call.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/index.js';
import { bindingOf } from './binding.js';
import { KeyedLock } from './keyed-lock.js';
import { approversOf } from './requirement.js';
import type { Reviewer } from './reviewers.js';
import { cancelIfPending, castVote, executeIfApproved, expireIfDue, isPastDeadline, voidIfOpen, type Evidence } from './rules.js';
import { ApprovalError, parseHeldCall, type ApprovalChange, type ApprovalStatus, type HeldCall, type RecordedReceipt, type Settled } from './schema.js';
import { Waiters, type WaitOptions } from './waiters.js';

const COLLECTION = 'approvals';

/** Writes the receipt of a change durably and returns it (undefined for changes that have no receipt). */
export type Recorder<R extends RecordedReceipt = RecordedReceipt> = (change: ApprovalChange) => Promise<R | undefined>;
export type ApprovalListener = (change: ApprovalChange) => void;

export interface ApprovalsOptions<R extends RecordedReceipt = RecordedReceipt> {
  store: Store;
  log: Logger;
  record?: Recorder<R>;
  clock?: () => Date;
  /** How often a waiting request beats (default 5 s). */
  heartbeatMs?: number;
  /** How often `start()` sweeps for expired approvals (default 1 s). */
  sweepMs?: number;
}

export class Approvals<R extends RecordedReceipt = RecordedReceipt> {
  private readonly locks = new KeyedLock();
  private readonly listeners = new Set<ApprovalListener>();
  private readonly waiters: Waiters;
  private readonly clock: () => Date;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: ApprovalsOptions<R>) {
    this.clock = options.clock ?? (() => new Date());
    this.waiters = new Waiters(options.heartbeatMs ?? 5_000, (err) => options.log.warn({ err }, 'approval heartbeat failed'));
  }

  /** Holds the call: re-attaches to the open approval of an identical call, or opens a new one (with its `hold` receipt). */
  openOrAttach(
    request: CallRequest,
    decision: Decision,
    extra: { toolDefinition?: Record<string, unknown> } = {},
  ): Promise<Settled<R> & { attached: boolean }> {
    return this.open(request, decision, extra);
  }

  /**
   * Holds the call and waits for reviewers, as the gate does: the wait starts before the approval is
   * visible to anyone, so the receipt of a decision made at once is not missed. Returns how the hold
   * was opened (attached, its `hold` receipt) and how the wait ended (see wait()).
   */
  async holdAndWait(
    request: CallRequest,
    decision: Decision,
    extra: { toolDefinition?: Record<string, unknown> },
    options: WaitOptions,
  ): Promise<{ opened: Settled<R> & { attached: boolean }; settled: Settled<R> }> {
    const { opened, settled } = await this.holdThenWait(request, decision, extra, options);
    return { opened, settled: await settled };
  }

  /** As holdAndWait, but resolves once the hold is open, with the wait still going on: a call held as a task is answered at once. */
  async holdThenWait(
    request: CallRequest,
    decision: Decision,
    extra: { toolDefinition?: Record<string, unknown> },
    options: WaitOptions,
  ): Promise<{ opened: Settled<R> & { attached: boolean }; settled: Promise<Settled<R>> }> {
    let waiting: Promise<Settled> | undefined;
    const opened = await this.open(request, decision, extra, (approval) => {
      waiting = this.waiters.wait(approval.id, () => Promise.resolve(approval), options);
    });
    if (opened.approval.status !== 'pending') return { opened, settled: Promise.resolve(opened) };
    // Only publish() notifies waiters, always with a receipt from this service's recorder: an R.
    return { opened, settled: (waiting ?? this.wait(opened.approval.id, options)) as Promise<Settled<R>> };
  }

  private async open(
    request: CallRequest,
    decision: Decision,
    extra: { toolDefinition?: Record<string, unknown> },
    beforeVisible?: (approval: HeldCall) => void,
  ): Promise<Settled<R> & { attached: boolean }> {
    const spec = decision.approval;
    if (decision.outcome !== 'hold' || !spec) throw new ApprovalError('invalid_record', 'only a hold decision with an approval spec opens an approval');
    // A tools/call keeps the key it always had; another method adds itself and its resource.
    const subject = request.method === 'tools/call' ? [] : [request.method, request.uri ?? null];
    const retryKey = JSON.stringify([request.principal.id, request.server, request.tool, request.argsSha256, ...subject]);
    return this.locks.run(`retry:${retryKey}`, async () => {
      const now = this.clock();
      const open = (await this.options.store.find(COLLECTION, { retry_key: retryKey }))
        .map(parseHeldCall)
        .filter((a) => (a.status === 'pending' || a.status === 'approved') && !isPastDeadline(a, now))
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      if (open[0]) return { approval: open[0], attached: true };
      const fresh: HeldCall = {
        id: `apr_${randomBytes(12).toString('hex')}`,
        status: 'pending',
        rev: 0,
        call: {
          id: request.callId,
          session: request.session,
          rpc_id: request.rpcId,
          principal: { id: request.principal.id, groups: [...request.principal.groups] },
          ...(request.method === 'tools/call' ? {} : { method: request.method }),
          server: request.server,
          tool: request.tool,
          ...(request.uri === undefined ? {} : { uri: request.uri }),
          args: request.args,
          args_sha256: request.argsSha256,
          tool_sha256: request.toolSha256,
          tool_definition: extra.toolDefinition ?? null,
          annotations: request.annotations,
          ...(request.protocolVersion ? { protocol_version: request.protocolVersion } : {}),
        },
        rule_id: spec.ruleId,
        reason: decision.reason,
        requirement: spec.requirement.map((entry) => ({ ...entry })),
        approvers: approversOf(spec.requirement),
        evidence: { note: spec.evidence.note, fields: [...spec.evidence.fields] },
        timeout_ms: spec.timeoutMs,
        decisions: [],
        bundle_sha256: decision.bundleSha256,
        webhooks: [...spec.webhooks],
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + spec.timeoutMs).toISOString(),
        valid_until: null,
        decided_at: null,
        executed_at: null,
        hold_leaf: null,
        ...bindingOf(decision),
        void_reason: null,
        retry_key: retryKey,
      };
      const receipt = await this.record({ kind: 'hold', approval: fresh, ...(decision.shadow ? { shadow: decision.shadow } : {}) });
      const approval = parseHeldCall({ ...fresh, hold_leaf: receipt?.leafHash ?? null });
      beforeVisible?.(approval);
      await this.options.store.update(COLLECTION, approval.id, (current) => current ?? approval);
      this.publish({ kind: 'hold', approval }, receipt);
      return { approval, receipt, attached: false };
    });
  }

  async get(id: string): Promise<HeldCall> {
    const doc = await this.options.store.get(COLLECTION, id);
    if (doc === undefined) throw new ApprovalError('not_found', `no approval ${id}`);
    return parseHeldCall(doc);
  }

  /** Oldest first. */
  async list(status?: ApprovalStatus): Promise<HeldCall[]> {
    const docs = await this.options.store.find(COLLECTION, status ? { status } : {});
    return docs.map(parseHeldCall).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /**
   * Resolves when the approval leaves `pending` (with the receipt of the change that settled it, when
   * this process wrote it), or with the pending approval when the wait ends or the signal aborts.
   */
  wait(id: string, options: WaitOptions): Promise<Settled<R>> {
    // Only publish() notifies waiters, always with a receipt from this service's recorder: an R.
    return this.waiters.wait(id, () => this.get(id), options) as Promise<Settled<R>>;
  }

  /**
   * Whether the agent's request is still open on this approval (in this process). When it is not,
   * the agent already got its "pending" answer: an approval runs the call only if the agent repeats it.
   */
  isWaiting(id: string): boolean {
    return this.waiters.isWaiting(id);
  }

  /** A reviewer's decision, with its note and evidence fields; refused (nothing recorded) when it lacks what the approval demands. */
  decide(id: string, reviewer: Reviewer, verdict: 'approve' | 'reject', given: string | null | Evidence = null): Promise<HeldCall> {
    const evidence = typeof given === 'string' || given === null ? { note: given, fields: {} } : given;
    return this.transition(id, (a, now) => castVote(a, reviewer, verdict, evidence, now)).then((r) => r.approval);
  }

  /** True exactly once for an approved approval within its validity; the caller then dispatches the call. */
  async claimExecution(id: string): Promise<boolean> {
    return (await this.transition(id, executeIfApproved)).changed;
  }

  /** The client cancelled its held request. Returns the approval as it is now (unchanged if already granted). */
  async cancel(id: string): Promise<Settled<R>> {
    const { approval, receipt } = await this.transition(id, cancelIfPending);
    return { approval, receipt };
  }

  /** The call no longer is what was approved (see binding.ts): the approval is void, with its `void` receipt. */
  async void(id: string, reason: string): Promise<Settled<R>> {
    const { approval, receipt } = await this.transition(id, (a, now) => voidIfOpen(a, reason, now));
    return { approval, receipt };
  }

  /** Expires pending approvals past `expires_at` and approved ones not executed before `valid_until`. */
  async expireDue(now: Date = this.clock()): Promise<HeldCall[]> {
    // A cheap pre-filter on the stored documents: parsing every open approval each second would stall
    // the event loop with thousands held. The transition parses and checks each due one properly.
    const due: string[] = [];
    for (const status of ['pending', 'approved'] as const) {
      for (const doc of (await this.options.store.find(COLLECTION, { status })) as HeldCall[]) if (isPastDeadline(doc, now)) due.push(doc.id);
    }
    const expired: HeldCall[] = [];
    for (const id of due) {
      const result = await this.transition(id, (current) => expireIfDue(current, now));
      if (result.changed) expired.push(result.approval);
    }
    return expired;
  }

  /** Every change after it is stored: for server-sent events and webhooks. Returns the unsubscribe function. */
  subscribe(listener: ApprovalListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the expiry sweep (not keeping the process alive). */
  start(): void {
    this.sweeper ??= setInterval(() => {
      this.expireDue().catch((err: unknown) => this.options.log.error({ err }, 'approval expiry sweep failed'));
    }, this.options.sweepMs ?? 1_000).unref();
  }

  stop(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  /** One change of one approval: compute, record the receipt, store over the same revision, publish. */
  private transition(id: string, step: (a: HeldCall, now: Date) => ApprovalChange | undefined): Promise<Settled<R> & { changed: boolean }> {
    return this.locks.run(id, async () => {
      const current = await this.get(id);
      const change = step(current, this.clock());
      if (!change) return { approval: current, changed: false };
      const next: HeldCall = { ...change.approval, rev: current.rev + 1 };
      const receipt = change.kind === 'execute' ? undefined : await this.record({ ...change, approval: next });
      const stored = await this.options.store.update(COLLECTION, id, (doc) => ((doc as HeldCall | undefined)?.rev === current.rev ? next : doc));
      if ((stored as HeldCall | undefined)?.rev !== next.rev) {
        throw new ApprovalError('record_failed', `approval ${id} was changed by another writer: try again`);
      }
      this.publish({ ...change, approval: next }, receipt);
      return { approval: next, receipt, changed: true };
    });
  }

  private async record(change: ApprovalChange): Promise<R | undefined> {
    if (!this.options.record) return undefined;
    try {
      return await this.options.record(change);
    } catch (err) {
      throw new ApprovalError(
        'record_failed',
        `the ${change.kind} receipt for ${change.approval.id} could not be recorded, so nothing changed: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  private publish(change: ApprovalChange, receipt: R | undefined): void {
    this.waiters.notify({ approval: change.approval, receipt });
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.options.log.warn({ err, kind: change.kind }, 'approval listener failed');
      }
    }
  }
}
