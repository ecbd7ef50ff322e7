// Messages an upstream starts, delivered to the client sessions they belong to. From a client's
// own upstream session (`session: per-client`) everything goes to that client. From the shared
// one: progress to the session that owns the token, resource updates to subscribers, list changes
// and log messages to every session (a 2026-07-28 client's to the request whose stream they came
// on, or its only request in flight there), a URL elicitation's completion to the session asked to
// complete it, and sampling/elicitation/roots requests to the request they belong to (roots/list
// outside any request to the one session that declared roots). A request goes to the very request
// that caused it when the upstream's transport says which (Streamable HTTP); else to the one
// session with requests in flight, never guessed among several. A request for a capability the
// client did not declare is refused, and a 2026-07-28 client's request it came during ends in -32021.
import { ErrorCode, McpError, ResultSchema, type JSONRPCNotification, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamRpcError, type Source, type Upstream, type UpstreamEvents } from '../upstream/index.js';
import type { GatewayContext } from './context.js';
import { type Flight, subscriptionKey } from './routes.js';
import type { Tasks } from './tasks.js';
import { type ClientSession, LOG_LEVELS, sharedLogLevel } from './session.js';

type Params = Record<string, unknown>;

const broadcast = (ctx: GatewayContext, message: JSONRPCNotification) => {
  for (const session of ctx.sessions) session.notify(message);
};

/** Re-assess an upstream's tools (pins), then relist them and tell every session the list changed. */
export async function relistTools(ctx: GatewayContext, upstream: Upstream): Promise<void> {
  await ctx.surface.refresh(upstream);
  ctx.catalog.update(upstream);
  broadcast(ctx, { jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
}

export function upstreamEvents(ctx: GatewayContext, tasks: Tasks): UpstreamEvents {
  function notification(upstream: Upstream, message: JSONRPCNotification, source: Source): void {
    const params = (message.params ?? {}) as Params;
    const own = ownerOf(source);
    switch (message.method) {
      case 'notifications/progress': {
        const flight = ctx.routes.byToken(upstream, params.progressToken as string | number);
        if (!flight) return; // progress for a request that already ended
        const forwarded = flight.clientToken === params.progressToken ? message : { ...message, params: { ...params, progressToken: flight.clientToken } };
        flight.session.notify(forwarded, flight.requestId);
        return;
      }
      case 'notifications/resources/updated':
        if (own) return void own.notify(message);
        if (typeof params.uri !== 'string') return;
        for (const session of ctx.routes.subscribersOf(subscriptionKey(upstream, params.uri))) session.notify(message);
        return;
      case 'notifications/message': {
        // A 2026-07-28 client's session has no level: a message goes to the request whose stream it
        // came on, else the only one in flight, which takes it at the level it names (era-2026.ts).
        const level = LOG_LEVELS.indexOf(params.level as (typeof LOG_LEVELS)[number]);
        const flight = (source.owner as Flight | undefined) ?? ctx.routes.sole(upstream, own);
        for (const session of own ? [own] : ctx.sessions) {
          if (session.protocolVersion === undefined) {
            if (level >= session.logLevel) session.notify(message);
          } else if (flight?.session === session) session.notify(message, flight.requestId);
        }
        return;
      }
      case 'notifications/tasks/status':
        tasks.statusFromUpstream(upstream, message, source);
        return;
      case 'notifications/resources/list_changed':
      case 'notifications/prompts/list_changed':
        if (own) own.notify(message);
        else broadcast(ctx, message);
        return;
      case 'notifications/elicitation/complete': {
        // To the session asked to complete that elicitation, however many calls are in flight.
        const asked = typeof params.elicitationId === 'string' ? ctx.routes.completed(upstream, params.elicitationId) : undefined;
        (own ?? asked)?.notify(message);
        return;
      }
      default: {
        // Anything else concerns one call at most: deliver it only where it can be attributed.
        const flight = ctx.routes.attribute(upstream, own);
        if (own) own.notify(message, flight?.requestId);
        else if (flight) flight.session.notify(message, flight.requestId);
      }
    }
  }

  async function request(upstream: Upstream, message: JSONRPCRequest, signal: AbortSignal, source: Source): Promise<Params> {
    if (message.method === 'ping') return {};
    const params = (message.params ?? {}) as Params;
    const ofTask = tasks.relatedTask(upstream, params, source);
    const flight = attribute(ctx, upstream, message, source, ofTask?.session);
    if (!flight) {
      ctx.log.warn({ upstream: upstream.name, method: message.method }, 'upstream request not attributable to exactly one client session: refused');
      throw new UpstreamRpcError({
        code: ErrorCode.InvalidRequest,
        message: `toolgate cannot tell which client session ${message.method} is for (no single forwarded request in flight)`,
      });
    }
    const needed = CAPABILITY_OF[message.method];
    if (needed && !flight.session.capabilities[needed]) {
      // The request it came during ends, for a client told so (2026-07-28: -32021); a task's goes on without.
      if (!ofTask && flight.requestId !== undefined) flight.session.lacks(flight.requestId, needed);
      throw new UpstreamRpcError({ code: ErrorCode.MethodNotFound, message: `the client did not declare ${needed}: ${message.method} is not available` });
    }
    if (ofTask?.asks) return ofTask.asks(message.method, signal);
    if (message.method === 'elicitation/create' && params.mode === 'url' && typeof params.elicitationId === 'string') {
      ctx.routes.elicited(upstream, params.elicitationId, flight.session);
    }
    try {
      const forwarded = { method: message.method, params: ofTask?.params ?? message.params } as never;
      return await flight.session.server.request(forwarded, ResultSchema, { signal, relatedRequestId: flight.requestId, timeout: upstream.timeoutMs });
    } catch (err) {
      if (err instanceof McpError) throw new UpstreamRpcError({ code: err.code, message: err.message, data: err.data });
      throw err;
    }
  }

  function toolsChanged(upstream: Upstream): void {
    relistTools(ctx, upstream).catch((err: unknown) => ctx.log.error({ err, upstream: upstream.name }, 'relisting the tools failed'));
  }

  /** A restarted upstream forgot what the sessions asked of the old connection: ask again. */
  function connected(upstream: Upstream): void {
    const again = (method: string, params: Params) =>
      upstream
        .request(method, params)
        .catch((err: Error) => ctx.log.warn({ upstream: upstream.name, method, err: err.message }, 'could not restore session state'));
    for (const uri of ctx.routes.subscribedUris(upstream)) void again('resources/subscribe', { uri });
    // A per-client upstream's sessions keep their own level; the restarted one is toolgate's alone.
    if (ctx.sessions.size > 0 && upstream.capabilities.logging && !upstream.perClient) {
      void again('logging/setLevel', { level: sharedLogLevel(ctx.sessions) });
    }
  }

  return { notification, request, toolsChanged, connected };
}

/** A client's notification for the upstreams: its roots changed, so each upstream may ask again (on its own session, if per-client). Others concern the gateway alone. */
export function clientNotification(ctx: GatewayContext, session: ClientSession, notification: JSONRPCNotification): void {
  if (notification.method !== 'notifications/roots/list_changed') return;
  for (const upstream of ctx.upstreams) upstream.notify(notification.method, undefined, session);
}

/** Which client capability a server-to-client request needs. */
const CAPABILITY_OF: Partial<Record<string, string>> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

/** The client session whose own upstream session a message came on; the upstream area holds it as the UpstreamClient it was given. */
function ownerOf(source: Source): ClientSession | undefined {
  return source.client as ClientSession | undefined;
}

/**
 * The request an upstream's request belongs to: the one its stream named (the owner forward()
 * gave); else on a client's own session, or for a request related to a task, that client (its one
 * request in flight, if any); else the one session with requests in flight on the shared
 * connection, or for roots the one with roots.
 */
function attribute(
  ctx: GatewayContext,
  upstream: Upstream,
  message: JSONRPCRequest,
  source: Source,
  taskSession?: ClientSession,
): (Pick<Flight, 'session'> & { requestId?: Flight['requestId'] }) | undefined {
  if (source.owner) return source.owner as Flight;
  const own = ownerOf(source) ?? taskSession;
  if (own) return ctx.routes.attribute(upstream, own) ?? { session: own };
  return ctx.routes.attribute(upstream) ?? (message.method === 'roots/list' ? onlyRootsSession(ctx) : undefined);
}

/** Roots asked outside any request (at startup, after list_changed): the one client session that has roots, if only one has. */
function onlyRootsSession(ctx: GatewayContext): { session: ClientSession; requestId?: undefined } | undefined {
  const withRoots = [...ctx.sessions].filter((s) => s.server.getClientCapabilities()?.roots);
  return withRoots.length === 1 ? { session: withRoots[0]! } : undefined;
}
