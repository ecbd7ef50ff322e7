// Messages an upstream starts, delivered to the client sessions they belong to: progress to the
// session that owns the token, resource updates to subscribers, list changes and log messages to
// every session, and sampling/elicitation/roots requests to the one session whose request caused
// them (roots/list outside any request to the one session that declared roots).
import { ErrorCode, McpError, ResultSchema, type JSONRPCNotification, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { UpstreamRpcError, type Upstream, type UpstreamEvents } from '../upstream/index.js';
import type { GatewayContext } from './context.js';
import { subscriptionKey } from './routes.js';
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

export function upstreamEvents(ctx: GatewayContext): UpstreamEvents {
  function notification(upstream: Upstream, message: JSONRPCNotification): void {
    const params = (message.params ?? {}) as Params;
    switch (message.method) {
      case 'notifications/progress': {
        const flight = ctx.routes.byToken(upstream, params.progressToken as string | number);
        if (!flight) return; // progress for a request that already ended
        const forwarded = flight.clientToken === params.progressToken ? message : { ...message, params: { ...params, progressToken: flight.clientToken } };
        flight.session.notify(forwarded, flight.requestId);
        return;
      }
      case 'notifications/resources/updated':
        if (typeof params.uri !== 'string') return;
        for (const session of ctx.routes.subscribersOf(subscriptionKey(upstream, params.uri))) session.notify(message);
        return;
      case 'notifications/message': {
        const level = LOG_LEVELS.indexOf(params.level as (typeof LOG_LEVELS)[number]);
        for (const session of ctx.sessions) if (level >= session.logLevel) session.notify(message);
        return;
      }
      case 'notifications/resources/list_changed':
      case 'notifications/prompts/list_changed':
        broadcast(ctx, message);
        return;
      default: {
        // Anything else concerns one call at most: deliver it only where it can be attributed.
        const flight = ctx.routes.attribute(upstream);
        if (flight) flight.session.notify(message, flight.requestId);
      }
    }
  }

  async function request(upstream: Upstream, message: JSONRPCRequest, signal: AbortSignal): Promise<Params> {
    if (message.method === 'ping') return {};
    const flight = ctx.routes.attribute(upstream) ?? (message.method === 'roots/list' ? onlyRootsSession(ctx) : undefined);
    if (!flight) {
      ctx.log.warn({ upstream: upstream.name, method: message.method }, 'upstream request not attributable to exactly one client session: refused');
      throw new UpstreamRpcError({
        code: ErrorCode.InvalidRequest,
        message: `toolgate cannot tell which client session ${message.method} is for (no single forwarded request in flight)`,
      });
    }
    try {
      const forwarded = { method: message.method, params: message.params } as never;
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
    if (ctx.sessions.size > 0 && upstream.capabilities.logging) {
      void again('logging/setLevel', { level: sharedLogLevel(ctx.sessions) });
    }
  }

  return { notification, request, toolsChanged, connected };
}

/** A client's notification for the upstreams: its roots changed, so each upstream may ask again. Others concern the gateway alone. */
export function clientNotification(ctx: GatewayContext, notification: JSONRPCNotification): void {
  if (notification.method !== 'notifications/roots/list_changed') return;
  for (const upstream of ctx.upstreams) upstream.notify(notification.method);
}

/** Roots asked outside any request (at startup, after list_changed): the one client session that has roots, if only one has. */
function onlyRootsSession(ctx: GatewayContext): { session: ClientSession; requestId?: undefined } | undefined {
  const withRoots = [...ctx.sessions].filter((s) => s.server.getClientCapabilities()?.roots);
  return withRoots.length === 1 ? { session: withRoots[0]! } : undefined;
}
