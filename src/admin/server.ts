// The admin HTTP listener (node:http): Host check against DNS rebinding, bearer-token auth of
// reviewers, body limits, JSON errors, and dispatch to the routes it was given.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReviewerDirectory } from '../approvals/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { AdminError, errorReply } from './errors.js';
import { Router, type RequestContext, type Route } from './router.js';

type AdminConfig = NonNullable<Config['admin']>;

export interface AdminServerOptions {
  admin: Pick<AdminConfig, 'host' | 'port' | 'allowed_hosts'>;
  reviewers: ReviewerDirectory;
  log: Logger;
  routes: Route[];
  /** Largest accepted request body (default 16 KiB: the API takes notes, not documents). */
  maxBodyBytes?: number;
}

export interface AdminServer {
  server: Server;
  /** Starts listening; resolves with the base URL, e.g. http://127.0.0.1:8081. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

const LOCAL_NAMES = ['localhost', '127.0.0.1', '::1'];
const ANY_ADDRESS = new Set(['0.0.0.0', '::']);

export function createAdminServer(options: AdminServerOptions): AdminServer {
  const router = new Router(options.routes);
  const allowed = new Set([...LOCAL_NAMES, ...options.admin.allowed_hosts.map((h) => h.toLowerCase())]);
  if (!ANY_ADDRESS.has(options.admin.host)) allowed.add(options.admin.host.toLowerCase());
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => respondError(res, err));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHost(req.headers.host, allowed);
    const url = new URL(req.url ?? '/', 'http://admin.invalid');
    const { route, params } = router.match(req.method ?? 'GET', url.pathname);
    const reviewer = route.auth === 'reviewer' ? authenticate(req, options.reviewers) : undefined;
    const ctx: RequestContext = { req, res, url, params, reviewer, json: () => readJson(req, options.maxBodyBytes ?? 16 * 1024) };
    const reply = await route.handle(ctx);
    if (reply) send(res, reply.status ?? 200, reply.body);
  }

  function respondError(res: ServerResponse, err: unknown): void {
    const reply = errorReply(err);
    if (reply.internal) options.log.error({ err }, 'admin request failed');
    if (res.headersSent) res.destroy();
    else send(res, reply.status, reply.body);
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

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** DNS rebinding: a browser tricked into calling us sends the attacker's host name, which is refused. */
function checkHost(header: string | undefined, allowed: Set<string>): void {
  if (!header) throw new AdminError('host_not_allowed', 'missing Host header');
  const host = header.toLowerCase();
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  if (!allowed.has(name) && !allowed.has(host)) {
    throw new AdminError('host_not_allowed', `Host ${header} is not allowed (add it to admin.allowed_hosts)`);
  }
}

function authenticate(req: IncomingMessage, reviewers: ReviewerDirectory) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new AdminError('unauthorized', 'a reviewer token is required: Authorization: Bearer <token>');
  const reviewer = reviewers.authenticate(match[1]!);
  if (!reviewer) throw new AdminError('unauthorized', 'the token is not a reviewer token');
  return reviewer;
}

/** Untrusted: the body of a request, bounded in size before it is parsed. */
async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new AdminError('payload_too_large', `request body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new AdminError('payload_too_large', `request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return {};
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    throw new AdminError('unsupported_media_type', 'the request body must be application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new AdminError('bad_request', 'the request body is not valid JSON');
  }
}
