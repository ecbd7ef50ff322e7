// Tasks for clients of the 2026-07-28 revision, where they are an extension
// (io.modelcontextprotocol/tasks, SEP-2663). A client declares it in each request's capabilities and
// the server decides whether a call becomes a task: toolgate makes one of a call that goes on (its
// upstream took it as a 2025-11-25 task, or reviewers hold it) and answers a call that ended at once
// plainly. The tasks are the 2025-11-25 tasks of tasks.ts, shown in the revision's wire form: a flat
// CreateTaskResult (`resultType: "task"`, `ttlMs`, `pollIntervalMs`), tasks/get with the result or
// error inlined once the task ended, `input_required` with its `inputRequests` while the upstream's
// task waits for input (task-inputs.ts), tasks/update to answer them, an acknowledgement for
// tasks/cancel, and no tasks/result or tasks/list. Stateless clients have no session: a task is found among its
// principal's by its unguessable id (docs/gateway.md, "Tasks"). The v2 SDK has no types of the
// extension, so its wire names are written here from the extension's specification.
import { ErrorCode, type JSONRPCNotification, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../core/index.js';
import { RpcErrorAnswer } from './answer.js';
import type { Result } from './context.js';
import type { ClientSession } from './session.js';
import type { Standing } from './task-record.js';
import type { Tasks } from './tasks.js';
import type { TaskView } from './task-view.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** The methods of the extension; they need it declared on their own request. */
export const TASK_METHODS = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);
/** The 2025-11-25 methods the extension dropped: the result is inlined on tasks/get, and no client lists tasks. */
export const DROPPED_TASK_METHODS = ['tasks/result', 'tasks/list'];
/** How long a task of this era is kept from its creation: its client cannot ask for a ttl, so toolgate asks upstreams for this one. */
export const TASK_TTL_MS = 3_600_000;
/** SEP-2575's "Missing Required Client Capability". */
const MISSING_CAPABILITY = -32021;

/** Untrusted: the client's per-request capabilities. */
export function declaresTasks(capabilities: unknown): boolean {
  const extensions = (capabilities as { extensions?: unknown } | null)?.extensions;
  const declared = extensions !== null && typeof extensions === 'object' ? (extensions as Record<string, unknown>)[TASKS_EXTENSION] : undefined;
  return declared !== null && typeof declared === 'object' && !Array.isArray(declared);
}

/** A client of the 2026-07-28 era that declared the extension on this request: toolgate decides which of its calls are tasks. */
export function takesServerDirectedTasks(session: ClientSession): boolean {
  return session.protocolVersion !== undefined && declaresTasks(session.capabilities);
}

/** What a client without the extension is told when only a task would do (a tool that requires one, or a task method). */
export function missingTasksCapability(what: string): RpcErrorAnswer {
  return new RpcErrorAnswer(MISSING_CAPABILITY, `Missing required client capability: ${what} needs the ${TASKS_EXTENSION} extension`, {
    requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  });
}

/** A tools/call as the server decides it: a task hint a client still sends is not honoured. */
export function withoutTaskHint(request: JSONRPCRequest): JSONRPCRequest {
  const params = request.params as Record<string, unknown> | undefined;
  if (request.method !== 'tools/call' || !params || !('task' in params)) return request;
  const { task: _hint, ...rest } = params;
  return { ...request, params: rest };
}

/**
 * The internal session's answer to a tools/call in the revision's form: a task of toolgate's (a
 * 2025-11-25 CreateTaskResult whose task the principal owns) becomes the flat CreateTaskResult; a
 * result that is not one is left to the caller.
 */
export function createTaskResult(tasks: Tasks, principal: Principal, result: Result): Result | undefined {
  const { task, ...rest } = result;
  const taskId = (task as { taskId?: unknown } | null)?.taskId;
  if (typeof taskId !== 'string' || !tasks.ownedBy(principal.id, taskId)) return undefined;
  return { ...rest, ...wireTask(task as TaskView), resultType: 'task' };
}

/** tasks/get, tasks/update and tasks/cancel of a client that declared the extension. Untrusted: the request's params. */
export async function serveTaskMethod(tasks: Tasks, principal: Principal, request: JSONRPCRequest, signal: AbortSignal): Promise<Result> {
  const taskId = (request.params as { taskId?: unknown } | undefined)?.taskId;
  switch (request.method) {
    case 'tasks/get':
      return detailedTask(await tasks.standing(principal.id, taskId, signal));
    case 'tasks/cancel':
      // Cancellation is cooperative: acknowledged, also for a task that already ended.
      await tasks.cancelOwned(principal.id, taskId);
      return {};
    default:
      tasks.updateOwned(principal.id, taskId, (request.params as { inputResponses?: unknown }).inputResponses);
      return {};
  }
}

/**
 * The extension's notifications/tasks for a principal's task as it stands now (what tasks/get would
 * show, without asking its upstream); undefined once the task is gone.
 */
export function taskStatusNotification(tasks: Tasks, principalId: string, taskId: string): JSONRPCNotification | undefined {
  try {
    return { jsonrpc: '2.0', method: 'notifications/tasks', params: detailedTask(tasks.standingNow(principalId, taskId)) };
  } catch (err) {
    if (err instanceof RpcErrorAnswer) return undefined;
    throw err;
  }
}

/** The revision's Task: the 2025-11-25 one with its durations renamed. */
function wireTask(view: TaskView): Result {
  const { ttl, pollInterval, ...rest } = view;
  return { ...rest, ttlMs: ttl, ...(pollInterval === undefined ? {} : { pollIntervalMs: pollInterval }) };
}

/**
 * The revision's DetailedTask: an ended task carries what the call came to (a result, even an
 * isError one, is `completed`; a JSON-RPC error is `failed`). Until toolgate holds that answer the
 * task is `input_required` while requests of its upstream wait for the client's input, else
 * `working` (also while the upstream says it needs input toolgate has not been sent yet).
 */
function detailedTask({ view, final, inputRequests }: Standing): Result {
  const task = wireTask(view);
  if (view.status === 'cancelled') return { ...task, status: 'cancelled' };
  if (!final) return inputRequests ? { ...task, status: 'input_required', inputRequests } : { ...task, status: 'working' };
  if ('error' in final) return { ...task, status: 'failed', error: rpcError(final.error) };
  const { _meta, ...result } = final.result;
  // The 2025-11-25 related-task key is not repeated: the task's id is beside the result.
  const { 'io.modelcontextprotocol/related-task': _related, ...meta } = (_meta ?? {}) as Result;
  return { ...task, status: 'completed', result: Object.keys(meta).length > 0 ? { ...result, _meta: meta } : result };
}

/** The error a task's call ended with, as JSON-RPC carries it; only errors meant for clients keep their words. */
function rpcError(err: unknown): Result {
  if (err instanceof RpcErrorAnswer) return { code: err.code, message: err.message, ...(err.data === undefined ? {} : { data: err.data }) };
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (Number.isSafeInteger(code) && typeof message === 'string') return { code, message };
  return { code: ErrorCode.InternalError, message: 'toolgate: the call failed' };
}
