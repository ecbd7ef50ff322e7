// A small router: routes are data (method, path pattern, who may call it, handler), so later
// features (web console, receipts API, /metrics) add routes without touching the server core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Reviewer } from '../approvals/index.js';
import { AdminError } from './errors.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Path parameters, e.g. `id` for `/api/approvals/:id`. */
  params: Record<string, string>;
  /** The authenticated reviewer; undefined only on public routes. */
  reviewer: Reviewer | undefined;
  /** The JSON body (an empty body is `{}`), size-limited. Untrusted: validate it. */
  json(): Promise<unknown>;
}

/** A JSON answer; a handler that streams (server-sent events) writes to `res` itself and returns undefined. */
export interface Reply {
  status?: number;
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Literal segments and `:name` parameters. */
  path: string;
  /** `reviewer`: a valid reviewer bearer token is required; `public`: the handler checks what it needs. */
  auth: 'reviewer' | 'public';
  handle(ctx: RequestContext): Promise<Reply | undefined>;
}

interface CompiledRoute {
  route: Route;
  segments: string[];
}

export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.routes = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
  }

  /** The route for this request and its parameters; 404 or 405 when there is none. */
  match(method: string, pathname: string): { route: Route; params: Record<string, string> } {
    const parts = pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathMatched = true;
    }
    if (pathMatched) throw new AdminError('method_not_allowed', `${method} is not allowed on ${pathname}`);
    throw new AdminError('not_found', `no route ${method} ${pathname}`);
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
