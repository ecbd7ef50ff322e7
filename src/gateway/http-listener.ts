// The Streamable HTTP listener on node:http: the HTTP edge's guards and body limit, JSON-RPC envelope checks, and
// stateful sessions (created by initialize, named by the Mcp-Session-Id header, bound to the
// principal that created them, ended by DELETE).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config/index.js';
import { parseDuration, traceInput, traceStage, type Principal } from '../core/index.js';
import type { Logger } from '../log.js';
import { isEnvelope } from '../upstream/index.js';
import { errorReply, HttpError, isJson, readBody, sendJson } from '../http/index.js';
import { GatewayError } from './errors.js';
import { createGuards } from './guards.js';
import { MODERN_REVISION, type ModernEdge } from './era-2026.js';
import { HttpSessionTransport, primes } from './http-transport.js';
import type { ClientSession } from './session.js';

export interface HttpListener {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface HttpSession {
  session: ClientSession;
  transport: HttpSessionTransport;
  lastSeen: number;
}

type SessionFactory = (id: string, principal: Principal) => ClientSession;

export async function listenHttp(config: Config, log: Logger, createSession: SessionFactory, modern: ModernEdge): Promise<HttpListener> {
  const options = config.listen.http!;
  const admit = createGuards(config);
  const sessions = new Map<string, HttpSession>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url?.split('?')[0];
    if (path !== options.path) throw new HttpError('not_found', `not found: the MCP endpoint is ${options.path}`);
    const principal = admit(req);
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known && known.session.principal.id !== principal.id) throw new HttpError('forbidden', 'this session belongs to another principal');
    if (known) known.lastSeen = Date.now();
    if (req.method === 'POST') return post(req, res, principal, known);
    const session = requireSession(id, known);
    if (req.method === 'GET') {
      if (!(req.headers.accept ?? '').includes('text/event-stream')) throw new HttpError('not_acceptable', 'GET needs Accept: text/event-stream');
      const lastEventId = req.headers['last-event-id'];
      session.transport.openStream(res, typeof lastEventId === 'string' ? lastEventId : undefined);
      return;
    }
    if (req.method === 'DELETE') {
      sessions.delete(session.transport.sessionId);
      await session.session.close();
      res.writeHead(200).end();
      return;
    }
    throw new HttpError('method_not_allowed', `method ${req.method} is not allowed`, { headers: { allow: 'GET, POST, DELETE' } });
  }

  async function post(req: IncomingMessage, res: ServerResponse, principal: Principal, known: HttpSession | undefined): Promise<void> {
    const accept = req.headers.accept ?? '*/*';
    if (!/application\/json|\*\/\*|text\/event-stream/.test(accept))
      throw new HttpError('not_acceptable', 'Accept must allow application/json or text/event-stream');
    if (!isJson(req.headers['content-type'])) throw new HttpError('unsupported_media_type', 'Content-Type must be application/json');
    const body = await readBody(req, options.max_body_bytes, 'listen.http.max_body_bytes');
    traceStage('http: body read');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(res, 400, 'parse error: the body is not JSON', -32700);
    }
    // The 2026-07-28 era is chosen per request, by the body's envelope (docs/gateway.md, "Protocol eras").
    if (await modern.serve(req, res, principal, parsed)) return;
    const batch = Array.isArray(parsed);
    const messages = (batch ? parsed : [parsed]) as unknown[];
    if (messages.length === 0 || !messages.every(isEnvelope)) return reply(res, 400, 'invalid request: not a JSON-RPC 2.0 message', -32600);
    const initialize = messages.some((m) => (m as { method?: unknown }).method === 'initialize');
    const stream = accept.includes('text/event-stream');
    if (initialize) {
      if (messages.length !== 1) return reply(res, 400, 'initialize must be sent alone', -32600);
      const sessionId = randomUUID();
      const transport = new HttpSessionTransport(sessionId);
      const session = createSession(sessionId, principal);
      sessions.set(sessionId, { session, transport, lastSeen: Date.now() });
      transport.onclose = () => sessions.delete(sessionId);
      await session.connect(transport);
      const version = (messages[0] as { params?: { protocolVersion?: unknown } }).params?.protocolVersion;
      transport.receive(messages as JSONRPCMessage[], false, res, { stream, prime: stream && primes(version) });
      return;
    }
    const prime = stream && primes(req.headers['mcp-protocol-version']);
    requireSession(req.headers['mcp-session-id'], known).transport.receive(messages as JSONRPCMessage[], batch, res, { stream, prime });
  }

  const server: HttpServer = createServer((req, res) => {
    traceInput('http: request headers parsed');
    handle(req, res).catch((err: unknown) => {
      const answer = errorReply(err);
      if (answer.internal) log.error({ err }, 'http request failed');
      if (res.headersSent) res.destroy();
      else reply(res, answer.status, answer.message, -32000, answer.headers, req.headers['mcp-protocol-version'] === MODERN_REVISION);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(new GatewayError('listen_failed', `cannot listen on ${options.host}:${options.port}: ${err.message}`, { cause: err })),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const idleMs = parseDuration(options.session_idle);
  const sweep = setInterval(
    () => {
      const cutoff = Date.now() - idleMs;
      modern.sweep(cutoff);
      for (const [id, s] of sessions) {
        if (s.lastSeen < cutoff && !s.transport.busy) {
          sessions.delete(id);
          void s.session.close();
        }
      }
    },
    Math.min(idleMs, 60_000),
  );
  sweep.unref();
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  log.info({ url: `http://${host}:${port}${options.path}` }, 'listening (Streamable HTTP)');
  return {
    url: `http://${host}:${port}${options.path}`,
    port,
    async close() {
      clearInterval(sweep);
      await Promise.all([...Array.from(sessions.values(), (s) => s.session.close()), modern.close()]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The session a request names; refused when it names none (400) or one that is gone (404). */
function requireSession(id: string | string[] | undefined, known: HttpSession | undefined): HttpSession {
  if (known) return known;
  if (id === undefined) throw new HttpError('bad_request', 'Mcp-Session-Id header is required');
  throw new HttpError('not_found', 'session not found: initialize a new one');
}

/**
 * An HTTP error with a JSON-RPC error body, which MCP clients surface as a message: with `id: null`,
 * or for a request of the 2026-07-28 revision (`stateless`) with no id, as that revision words it.
 */
function reply(res: ServerResponse, status: number, message: string, code = -32000, headers: Record<string, string> = {}, stateless = false): void {
  sendJson(res, status, { jsonrpc: '2.0', ...(stateless ? {} : { id: null }), error: { code, message } }, headers);
}
