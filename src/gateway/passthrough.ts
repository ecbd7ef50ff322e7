// What passes without the gate: listings (resources, templates, prompts), resources/unsubscribe and
// logging/setLevel. Listings are merged across upstreams and only name what exists; unsubscribing
// only narrows what flows to this session; a log level is this session's setting (docs/gateway.md).
// Requests that read from an upstream go through the gate (governed.ts).
import { ErrorCode, McpError, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayContext, MethodHandler } from './context.js';
import type { Directory } from './directory.js';
import { subscriptionKey } from './routes.js';
import { LOG_LEVELS, sharedLogLevel } from './session.js';
import { forwardedError } from './tool-calls.js';

type Params = Record<string, unknown>;

export function passthroughMethods(ctx: GatewayContext, directory: Directory): [string, MethodHandler][] {
  const params = (request: JSONRPCRequest): Params => (request.params ?? {}) as Params;
  const ask = (upstream: GatewayContext['upstreams'][number], method: string, p: Params, signal: AbortSignal) =>
    upstream.request(method, p, signal).catch((err: unknown) => {
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
        if (upstream && ctx.routes.unsubscribe(subscriptionKey(upstream, uri), session))
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
        await Promise.all(directory.serving('logging').map((u) => ask(u, 'logging/setLevel', { level: sharedLogLevel(ctx.sessions) }, extra.signal)));
        return {};
      },
    ],
  ];
}
