// The Streamable HTTP listener on node:http: guards, body limit, JSON-RPC envelope checks, and
// stateful sessions (created by initialize, named by the Mcp-Session-Id header, bound to the
// principal that created them, ended by DELETE).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config/index.js';
import { parseDuration, type Principal } from '../core/index.js';
import type { Logger } from '../log.js';
import { isEnvelope } from '../upstream/index.js';
import { GatewayError } from './errors.js';
import { createGuards } from './guards.js';
import { HttpSessionTransport } from './http-transport.js';
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

export async function listenHttp(config: Config, log: Logger, createSession: SessionFactory): Promise<HttpListener> {
  const options = config.listen.http!;
  const admit = createGuards(config);
  const sessions = new Map<string, HttpSession>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url?.split('?')[0];
    if (path !== options.path) return reply(res, 404, `not found: the MCP endpoint is ${options.path}`);
    const admission = admit(req);
    if (!admission.ok) {
      if (admission.status === 401) res.setHeader('www-authenticate', 'Bearer realm="toolgate"');
      return reply(res, admission.status, admission.message);
    }
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? sessions.get(id) : undefined;
    if (known && known.session.principal.id !== admission.principal.id) return reply(res, 403, 'this session belongs to another principal');
    if (known) known.lastSeen = Date.now();
    if (req.method === 'POST') return post(req, res, admission.principal, known);
    if (!known)
      return reply(res, id === undefined ? 400 : 404, id === undefined ? 'Mcp-Session-Id header is required' : 'session not found: initialize a new one');
    if (req.method === 'GET') {
      if (!(req.headers.accept ?? '').includes('text/event-stream')) return reply(res, 406, 'GET needs Accept: text/event-stream');
      if (!known.transport.openStream(res)) reply(res, 409, 'this session already has a GET stream');
      return;
    }
    if (req.method === 'DELETE') {
      sessions.delete(known.transport.sessionId);
      await known.session.close();
      res.writeHead(200).end();
      return;
    }
    res.setHeader('allow', 'GET, POST, DELETE');
    reply(res, 405, `method ${req.method} is not allowed`);
  }

  async function post(req: IncomingMessage, res: ServerResponse, principal: Principal, known: HttpSession | undefined): Promise<void> {
    const accept = req.headers.accept ?? '*/*';
    if (!/application\/json|\*\/\*|text\/event-stream/.test(accept)) return reply(res, 406, 'Accept must allow application/json or text/event-stream');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return reply(res, 415, 'Content-Type must be application/json');
    const body = await readBody(req, options.max_body_bytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return reply(res, 413, `request body exceeds listen.http.max_body_bytes (${options.max_body_bytes} bytes)`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return reply(res, 400, 'parse error: the body is not JSON', -32700);
    }
    const batch = Array.isArray(parsed);
    const messages = (batch ? parsed : [parsed]) as unknown[];
    if (messages.length === 0 || !messages.every(isEnvelope)) return reply(res, 400, 'invalid request: not a JSON-RPC 2.0 message', -32600);
    const initialize = messages.some((m) => (m as { method?: unknown }).method === 'initialize');
    const canStream = accept.includes('text/event-stream');
    if (initialize) {
      if (messages.length !== 1) return reply(res, 400, 'initialize must be sent alone', -32600);
      const sessionId = randomUUID();
      const transport = new HttpSessionTransport(sessionId);
      const session = createSession(sessionId, principal);
      sessions.set(sessionId, { session, transport, lastSeen: Date.now() });
      transport.onclose = () => sessions.delete(sessionId);
      await session.connect(transport);
      transport.receive(messages as JSONRPCMessage[], false, res, canStream);
      return;
    }
    const id = req.headers['mcp-session-id'];
    if (!known)
      return reply(res, id === undefined ? 400 : 404, id === undefined ? 'Mcp-Session-Id header is required' : 'session not found: initialize a new one');
    known.transport.receive(messages as JSONRPCMessage[], batch, res, canStream);
  }

  const server: HttpServer = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      log.error({ err: err.message }, 'http request failed');
      if (!res.headersSent) reply(res, 500, 'internal error');
      else res.destroy();
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
      await Promise.all(Array.from(sessions.values(), (s) => s.session.close()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The body as text, or undefined when it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size > limit ? undefined : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An HTTP error with a JSON-RPC error body, which MCP clients surface as a message. */
function reply(res: ServerResponse, status: number, message: string, code = -32000): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code, message } }));
}
