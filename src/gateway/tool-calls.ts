// tools/list and tools/call: the one path where the gateway does not simply forward. tools/list
// shows a session the tools its principal may see. A call is resolved to (upstream, tool),
// described as a CallRequest and handed to the gate, which decides, records and dispatches; the
// gateway carries progress and cancellation and returns the result untouched.
import { ErrorCode, McpError, type CallToolResult, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ToolCall } from '../gate/index.js';
import { UpstreamError, UpstreamRpcError, type CatalogEntry } from '../upstream/index.js';
import { RpcErrorAnswer, toolResult } from './answer.js';
import { describeCall } from './call-request.js';
import { forward } from './forward.js';
import { asksWhileHeld, callAskingWhileHeld } from './held-as-input.js';
import { page } from './pages.js';
import { missingTasksCapability, TASK_TTL_MS, takesServerDirectedTasks } from './era-2026-tasks.js';
import { checkTaskRequest, type TaskRequest } from './task-record.js';
import type { Tasks } from './tasks.js';
import { takesTaskCalls } from './task-capability.js';
import type { Extra, GatewayContext, MethodHandler, Result } from './context.js';
import type { ClientSession } from './session.js';

type CallParams = { name: string; arguments?: Record<string, unknown>; task?: TaskRequest; _meta?: { progressToken?: string | number } };

export const DRAINING_MESSAGE = 'toolgate is shutting down; retry shortly';

export function toolMethods(ctx: GatewayContext, tasks: Tasks): [string, MethodHandler][] {
  const listTools: MethodHandler = async (session, request) => {
    const { items, nextCursor } = page(visibleTools(ctx, session), request.params?.cursor);
    return { tools: items, ...(nextCursor ? { nextCursor } : {}) };
  };

  const callTool: MethodHandler = async (session, request, extra) => {
    const params = checkParams(request);
    const draining = ctx.inFlight.draining;
    return ctx.inFlight.track(() => handOver(ctx, tasks, session, request, params, extra, draining));
  };

  return [
    ['tools/list', listTools],
    ['tools/call', callTool],
  ];
}

/** Hiding is a convenience, not the enforcement: a hidden tool's calls still go to the gate. */
function visibleTools(ctx: GatewayContext, session: ClientSession): Result[] {
  const visibleTo = ctx.visibleTo;
  if (!visibleTo) return ctx.catalog.list();
  return ctx.catalog.entries().flatMap((entry) => {
    try {
      return visibleTo(session.principal, entry.upstream.name, entry.tool.name) ? [entry.exposed] : [];
    } catch (err) {
      ctx.log.error({ err, upstream: entry.upstream.name, tool: entry.tool.name }, 'visibility check failed: the tool is not listed');
      return [];
    }
  });
}

/** A call that arrives while the gateway drains is refused at once, with its receipt like any refusal. */
async function handOver(
  ctx: GatewayContext,
  tasks: Tasks,
  session: ClientSession,
  request: JSONRPCRequest,
  params: CallParams,
  extra: Extra,
  draining: boolean,
): Promise<Result> {
  // A 2026-07-28 client asks for no task: toolgate decides (its edge drops a task hint such a client still sends).
  const directed = session.protocolVersion === undefined ? undefined : serverDirectedTask(session, ctx.catalog.resolve(params.name), params.name);
  const { call, entry } = toolCall(ctx, session, request, directed?.upstreamTask ? { ...params, task: directed.task } : params, extra, draining);
  // A call made as a task is answered with a task of toolgate's; its upstream is the tool's (none for an unknown tool).
  if (params.task !== undefined) return tasks.start(session, entry?.upstream, params.task, call, extra.signal);
  // A call that went on; one that ended at once is answered plainly.
  if (directed) return tasks.start(session, entry?.upstream, directed.task, call, extra.signal, true);
  // Without the extension, a held call asks the client about its approval instead of holding the request.
  if (asksWhileHeld(session)) return callAskingWhileHeld(ctx, tasks, session, request, entry?.upstream, call, extra.signal);
  // The gate answers every call, upstream faults included (a refusal with an error id): it does not throw them.
  return toolResult(await ctx.handler.handle(call));
}

/**
 * The task a call of a 2026-07-28 client may become: with the tasks extension declared, a call that
 * goes on is a task (taken upstream as a task when its tool and upstream support one); without it,
 * none, and a tool that requires a task cannot be called.
 */
function serverDirectedTask(session: ClientSession, entry: CatalogEntry | undefined, name: string): { task: TaskRequest; upstreamTask: boolean } | undefined {
  const support = (entry?.tool.execution as { taskSupport?: unknown } | undefined)?.taskSupport;
  if (!takesServerDirectedTasks(session)) {
    if (support === 'required') throw missingTasksCapability(`tool ${name}`);
    return undefined;
  }
  const upstreamTask = entry !== undefined && takesTaskCalls(entry.upstream) && (support === 'optional' || support === 'required');
  return { task: { ttl: TASK_TTL_MS }, upstreamTask };
}

/** The call as the gate gets it: described, and forwarded (renamed, `_meta`, progress token and task request kept) if the gate lets it. */
function toolCall(
  ctx: GatewayContext,
  session: ClientSession,
  request: JSONRPCRequest,
  params: CallParams,
  extra: Extra,
  draining: boolean,
): { call: ToolCall; entry?: CatalogEntry } {
  const entry = ctx.catalog.resolve(params.name);
  const args = params.arguments ?? {};
  const described = describeCall(ctx, session, request.id, params.name, args, entry);
  const {
    request: callRequest,
    quarantine,
    forwardable,
  } = draining ? { ...described, quarantine: { action: 'deny', reason: DRAINING_MESSAGE } as const, forwardable: false } : described;
  const token = params._meta?.progressToken;
  const call: ToolCall = {
    request: callRequest,
    quarantine,
    ...(entry ? { definition: entry.tool as Record<string, unknown> } : {}),
    signal: extra.signal,
    // Only a listed tool with arguments within the limit is ever forwarded, whatever the gate decides.
    dispatch: (effective, signal) =>
      forwardable && entry
        ? dispatch(ctx, session, entry, params, effective, request, signal)
        : Promise.reject(new Error(`${quarantine?.reason}: not forwarded`)),
  };
  if (token !== undefined) {
    call.progress = (progress, message) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } });
  }
  return { call, entry };
}

/** Untrusted: the client's params. Only the shape the gateway relies on is checked here. */
function checkParams(request: JSONRPCRequest): CallParams {
  const params = request.params as Partial<CallParams> | undefined;
  if (!params || typeof params.name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'tools/call needs params.name (a string)');
  const args = params.arguments;
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    throw new McpError(ErrorCode.InvalidParams, 'tools/call params.arguments must be an object');
  }
  checkTaskRequest(params.task);
  return params as CallParams;
}

async function dispatch(
  ctx: GatewayContext,
  session: ClientSession,
  entry: CatalogEntry,
  params: CallParams,
  args: Record<string, unknown>,
  request: JSONRPCRequest,
  signal: AbortSignal,
): Promise<CallToolResult> {
  // The client's params go upstream as sent (its _meta and progress token included), renamed.
  const forwarded = { ...params, name: entry.tool.name, arguments: args };
  // What the upstream does instead of answering (an error, no answer) goes to the gate as it is: the gate records what became of the call.
  return (await forward(ctx, { session, requestId: request.id }, entry.upstream, 'tools/call', forwarded, signal)) as CallToolResult;
}

/** An upstream's JSON-RPC error passes through as it was; toolgate's own faults are internal errors. */
export function forwardedError(err: unknown): unknown {
  if (err instanceof UpstreamRpcError) return new RpcErrorAnswer(err.rpcError.code, err.rpcError.message, err.rpcError.data);
  if (err instanceof UpstreamError) return new McpError(ErrorCode.InternalError, `toolgate: ${err.message}`);
  return err;
}

export function toolError(text: string): Result {
  return { isError: true, content: [{ type: 'text', text }] };
}
