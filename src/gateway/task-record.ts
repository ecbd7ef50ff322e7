// One task of toolgate's: what the client asked for (`params.task`), the record the task table
// keeps (tasks.ts), and how a task speaks to its upstream and of it: requests about the upstream's
// task on the session that has it, the result naming toolgate's id, the upstream's errors retold
// under that id.
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { GateAnswer, TaskEnd } from '../gate/index.js';
import { UpstreamError, UpstreamRpcError, type Upstream } from '../upstream/index.js';
import { RpcErrorAnswer } from './answer.js';
import type { Result } from './context.js';
import type { ClientSession } from './session.js';
import type { TaskInputs } from './task-inputs.js';
import type { TaskView } from './task-view.js';

/** Untrusted: the client's `params.task`. */
export type TaskRequest = { ttl?: number };

export function checkTaskRequest(task: unknown): void {
  if (task === undefined) return;
  const ttl = (task as TaskRequest | null)?.ttl;
  if (task === null || typeof task !== 'object' || Array.isArray(task) || (ttl !== undefined && (typeof ttl !== 'number' || !(ttl >= 0)))) {
    throw new RpcErrorAnswer(ErrorCode.InvalidParams, 'tools/call params.task must be an object with an optional ttl (milliseconds, a number >= 0)');
  }
}

export const RELATED_TASK = 'io.modelcontextprotocol/related-task';

export interface GatewayTask {
  readonly id: string;
  readonly session: ClientSession;
  /** The tool's upstream; none for a call to an unknown tool (refused). */
  readonly upstream?: Upstream;
  /** The task as the client is shown it (toolgate's id); a forwarded task's as the upstream last told it. */
  view: TaskView;
  /** Aborted by tasks/cancel and when the session closes: a held call stops waiting, a dispatch is cancelled. */
  readonly cancel: AbortController;
  /** The upstream's id of the task it took the call as, and the gate's recorder of what that task came to. */
  upstreamId?: string;
  end?: (ended: TaskEnd) => Promise<GateAnswer>;
  /** Fetching the upstream task's result, while it goes on (one at a time). */
  fetching?: Promise<void>;
  /** What tasks/result answers once the task ended: the result, or the error, with the call's final receipt. */
  final?: { result: Result } | { error: unknown };
  /** Woken when the task moves on: its hold released to an upstream task, or its end. */
  waiters: Array<() => void>;
  /** A 2026-07-28 client's task: the upstream's requests for input waiting for its tasks/update. */
  inputs?: TaskInputs;
}

/** What a 2026-07-28 client is shown of its task: the task, what the call came to once it ended, the requests waiting for its input. */
export interface Standing {
  view: TaskView;
  final?: GatewayTask['final'];
  inputRequests?: Record<string, Result>;
}

/** An upstream's request related to a task, for the session whose task it is; `asks` when the task itself waits for the input (a 2026-07-28 client's). */
export interface RelatedRequest {
  session: ClientSession;
  params: Result;
  asks?: (method: string, signal: AbortSignal) => Promise<Result>;
}

/** A request about the upstream task, on the upstream session that has it (the client's own with `session: per-client`). */
export function ask(task: GatewayTask, method: string, signal?: AbortSignal): Promise<Result> {
  return task.upstream!.request(method, { taskId: task.upstreamId! }, signal, { client: task.session });
}

/** A task of a 2026-07-28 client (a session of that era) of the principal. */
export function ofPrincipal(task: GatewayTask, principalId: string): boolean {
  return task.session.protocolVersion !== undefined && task.session.principal.id === principalId;
}

/** tasks/result's answer names its task: toolgate's id, never the upstream's. */
export function relatedTo(task: GatewayTask, result: Result): Result {
  return { ...result, _meta: { ...(result._meta as Result | undefined), [RELATED_TASK]: { taskId: task.id } } };
}

/** An upstream's error about its own task speaks of its id: the client is told of toolgate's. */
export function rethrowAs(task: GatewayTask): (err: unknown) => never {
  return (err) => {
    if (err instanceof UpstreamRpcError)
      throw new RpcErrorAnswer(err.rpcError.code, `task ${task.id}: ${err.rpcError.message.replaceAll(task.upstreamId!, task.id)}`);
    if (err instanceof UpstreamError) throw new RpcErrorAnswer(ErrorCode.InternalError, `toolgate: ${err.message}`);
    throw err;
  };
}
