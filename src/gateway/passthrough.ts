// What passes without the gate: listings (resources, templates, prompts), resources/unsubscribe and
// logging/setLevel. Listings are merged across upstreams and only name what exists; unsubscribing
// only narrows what flows to this session; a log level is this session's setting (docs/gateway.md).
// With `session: per-client` both go to the client's own upstream session.
// Requests that read from an upstream go through the gate (governed.ts).
import { ErrorCode, McpError, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayContext, MethodHandler } from './context.js';
import type { Directory } from './directory.js';
import { subscriptionKey } from './routes.js';
import { type ClientSession, LOG_LEVELS, sharedLogLevel } from './session.js';
import { forwardedError } from './tool-calls.js';

type Params = Record<string, unknown>;

export function passthroughMethods(ctx: GatewayContext, directory: Directory): [string, MethodHandler][] {
  const params = (request: JSONRPCRequest): Params => (request.params ?? {}) as Params;
  const ask = (upstream: GatewayContext['upstreams'][number], method: string, p: Params, signal: AbortSignal, session?: ClientSession) =>
    upstream.request(method, p, signal, { client: session }).catch((err: unknown) => {
      throw forwardedError(err);
    });

  return [
    ['resources/list', async (_s, _r, extra) => ({ resources: await directory.listResources(extra.signal) })],
    ['resources/templates/list', async (_s, _r, extra) => ({ resourceTemplates: await directory.listTemplates(extra.signal) })],
    ['prompts/list', async (_s, _r, extra) => ({ prompts: await directory.listPrompts(extra.signal) })],
    [
      'resources/unsubscribe',
      async (session, request, extra) => {
        const { uri } = params(request);
        if (typeof uri !== 'string') throw new McpError(ErrorCode.InvalidParams, 'params.uri must be a string');
        const upstream = await directory.resourceOwner(uri, extra.signal);
        // A per-client upstream session holds this client's subscriptions alone.
        if (upstream?.perClient) await ask(upstream, 'resources/unsubscribe', params(request), extra.signal, session);
        else if (upstream && ctx.routes.unsubscribe(subscriptionKey(upstream, uri), session))
          await ask(upstream, 'resources/unsubscribe', params(request), extra.signal);
        return {};
      },
    ],
    [
      'logging/setLevel',
      async (session, request, extra) => {
        const index = LOG_LEVELS.indexOf(params(request).level as (typeof LOG_LEVELS)[number]);
        if (index < 0) throw new McpError(ErrorCode.InvalidParams, `unknown log level ${JSON.stringify(params(request).level)}`);
        session.logLevel = index;
        await Promise.all(
          directory
            .serving('logging')
            .map((u) =>
              u.perClient
                ? ask(u, 'logging/setLevel', { level: LOG_LEVELS[index] }, extra.signal, session)
                : ask(u, 'logging/setLevel', { level: sharedLogLevel(ctx.sessions) }, extra.signal),
            ),
        );
        return {};
      },
    ],
  ];
}
