// The admin HTTP listener (node:http): the HTTP edge's guards (Host and Origin against DNS
// rebinding, reviewer bearer tokens, body limits, the error table) around the routes it was given.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reviewer, ReviewerDirectory } from '../approvals/index.js';
import type { Config } from '../config/index.js';
import { bearerToken, hostGuard, HttpError, type RequestContext, type Route, readJson, Router, sendJson } from '../http/index.js';
import type { Logger } from '../log.js';
import { adminErrorReply } from './errors.js';

type AdminConfig = NonNullable<Config['admin']>;

export interface AdminServerOptions {
  /** `allowed_origins` may be left out (tests): only the listener's own origin is accepted then. */
  admin: Pick<AdminConfig, 'host' | 'port' | 'allowed_hosts'> & Partial<Pick<AdminConfig, 'allowed_origins'>>;
  reviewers: ReviewerDirectory;
  log: Logger;
  routes: Route<Reviewer>[];
  /** Largest accepted request body (default 16 KiB: the API takes notes, not documents). */
  maxBodyBytes?: number;
}

export interface AdminServer {
  server: Server;
  /** Starts listening; resolves with the base URL, e.g. http://127.0.0.1:8081. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function createAdminServer(options: AdminServerOptions): AdminServer {
  const router = new Router(options.routes);
  const { host, allowed_hosts, allowed_origins = [] } = options.admin;
  const guard = hostGuard({ bind: host, allowed_hosts, allowed_origins, configKey: 'admin' });
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => respondError(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    guard(req);
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const { route, params } = router.match(req.method ?? 'GET', url.pathname);
    const caller = route.auth === 'public' ? undefined : authenticate(req, options.reviewers, route.auth === 'token');
    const ctx: RequestContext<Reviewer> = { req, res, url, params, caller, json: () => readJson(req, maxBodyBytes) };
    const reply = await route.handle(ctx);
    if (reply) sendJson(res, reply.status ?? 200, reply.body);
  }

  function respondError(res: ServerResponse, err: unknown): void {
    const reply = adminErrorReply(err);
    if (reply.internal) options.log.error({ err }, 'admin request failed');
    if (res.headersSent) res.destroy();
    else sendJson(res, reply.status, { error: { code: reply.code, message: reply.message } }, reply.headers);
  }

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.admin.port, options.admin.host, () => {
          const { address, port } = server.address() as AddressInfo;
          resolve(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The reviewer holding the request's bearer token; without a token, a refusal only when one is `required`. */
function authenticate(req: IncomingMessage, reviewers: ReviewerDirectory, required: boolean): Reviewer | undefined {
  const token = bearerToken(req);
  if (token === undefined && !required && req.headers.authorization === undefined) return undefined;
  if (token === undefined) throw new HttpError('unauthorized', 'a reviewer token is required: Authorization: Bearer <token>');
  const reviewer = reviewers.authenticate(token);
  if (!reviewer) throw new HttpError('unauthorized', 'the token is not a reviewer token');
  return reviewer;
}
