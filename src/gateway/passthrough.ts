// Everything but tools: resources, prompts, completion and logging, forwarded as they are. Lists
// are merged across upstreams; a request about one item goes to the upstream that listed it.
import { ErrorCode, McpError, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../upstream/index.js';
import type { GatewayContext, MethodHandler, Result } from './context.js';
import { subscriptionKey } from './routes.js';
import { LOG_LEVELS, sharedLogLevel } from './session.js';
import { forwardedError } from './tool-calls.js';

type Params = Record<string, unknown>;

export function passthroughMethods(ctx: GatewayContext): [string, MethodHandler][] {
  /** Which upstream listed a resource URI or a resource template; refreshed by every list. */
  const resourceOwner = new Map<string, Upstream>();
  /** Exposed prompt name -> (upstream, its own name). */
  const promptOwner = new Map<string, { upstream: Upstream; name: string }>();

  const serving = (capability: string) => ctx.upstreams.filter((u) => u.state === 'ready' && u.capabilities[capability]);

  const ask = (upstream: Upstream, method: string, params: Params | undefined, signal?: AbortSignal) =>
    upstream.request(method, params, signal).catch((err: unknown) => {
      throw forwardedError(err);
    });

  /** All pages of one list from every upstream that serves it, merged into one page. */
  async function gather(capability: string, method: string, key: string, signal: AbortSignal): Promise<[Upstream, Params][]> {
    const lists = await Promise.all(
      serving(capability).map(async (upstream) => {
        const items: [Upstream, Params][] = [];
        let cursor: unknown;
        try {
          do {
            const page = await upstream.request(method, cursor === undefined ? {} : { cursor }, signal);
            for (const item of Array.isArray(page[key]) ? page[key] : []) if (item && typeof item === 'object') items.push([upstream, item as Params]);
            cursor = page.nextCursor;
          } while (typeof cursor === 'string' && cursor !== '');
        } catch (err) {
          ctx.log.warn({ upstream: upstream.name, method, err: (err as Error).message }, 'listing failed: that upstream is left out');
        }
        return items;
      }),
    );
    return lists.flat();
  }

  /** The upstream that listed `uri`; else the only resource server; else the first that can read it. */
  async function byUri<T>(uri: unknown, run: (upstream: Upstream) => Promise<T>): Promise<T> {
    if (typeof uri !== 'string') throw new McpError(ErrorCode.InvalidParams, 'params.uri must be a string');
    const known = resourceOwner.get(uri);
    if (known) return run(known);
    const candidates = serving('resources');
    if (candidates.length === 0) throw new McpError(ErrorCode.InvalidParams, `no upstream serves resource ${uri}`);
    let last: unknown;
    for (const upstream of candidates) {
      try {
        const result = await run(upstream);
        resourceOwner.set(uri, upstream);
        return result;
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  async function promptByName(name: unknown, signal: AbortSignal): Promise<{ upstream: Upstream; name: string }> {
    if (typeof name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'the prompt name must be a string');
    if (!promptOwner.has(name)) await listPrompts(signal);
    const owner = promptOwner.get(name);
    if (!owner) throw new McpError(ErrorCode.InvalidParams, `unknown prompt "${name}"`);
    return owner;
  }

  async function listPrompts(signal: AbortSignal): Promise<Result> {
    const prompts: Params[] = [];
    promptOwner.clear();
    for (const [upstream, prompt] of await gather('prompts', 'prompts/list', 'prompts', signal)) {
      if (typeof prompt.name !== 'string') continue;
      const exposed = upstream.prefix + prompt.name;
      if (promptOwner.has(exposed)) continue; // the earlier upstream keeps a colliding name
      promptOwner.set(exposed, { upstream, name: prompt.name });
      prompts.push(upstream.prefix === '' ? prompt : { ...prompt, name: exposed });
    }
    return { prompts };
  }

  const params = (request: JSONRPCRequest): Params => (request.params ?? {}) as Params;

  return [
    [
      'resources/list',
      async (_s, _r, extra) => {
        const items = await gather('resources', 'resources/list', 'resources', extra.signal);
        for (const [upstream, item] of items) if (typeof item.uri === 'string') resourceOwner.set(item.uri, upstream);
        return { resources: items.map(([, item]) => item) };
      },
    ],
    [
      'resources/templates/list',
      async (_s, _r, extra) => {
        const items = await gather('resources', 'resources/templates/list', 'resourceTemplates', extra.signal);
        for (const [upstream, item] of items) if (typeof item.uriTemplate === 'string') resourceOwner.set(item.uriTemplate, upstream);
        return { resourceTemplates: items.map(([, item]) => item) };
      },
    ],
    ['resources/read', (_s, request, extra) => byUri(params(request).uri, (u) => ask(u, 'resources/read', params(request), extra.signal))],
    [
      'resources/subscribe',
      (session, request, extra) =>
        byUri(params(request).uri, async (upstream) => {
          const key = subscriptionKey(upstream, params(request).uri as string);
          if (!ctx.routes.subscribersOf(key).size) await ask(upstream, 'resources/subscribe', params(request), extra.signal);
          ctx.routes.subscribe(key, session);
          return {};
        }),
    ],
    [
      'resources/unsubscribe',
      (session, request, extra) =>
        byUri(params(request).uri, async (upstream) => {
          if (ctx.routes.unsubscribe(subscriptionKey(upstream, params(request).uri as string), session))
            await ask(upstream, 'resources/unsubscribe', params(request), extra.signal);
          return {};
        }),
    ],
    ['prompts/list', (_s, _r, extra) => listPrompts(extra.signal)],
    [
      'prompts/get',
      async (_s, request, extra) => {
        const owner = await promptByName(params(request).name, extra.signal);
        return ask(owner.upstream, 'prompts/get', { ...params(request), name: owner.name }, extra.signal);
      },
    ],
    [
      'completion/complete',
      async (_s, request, extra) => {
        const ref = (params(request).ref ?? {}) as Params;
        if (ref.type === 'ref/prompt') {
          const owner = await promptByName(ref.name, extra.signal);
          return ask(owner.upstream, 'completion/complete', { ...params(request), ref: { ...ref, name: owner.name } }, extra.signal);
        }
        return byUri(ref.uri, (u) => ask(u, 'completion/complete', params(request), extra.signal));
      },
    ],
    [
      'logging/setLevel',
      async (session, request, extra) => {
        const index = LOG_LEVELS.indexOf(params(request).level as (typeof LOG_LEVELS)[number]);
        if (index < 0) throw new McpError(ErrorCode.InvalidParams, `unknown log level ${JSON.stringify(params(request).level)}`);
        session.logLevel = index;
        await Promise.all(serving('logging').map((u) => ask(u, 'logging/setLevel', { level: sharedLogLevel(ctx.sessions) }, extra.signal)));
        return {};
      },
    ],
  ];
}
