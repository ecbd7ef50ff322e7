// How a client's request is carried to an upstream once the gate let it: as a flight in the
// routes for as long as the upstream works on it, so that its progress (on the client's own token)
// and the requests the upstream sends meanwhile (sampling, elicitation, roots) reach this client
// and this request, and an upstream's switch to polling closes this request's client stream too.
// A request answered with a task keeps its progress token routed until the task ends.
// With `session: per-client` it goes on the client's own upstream session.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamRpcError, type Upstream } from '../upstream/index.js';
import type { GatewayContext } from './context.js';
import type { ClientSession } from './session.js';

type Params = Record<string, unknown> & { _meta?: { progressToken?: string | number }; task?: unknown };

/** The request that a forwarded one answers: which session sent it, under which id. */
export interface Origin {
  session: ClientSession;
  requestId: RequestId;
}

/** Forward `params` (the client's, `_meta` and progress token included) as `method`; resolves with the upstream's result. */
export async function forward(ctx: GatewayContext, origin: Origin, upstream: Upstream, method: string, params: Params, signal: AbortSignal) {
  const clientToken = params._meta?.progressToken;
  const flight = ctx.routes.begin(upstream, origin.session, origin.requestId, clientToken);
  const sent = flight.upstreamToken === clientToken ? params : { ...params, _meta: { ...params._meta, progressToken: flight.upstreamToken } };
  let taskId: string | undefined;
  try {
    const polled = (retryMs: number | undefined) => origin.session.polled(origin.requestId, retryMs);
    const result = await upstream.request(method, sent, signal, { client: origin.session, owner: flight, polled });
    taskId = createdTask(params, result);
    return result;
  } catch (err) {
    // -32042: the client is to complete URL elicitations; their completion is for this session.
    if (err instanceof UpstreamRpcError && err.rpcError.code === URL_ELICITATION_REQUIRED) {
      for (const id of elicitationIds(err.rpcError.data)) ctx.routes.elicited(upstream, id, origin.session);
    }
    throw err;
  } finally {
    // A task's progress goes on under the call's token until the task ends (tasks.ts frees it).
    if (taskId === undefined) ctx.routes.end(flight);
    else ctx.routes.toTask(flight, taskId);
  }
}

/** Untrusted: the upstream's result. The id of the task it took a task-augmented request as (a CreateTaskResult), if it did. */
function createdTask(params: Params, result: Record<string, unknown>): string | undefined {
  if (params.task === undefined) return undefined;
  const taskId = (result.task as { taskId?: unknown } | null | undefined)?.taskId;
  return typeof taskId === 'string' ? taskId : undefined;
}

const URL_ELICITATION_REQUIRED = -32042;

/** Untrusted: the data of an upstream's -32042 error (`{ elicitations: [{ elicitationId, ... }] }`). */
function elicitationIds(data: unknown): string[] {
  const list = (data as { elicitations?: unknown } | undefined)?.elicitations;
  if (!Array.isArray(list)) return [];
  return list.flatMap((e) => (typeof (e as { elicitationId?: unknown })?.elicitationId === 'string' ? [(e as { elicitationId: string }).elicitationId] : []));
}
