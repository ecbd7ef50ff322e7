// Tasks (MCP 2025-11-25): a tools/call made as a task gets a task of toolgate's, bound to the client
// session that made it. Its id is toolgate's own, so upstream ids of different sessions and
// upstreams never meet and no client reaches a task it did not create. A held call is a task from
// the start; a permitted one follows the task the upstream took it as, and the call's final receipt
// is written when that task ends (docs/gateway.md, "Tasks"). The table of tasks and their course
// is here; one task's record, and how it asks its upstream, in task-record.ts.
import { randomBytes } from 'node:crypto';
import { ErrorCode, type JSONRPCNotification } from '@modelcontextprotocol/sdk/types.js';
import type { GateAnswer, TaskAnswer, TaskEnd, ToolCall } from '../gate/index.js';
import { UpstreamError, UpstreamRpcError, type Source, type Upstream } from '../upstream/index.js';
import { RpcErrorAnswer, taskMeta, toolResult } from './answer.js';
import type { Extra, GatewayContext, MethodHandler, Result } from './context.js';
import { forward, type Origin } from './forward.js';
import { page } from './pages.js';
import type { ClientSession } from './session.js';
import { cancels, takesTaskCalls } from './task-capability.js';
import { TaskInputs } from './task-inputs.js';
import { ask, type GatewayTask, ofPrincipal, RELATED_TASK, type RelatedRequest, relatedTo, rethrowAs, type Standing, type TaskRequest } from './task-record.js';
import { isTerminal, taskView, type TaskStatus, type TaskView } from './task-view.js';

/** How often a client should poll a held task: reviewers decide in minutes, not milliseconds. */
const HELD_POLL_MS = 5_000;

export class Tasks {
  private readonly byId = new Map<string, GatewayTask>();
  /** Told of each change of a 2026-07-28 client's task, by principal and task id (the 2026-07-28 edge's listen streams). */
  onChange?: (principalId: string, taskId: string) => void;

  constructor(private readonly ctx: GatewayContext) {}

  /** Whether clients are offered tasks: when some upstream takes task-augmented tools/call. */
  offered(): boolean {
    return this.ctx.upstreams.some(takesTaskCalls);
  }

  /**
   * A tools/call made as a task: the gate decides it; the client gets a task at once (or the upstream's
   * error, as it sent it). With `plainWhenEnded` (a task the server decides on, as in the 2026-07-28
   * revision) a call that ended at once is answered plainly, without a task.
   */
  async start(
    session: ClientSession,
    upstream: Upstream | undefined,
    request: TaskRequest,
    call: ToolCall,
    signal: AbortSignal,
    plainWhenEnded = false,
  ): Promise<Result> {
    const task = this.open(session, upstream, request);
    const answer = await this.ctx.handler.handleAsTask({ ...call, signal: AbortSignal.any([signal, task.cancel.signal]) });
    if (answer.kind === 'upstream-error' || (plainWhenEnded && answer.kind !== 'task' && answer.kind !== 'held')) {
      // The upstream did not take the call as a task: the client gets its answer as if it were direct.
      this.byId.delete(task.id);
      return toolResult(answer);
    }
    this.follow(task, answer);
    // The upstream's own _meta of its CreateTaskResult (e.g. a model-immediate-response) stays.
    const meta = answer.kind === 'task' ? (answer.result._meta as Result | undefined) : undefined;
    return { task: { ...task.view }, _meta: { ...meta, ...taskMeta(answer) } };
  }

  methods(): [string, MethodHandler][] {
    // Without an upstream that takes task calls, tasks are not offered, and their methods are not found.
    const offeredOnly =
      (handler: MethodHandler): MethodHandler =>
      (session, request, extra) =>
        this.offered() ? handler(session, request, extra) : Promise.reject(new RpcErrorAnswer(ErrorCode.MethodNotFound, `Method not found: ${request.method}`));
    return [
      ['tasks/get', offeredOnly((session, request, extra) => this.get(session, request.params, extra))],
      ['tasks/result', offeredOnly((session, request, extra) => this.result(session, request.params, { session, requestId: request.id }, extra))],
      ['tasks/list', offeredOnly(async (session, request) => this.list(session, request.params))],
      ['tasks/cancel', offeredOnly((session, request) => this.cancelTask(session, request.params))],
    ];
  }

  /** Whether a task of a 2026-07-28 client of the principal has this id. */
  ownedBy(principalId: string, taskId: string): boolean {
    const task = this.byId.get(taskId);
    return task !== undefined && ofPrincipal(task, principalId);
  }

  /** Whether the session still has tasks (its upstream sessions serve them). */
  owns(session: ClientSession): boolean {
    this.forgetExpired(Date.now());
    for (const task of this.byId.values()) if (task.session === session) return true;
    return false;
  }

  /** A 2026-07-28 client's task as it stands now, without asking its upstream. */
  standingNow(principalId: string, taskId: unknown): Standing {
    const task = this.findOwned(principalId, taskId);
    return { view: { ...task.view }, final: task.final, inputRequests: task.inputs?.requests() };
  }

  /** A 2026-07-28 client's task as it stands, asked of its upstream; once the upstream task ended, with what the call came to. */
  async standing(principalId: string, taskId: unknown, signal: AbortSignal): Promise<Standing> {
    const task = this.findOwned(principalId, taskId);
    if (task.upstreamId !== undefined && !task.final) {
      this.seen(task, await ask(task, 'tasks/get', signal).catch(rethrowAs(task)));
      // Not answered yet (a timeout): the task is shown as still working.
      if (isTerminal(task.view.status)) await this.fetchFinal(task, undefined, signal).catch(() => undefined);
    }
    return this.standingNow(principalId, taskId);
  }

  /** A 2026-07-28 client's tasks/cancel: cooperative, so an ended task, or one whose upstream cannot cancel, is left as it is. */
  async cancelOwned(principalId: string, taskId: unknown): Promise<void> {
    const task = this.findOwned(principalId, taskId);
    if (task.final || isTerminal(task.view.status) || (task.upstreamId !== undefined && !cancels(task.upstream!))) return;
    await this.cancelRunning(task);
  }

  /** A 2026-07-28 client's tasks/update: its responses (untrusted) answer the requests its task waits on. */
  updateOwned(principalId: string, taskId: unknown, responses: unknown): void {
    const task = this.findOwned(principalId, taskId);
    (task.inputs ??= new TaskInputs()).answer(responses);
  }

  /** An upstream's notifications/tasks/status: to the session that owns the task, under toolgate's id; a final status ends it. */
  statusFromUpstream(upstream: Upstream, message: JSONRPCNotification, source: Source): void {
    const params = (message.params ?? {}) as Result;
    const task = this.ofUpstream(upstream, params.taskId, source.client);
    if (!task || task.final) return;
    this.seen(task, params);
    task.session.notify({ ...message, params: { ...params, taskId: task.id } });
  }

  /**
   * Untrusted: the params of an upstream's request. One related to a task of the upstream's (its
   * `_meta` names it, as MCP has a task's requests do) belongs to the session whose task that is,
   * over stdio too; the client is shown toolgate's id for the task, the one it knows.
   */
  relatedTask(upstream: Upstream, params: Result, source: Source): RelatedRequest | undefined {
    const meta = params._meta as Result | undefined;
    const related = meta?.[RELATED_TASK] as Result | undefined;
    const task = related && typeof related === 'object' ? this.ofUpstream(upstream, related.taskId, source.client) : undefined;
    if (!task) return undefined;
    const shown = { session: task.session, params: { ...params, _meta: { ...meta, [RELATED_TASK]: { ...related, taskId: task.id } } } };
    if (task.session.protocolVersion === undefined) return shown;
    // A 2026-07-28 client takes no requests: the task waits for its input, shown on tasks/get beside the task's id.
    const { [RELATED_TASK]: _task, ...rest } = meta!;
    const asked = { ...params, _meta: rest };
    return { ...shown, asks: (method, signal) => (task.inputs ??= new TaskInputs()).ask(method, asked, signal) };
  }

  /** A closed session's tasks end with it: a held call's approval is cancelled, a forwarded task is cancelled upstream and ends `unknown`. */
  dropSession(session: ClientSession): void {
    for (const task of this.byId.values()) {
      if (task.session !== session) continue;
      this.byId.delete(task.id);
      task.cancel.abort('the client session closed');
      if (task.upstreamId !== undefined && !task.final) {
        ask(task, 'tasks/cancel').catch(() => undefined);
        void this.finish(task, { err: new UpstreamError('upstream_closed', 'the client session closed before the task ended') });
      }
    }
  }

  /** The gateway stops: a task still running upstream ends `unknown` (it may have run), before the ledger closes. */
  async close(): Promise<void> {
    const running = [...this.byId.values()].filter((t) => t.upstreamId !== undefined && !t.final);
    await Promise.all(running.map((t) => this.finish(t, { err: new UpstreamError('upstream_closed', 'the gateway stopped before the task ended') })));
  }

  private open(session: ClientSession, upstream: Upstream | undefined, request: TaskRequest): GatewayTask {
    this.forgetExpired(Date.now());
    const id = `tg-${randomBytes(16).toString('hex')}`;
    const now = new Date().toISOString();
    const view: TaskView = { taskId: id, status: 'working', createdAt: now, lastUpdatedAt: now, ttl: request.ttl ?? null };
    const task: GatewayTask = { id, session, upstream, view, cancel: new AbortController(), waiters: [] };
    this.byId.set(id, task);
    return task;
  }

  /** An ended task is kept for its ttl from creation (MCP's retention), then forgotten; one without a ttl until its session closes. */
  private forgetExpired(now: number): void {
    for (const task of this.byId.values()) {
      const { ttl, createdAt } = task.view;
      if (task.final && ttl !== null && Date.parse(createdAt) + ttl < now) this.byId.delete(task.id);
    }
  }

  private moved(task: GatewayTask): void {
    for (const wake of task.waiters.splice(0)) wake();
    this.changed(task);
  }

  /** A 2026-07-28 client's task changed (its state or its end): `onChange` tells the listen streams that name it. */
  private changed(task: GatewayTask): void {
    if (task.session.protocolVersion !== undefined) this.onChange?.(task.session.principal.id, task.id);
  }

  /** Until the task moves on, or the client's request goes away. */
  private nextMove(task: GatewayTask, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const stop = () => reject(new RpcErrorAnswer(ErrorCode.RequestTimeout, 'the request was cancelled'));
      if (signal.aborted) return stop();
      signal.addEventListener('abort', stop, { once: true });
      task.waiters.push(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
    });
  }

  /** What the gate answered, now or later, becomes the task's state. */
  private follow(task: GatewayTask, answer: TaskAnswer): void {
    switch (answer.kind) {
      case 'held':
        this.update(
          task,
          'working',
          `held for approval ${answer.approval.id} (until ${answer.approval.expires_at}); review it in the console or with: toolgate approvals show ${answer.approval.id}`,
          HELD_POLL_MS,
        );
        answer.outcome.then((later) => this.follow(task, later));
        return;
      case 'task': {
        const upstreamTask = answer.result.task as Result;
        task.upstreamId = upstreamTask.taskId as string;
        task.end = answer.end;
        this.seen(task, upstreamTask);
        this.moved(task);
        return;
      }
      default:
        this.settle(task, answer);
    }
  }

  /**
   * The call ended: without an upstream task (refused, rejected, or answered plainly), or its
   * upstream task ended (or was lost). A task the upstream ended shows its final state as the
   * upstream told it, message included, as a client would see it directly; toolgate words the ends
   * it made itself.
   */
  private settle(task: GatewayTask, answer: GateAnswer): void {
    if (task.final) return;
    // The call's progress token was the task's until now (forward.ts).
    if (task.upstreamId !== undefined) this.ctx.routes.taskEnded(task.upstream!, task.upstreamId, task.session);
    let shaped: Result | undefined;
    let error: unknown;
    try {
      shaped = toolResult(answer);
    } catch (err) {
      error = err;
    }
    task.final = shaped ? { result: relatedTo(task, shaped) } : { error };
    task.inputs?.withdraw('the task ended');
    if (task.upstreamId === undefined || !isTerminal(task.view.status)) {
      const words = answer.kind === 'refusal' ? answer.message : answer.kind === 'upstream-error' ? answer.error.message : undefined;
      this.update(task, answer.kind === 'result' && shaped?.isError !== true ? 'completed' : 'failed', words);
    }
    this.moved(task);
  }

  /** A forwarded task's state as the upstream told it (untrusted; shown under toolgate's id); a final status fetches its result. */
  private seen(task: GatewayTask, upstreamTask: Result): void {
    task.view = taskView(task.id, upstreamTask, task.view);
    this.changed(task);
    // The upstream sends a task's requests for input on tasks/result: toolgate waits on it for a client that does not.
    if (task.view.status === 'input_required' && task.session.protocolVersion !== undefined) void this.fetchFinal(task).catch(() => undefined);
    if (!isTerminal(task.view.status)) return;
    if (task.view.status === 'cancelled') void this.finish(task, { err: new UpstreamError('upstream_cancelled', 'the task was cancelled') });
    else this.fetchFinal(task).catch((err: unknown) => this.ctx.log.warn({ task: task.id, err }, 'the result of an ended task could not be fetched'));
  }

  /** The upstream task's result (tasks/result waits until it ends), recorded once by the gate. */
  private fetchFinal(task: GatewayTask, origin?: Origin, signal?: AbortSignal): Promise<void> {
    task.fetching ??= this.fetchOnce(task, origin, signal).finally(() => (task.fetching = undefined));
    return task.fetching;
  }

  private async fetchOnce(task: GatewayTask, origin: Origin | undefined, signal: AbortSignal | undefined): Promise<void> {
    const upstream = task.upstream!;
    const params = { taskId: task.upstreamId! };
    try {
      const result = origin
        ? await forward(this.ctx, origin, upstream, 'tasks/result', params, signal ?? new AbortController().signal)
        : await ask(task, 'tasks/result', signal);
      return await this.finish(task, { result });
    } catch (err) {
      // Not an answer about the task (a timeout: it still runs; the client's request went away): ask again later.
      if (err instanceof UpstreamError && (err.code === 'upstream_timeout' || err.code === 'upstream_not_sent' || err.code === 'upstream_cancelled')) throw err;
      const now = err instanceof UpstreamRpcError ? await this.statusUpstream(task) : 'lost';
      if (now === 'running') throw err;
      // The task's own error, or the upstream no longer has it (restarted, expired): the call ends.
      return this.finish(task, { err: now === 'ended' ? err : new UpstreamError('upstream_closed', `upstream ${upstream.name} no longer has the task`) });
    }
  }

  /** After an error from tasks/result: whether the task ended, still runs, or the upstream no longer has it. */
  private async statusUpstream(task: GatewayTask): Promise<'ended' | 'running' | 'lost'> {
    try {
      task.view = taskView(task.id, await ask(task, 'tasks/get'), task.view);
      return isTerminal(task.view.status) ? 'ended' : 'running';
    } catch (err) {
      return err instanceof UpstreamRpcError ? 'lost' : 'running';
    }
  }

  /** The forwarded task ended: the gate writes the call's final receipt. */
  private async finish(task: GatewayTask, ended: TaskEnd): Promise<void> {
    if (task.final || !task.end) return;
    this.settle(task, await task.end(ended));
  }

  private async get(session: ClientSession, params: unknown, extra: Extra): Promise<Result> {
    const task = this.find(session, params);
    if (task.upstreamId !== undefined && !task.final) {
      this.seen(task, await ask(task, 'tasks/get', extra.signal).catch(rethrowAs(task)));
    }
    return { ...task.view };
  }

  /** Waits until the task ends (a forwarded one at most the upstream's timeout per request), then answers as the call would have. */
  private async result(session: ClientSession, params: unknown, origin: Origin, extra: Extra): Promise<Result> {
    const task = this.find(session, params);
    while (!task.final) {
      if (task.upstreamId !== undefined) await this.fetchFinal(task, origin, extra.signal).catch(rethrowAs(task));
      else await this.nextMove(task, extra.signal);
    }
    if ('error' in task.final) throw task.final.error;
    return task.final.result;
  }

  private list(session: ClientSession, params: unknown): Result {
    const views = [...this.byId.values()].filter((t) => t.session === session).map((t) => ({ ...t.view }));
    const { items, nextCursor } = page(views, (params as { cursor?: unknown } | undefined)?.cursor, 'tasks/list');
    return { tasks: items, ...(nextCursor ? { nextCursor } : {}) };
  }

  /** A held call's approval is cancelled (as when a client cancels a held call); a forwarded task is cancelled upstream. */
  private async cancelTask(session: ClientSession, params: unknown): Promise<Result> {
    const task = this.find(session, params);
    if (task.final || isTerminal(task.view.status)) {
      throw new RpcErrorAnswer(ErrorCode.InvalidParams, `Cannot cancel task: already in terminal status '${task.view.status}'`);
    }
    if (task.upstreamId !== undefined && !cancels(task.upstream!)) {
      throw new RpcErrorAnswer(ErrorCode.InvalidParams, `upstream ${task.upstream!.name} does not cancel tasks`);
    }
    await this.cancelRunning(task);
    return { ...task.view };
  }

  /** A held call: its approval is cancelled, unless reviewers granted it meanwhile and it went upstream. */
  private async cancelRunning(task: GatewayTask): Promise<void> {
    task.cancel.abort('tasks/cancel');
    while (!task.final && task.upstreamId === undefined) await this.nextMove(task, new AbortController().signal);
    if (task.upstreamId !== undefined && !task.final) {
      const cancelled = await ask(task, 'tasks/cancel').catch(rethrowAs(task));
      task.view = taskView(task.id, cancelled, task.view);
      await this.finish(task, { err: new UpstreamError('upstream_cancelled', 'the task was cancelled') });
    }
    this.update(task, 'cancelled', task.view.statusMessage);
  }

  /** Untrusted: the client's params. Another session's task is not found, as an unknown one is. */
  private find(session: ClientSession, params: unknown): GatewayTask {
    return this.found((params as { taskId?: unknown } | undefined)?.taskId, (task) => task.session === session);
  }

  /** Untrusted: the id. A 2026-07-28 client has no session: its tasks are its principal's, each under an id nobody guesses. */
  private findOwned(principalId: string, taskId: unknown): GatewayTask {
    return this.found(taskId, (task) => ofPrincipal(task, principalId));
  }

  private found(taskId: unknown, owned: (task: GatewayTask) => boolean): GatewayTask {
    const task = typeof taskId === 'string' ? this.byId.get(taskId) : undefined;
    if (!task || !owned(task)) throw new RpcErrorAnswer(ErrorCode.InvalidParams, 'Failed to retrieve task: Task not found');
    return task;
  }

  /** A client's own upstream session names only its own tasks; the shared one's ids are unique among all. */
  private ofUpstream(upstream: Upstream, upstreamId: unknown, client: unknown): GatewayTask | undefined {
    for (const task of this.byId.values()) {
      if (task.upstream === upstream && task.upstreamId === upstreamId && (client === undefined || client === task.session)) return task;
    }
    return undefined;
  }

  private update(task: GatewayTask, status: TaskStatus, statusMessage?: string, pollInterval?: number): void {
    const { statusMessage: _old, ...rest } = task.view;
    task.view = {
      ...rest,
      status,
      lastUpdatedAt: new Date().toISOString(),
      ...(statusMessage ? { statusMessage } : {}),
      ...(pollInterval ? { pollInterval } : {}),
    };
    this.changed(task);
  }
}
