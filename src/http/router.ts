// A small router: routes are data (method, path pattern, whether a token is needed, handler), so
// every area adds its routes to a listener without touching the listener. Generic over who holds
// the token (`Caller`), so it knows nothing of the areas above it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

export interface RequestContext<Caller> {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, e.g. `id` for `/api/approvals/:id`. */
  params: Record<string, string>;
  /** The token's holder: always set on `token` routes, set on `optional` routes when a token was sent. */
  caller: Caller | undefined;
  /** The JSON body (an empty body is `{}`), size-limited. Untrusted: validate it. */
  json(): Promise<unknown>;
}

/** A JSON answer; a handler that streams (server-sent events) writes to `res` itself and returns undefined. */
export interface Reply {
  status?: number;
  body: unknown;
}

export interface Route<Caller> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Literal segments and `:name` parameters. */
  path: string;
  /**
   * `token`: a valid bearer token is required. `optional`: anyone, but a token that is sent must be
   * valid, and the handler may answer its holder more. `public`: the handler checks what it needs.
   */
  auth: 'token' | 'optional' | 'public';
  handle(ctx: RequestContext<Caller>): Promise<Reply | undefined>;
}

interface CompiledRoute<Caller> {
  route: Route<Caller>;
  segments: string[];
}

export class Router<Caller> {
  private readonly routes: CompiledRoute<Caller>[];

  constructor(routes: Route<Caller>[]) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
  }

  /** The route for this request and its parameters; 404, or 405 naming the methods the path has. */
  match(method: string, pathname: string): { route: Route<Caller>; params: Record<string, string> } {
    const parts = pathname.split('/').filter(Boolean);
    const allowed: string[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length) throw new HttpError('method_not_allowed', `${method} is not allowed on ${pathname}`, { headers: { allow: allowed.join(', ') } });
    throw new HttpError('not_found', `no route ${method} ${pathname}`);
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    let part: string;
    try {
      part = decodeURIComponent(parts[i]!);
    } catch {
      return undefined;
    }
    if (segment.startsWith(':')) params[segment.slice(1)] = part;
    else if (segment !== part) return undefined;
  }
  return params;
}
