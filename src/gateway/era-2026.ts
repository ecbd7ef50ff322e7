// Clients of the 2026-07-28 revision on the Streamable HTTP listener: no initialize and no session;
// every request carries its protocol version, client capabilities and client info in `_meta`, and
// its method and name in headers checked against the body. The era of each POST is chosen by the v2
// SDK's classifier (the body's envelope claim decides; the header is a cross-check). The gateway
// answers server/discover itself and serves every other request through an internal session of the
// same kind a 2025-11-25 client gets, so tools/list and tools/call take the one gate path; that
// session is kept per principal and declared envelope (what a 2025-11-25 client declares once), and
// its upstream side stays a 2025-11-25 session. subscriptions/listen streams are served through that
// session too (listen.ts), and results carry the caching hints of caching.ts.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  classifyInboundRequest,
  CLIENT_CAPABILITIES_META_KEY,
  isInputRequiredResult,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolErrorCode,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  LATEST_PROTOCOL_VERSION,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../core/index.js';
import { sendJson } from '../http/index.js';
import { RpcErrorAnswer } from './answer.js';
import {
  createTaskResult,
  declaresTasks,
  DROPPED_TASK_METHODS,
  missingTasksCapability,
  serveTaskMethod,
  TASK_METHODS,
  TASKS_EXTENSION,
  withoutTaskHint,
} from './era-2026-tasks.js';
import { type Dispatcher, InputRounds, type InternalRequest } from './input-required.js';
import type { CacheHints } from './caching.js';
import { KnownEnvelopes } from './known-envelopes.js';
import { ListenStreams } from './listen.js';
import type { Offer } from './offer.js';
import type { ClientSession } from './session.js';
import type { Tasks } from './tasks.js';

export const MODERN_REVISION = '2026-07-28';
/** What server/discover and an unsupported-version error name: this revision per request, the 2025-11-25 one by initialize. */
const SUPPORTED_VERSIONS = [MODERN_REVISION, LATEST_PROTOCOL_VERSION];
/** SEP-2243's code for request headers that disagree with the body (HTTP 400). */
const HEADER_MISMATCH = -32020;
/** The methods whose `Mcp-Name` header mirrors a body field (the tasks extension's name their task). */
const NAME_SOURCE: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  ...Object.fromEntries([...TASK_METHODS].map((method) => [method, 'taskId'])),
};
/** Methods of the 2025-11-25 session era that the revision removed: its clients get "method not found". */
const REMOVED = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe', ...DROPPED_TASK_METHODS]);
/** Internal sessions are kept under their envelope as it is up to this length, under its hash beyond. */
const MAX_PLAIN_KEY = 1024;
const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY];

type SessionFactory = (id: string, principal: Principal, protocolVersion: string) => ClientSession;

interface Kept {
  session: Promise<{ session: ClientSession; transport: StatelessTransport }>;
  lastSeen: number;
}

export class ModernEdge {
  private readonly kept = new Map<string, Kept>();
  private readonly rounds: InputRounds;
  private readonly listen: ListenStreams;
  private readonly envelopes = new KnownEnvelopes();

  constructor(
    private readonly createSession: SessionFactory,
    private readonly offer: () => Offer,
    private readonly serverName: string,
    private readonly tasks: Tasks,
    /** How long a call that answered input-required waits for the client's retry. */
    inputWaitMs: number,
    private readonly hints: CacheHints,
  ) {
    this.rounds = new InputRounds(inputWaitMs);
    this.listen = new ListenStreams({ name: serverName, version: '0.1.0' });
  }

  /**
   * Serves `body` when it is a request of the 2026-07-28 era (or refuses it as the revision says);
   * returns false for traffic of the session era, which the caller serves as before. Untrusted: `body` is parsed JSON.
   */
  async serve(req: IncomingMessage, res: ServerResponse, principal: Principal, body: unknown): Promise<boolean> {
    // Session-era traffic names no revision of this era: it is left to the session path (and its checks) at once.
    if (!claimsModern(req, body)) return false;
    const request = this.envelopes.request(req, body) ?? this.classify(req, res, body);
    if (request === 'legacy') return false;
    if (request === 'answered') return true;
    const meta = (request.params?._meta ?? {}) as Record<string, unknown>;
    const version = meta[PROTOCOL_VERSION_META_KEY];
    if (version !== MODERN_REVISION) {
      sendJson(
        res,
        400,
        errorOf(request.id, ProtocolErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${JSON.stringify(version)}`, {
          supported: SUPPORTED_VERSIONS,
          requested: version,
        }),
      );
      return true;
    }
    const mismatch = headerProblem(req, request);
    if (mismatch) {
      sendJson(res, 400, errorOf(request.id, HEADER_MISMATCH, `Bad Request: the request headers and body disagree: ${mismatch}`));
      return true;
    }
    if (REMOVED.has(request.method)) {
      sendJson(res, 404, errorOf(request.id, ErrorCode.MethodNotFound, `Method not found: ${request.method} is not part of the ${MODERN_REVISION} revision`));
      return true;
    }
    if (request.method === 'server/discover') {
      sendJson(res, 200, { jsonrpc: '2.0', id: request.id, result: this.discover() });
      return true;
    }
    const capabilities = meta[CLIENT_CAPABILITIES_META_KEY];
    const clientInfo = meta[CLIENT_INFO_META_KEY] ?? { name: 'unknown', version: 'unknown' };
    if (!isObject(capabilities) || !isObject(clientInfo)) {
      sendJson(
        res,
        200,
        errorOf(
          request.id,
          ErrorCode.InvalidParams,
          `Invalid params: _meta["${CLIENT_CAPABILITIES_META_KEY}"] and _meta["${CLIENT_INFO_META_KEY}"] must be objects`,
        ),
      );
      return true;
    }
    if (TASK_METHODS.has(request.method)) {
      await this.serveTask(res, principal, request, capabilities);
      return true;
    }
    const { transport } = await this.sessionFor(principal, capabilities, clientInfo);
    if (request.method === 'subscriptions/listen') {
      const refusal = await this.listen.serve(res, request, principal, transport, this.offer().capabilities);
      if (refusal) sendJson(res, 200, errorOf(request.id, refusal.code, refusal.message));
      return true;
    }
    const forwarded = withoutTaskHint(withoutEnvelope(request));
    const answer = InputRounds.answers(request.method)
      ? await this.rounds.serve(transport, principal, forwarded, res)
      : await transport.request(forwarded, res);
    if (!answer) return true;
    if ('error' in answer) {
      sendJson(res, httpStatusOf(answer.error.code), { ...answer, id: request.id });
      return true;
    }
    const hints = this.hints(request.method);
    const { result } = answer as { result: Record<string, unknown> };
    if (isInputRequiredResult(result)) {
      sendJson(res, 200, { ...answer, id: request.id });
      return true;
    }
    const task = request.method === 'tools/call' ? createTaskResult(this.tasks, principal, result) : undefined;
    sendJson(res, 200, { jsonrpc: '2.0', id: request.id, result: task ?? { ...hints, ...result, resultType: 'complete' } });
    return true;
  }

  /** A method of the tasks extension, which needs the extension declared on its request; the task is found among the principal's. */
  private async serveTask(res: ServerResponse, principal: Principal, request: JSONRPCRequest, capabilities: object): Promise<void> {
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    try {
      if (!declaresTasks(capabilities)) throw missingTasksCapability(request.method);
      const result = await serveTaskMethod(this.tasks, principal, request, gone.signal);
      sendJson(res, 200, { jsonrpc: '2.0', id: request.id, result: { ...result, resultType: 'complete' } });
    } catch (err) {
      if (!(err instanceof RpcErrorAnswer)) throw err;
      sendJson(res, 200, errorOf(request.id, err.code, err.message, err.data));
    }
  }

  /** The request as the v2 SDK's classifier takes it; 'legacy' for the session era, 'answered' when refused or a notification. */
  private classify(req: IncomingMessage, res: ServerResponse, body: unknown): JSONRPCRequest | 'legacy' | 'answered' {
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body,
      protocolVersionHeader: header(req, 'mcp-protocol-version'),
      mcpMethodHeader: header(req, 'mcp-method'),
      mcpNameHeader: header(req, 'mcp-name'),
    });
    if (route.kind === 'legacy') return 'legacy';
    if (route.kind === 'reject') {
      sendJson(res, route.httpStatus, errorOf(requestIdOf(body), route.code, route.message, route.data));
      return 'answered';
    }
    if (route.messageKind === 'notification') {
      res.writeHead(202).end();
      return 'answered';
    }
    const request = route.message as JSONRPCRequest;
    this.envelopes.remember(request);
    return request;
  }

  /** Internal sessions idle since `cutoff` are closed. */
  sweep(cutoff: number): void {
    for (const [key, kept] of this.kept) {
      if (kept.lastSeen >= cutoff) continue;
      // A session with tasks stays: its upstream sessions serve them (they are forgotten after their ttl).
      void kept.session.then(({ session, transport }) => (transport.busy || this.tasks.owns(session) ? undefined : (this.kept.delete(key), session.close())));
    }
  }

  /** Cancels the calls that answered input-required and wait for the client's retry (a shutdown drains). */
  endInputWaits(): void {
    this.rounds.close();
  }

  async close(): Promise<void> {
    this.rounds.close();
    this.listen.closeAll();
    const all = [...this.kept.values()];
    this.kept.clear();
    await Promise.all(all.map(async (k) => (await k.session).session.close()));
  }

  private discover(): Record<string, unknown> {
    const { capabilities, instructions } = this.offer();
    return {
      supportedVersions: SUPPORTED_VERSIONS,
      capabilities: discoveredCapabilities(capabilities),
      ...(instructions === undefined ? {} : { instructions }),
      ...this.hints('server/discover'),
      resultType: 'complete',
      _meta: { [SERVER_INFO_META_KEY]: { name: this.serverName, version: '0.1.0' } },
    };
  }

  private sessionFor(principal: Principal, capabilities: object, clientInfo: object): Kept['session'] {
    // The envelope as serialized, not canonical: a client sends the same one every time, and one that
    // reorders its keys only gets a second internal session (canonical JSON and a hash cost more per
    // request than the rest of this edge). A long one is hashed, so that kept keys stay small.
    const envelope = `${principal.id}\n${JSON.stringify(capabilities)}\n${JSON.stringify(clientInfo)}`;
    const key = envelope.length <= MAX_PLAIN_KEY ? envelope : createHash('sha256').update(envelope).digest('hex');
    const known = this.kept.get(key);
    if (known) {
      known.lastSeen = Date.now();
      return known.session;
    }
    const session = this.open(principal, capabilities, clientInfo);
    this.kept.set(key, { session, lastSeen: Date.now() });
    session.catch(() => this.kept.delete(key));
    return session;
  }

  /** The internal session declares to upstreams (per-client sessions) what the client declared in its envelope. */
  private async open(principal: Principal, capabilities: object, clientInfo: object) {
    const session = this.createSession(`stateless:${randomUUID()}`, principal, MODERN_REVISION);
    const transport = new StatelessTransport();
    await session.connect(transport);
    const init = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities, clientInfo } } as const;
    const answer = await transport.request(init as JSONRPCRequest);
    if (!answer || 'error' in answer) throw new Error(`the internal session did not initialize: ${JSON.stringify(answer)}`);
    transport.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return { session, transport };
  }
}

/** One internal session's transport: each request is answered to the POST that carried it, under an id of its own. */
class StatelessTransport implements Transport, Dispatcher {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly waiting = new Map<RequestId, { resolve: (answer: JSONRPCMessage | undefined) => void; asks?: (ask: JSONRPCRequest) => void }>();
  private next = 0;
  /** The open subscriptions/listen streams served through this session (listen.ts). */
  readonly listeners = new Set<(notification: JSONRPCNotification) => void>();

  start(): Promise<void> {
    return Promise.resolve();
  }

  get busy(): boolean {
    return this.waiting.size > 0 || this.listeners.size > 0;
  }

  /** The answer to `request`; undefined when the client went away first (the request is then cancelled). */
  request(request: JSONRPCRequest, res?: ServerResponse): Promise<JSONRPCMessage | undefined> {
    const started = this.begin(request);
    res?.once('close', () => started.cancel('the client went away'));
    return started.answer;
  }

  /** `request` under an id of the transport's; the server's requests made while it runs go to `asks` (without it they are refused). */
  begin(request: JSONRPCRequest, asks?: (ask: JSONRPCRequest) => void): InternalRequest {
    // Stateless clients reuse ids freely (each request stands alone): ids here are the transport's.
    const id = ++this.next;
    const answer = new Promise<JSONRPCMessage | undefined>((resolve) => this.waiting.set(id, { resolve, asks }));
    this.onmessage?.({ ...request, id });
    return {
      answer,
      cancel: (reason) => {
        const waiting = this.waiting.get(id);
        if (!waiting || !this.waiting.delete(id)) return;
        waiting.resolve(undefined);
        this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } });
      },
      reply: (message) => this.onmessage?.(message),
    };
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('id' in message && !('method' in message)) {
      const waiting = this.waiting.get(message.id as RequestId);
      this.waiting.delete(message.id as RequestId);
      waiting?.resolve(message);
    } else if ('id' in message) {
      // A request to the client (sampling, elicitation, roots): this revision asks for input with an
      // input-required result, which only tools/call, prompts/get and resources/read may answer.
      const related = options?.relatedRequestId;
      const asks = related === undefined ? undefined : this.waiting.get(related)?.asks;
      if (asks) asks(message as JSONRPCRequest);
      else {
        const error = {
          code: ErrorCode.MethodNotFound,
          message: `not available to ${MODERN_REVISION} clients during ${related === undefined ? 'no request' : 'this request'}`,
        };
        queueMicrotask(() => this.onmessage?.({ jsonrpc: '2.0', id: message.id, error }));
      }
    }
    // Notifications outside a request (list changes, resource updates) go to the listen streams; those of a request (progress) have no stream to go on yet.
    else if (options?.relatedRequestId === undefined) for (const listener of this.listeners) listener(message as JSONRPCNotification);
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const { resolve } of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    this.onclose?.();
    return Promise.resolve();
  }
}

/** The revision answers an unknown method with HTTP 404, and a capability the client did not declare (an upstream's -32021) with 400. */
function httpStatusOf(code: number): number {
  if (code === ErrorCode.MethodNotFound) return 404;
  return code === ProtocolErrorCode.MissingRequiredClientCapability ? 400 : 200;
}

/** Whether the body's `_meta` claims the per-request envelope, or the header names this revision. */
function claimsModern(req: IncomingMessage, body: unknown): boolean {
  const meta = (body as { params?: { _meta?: unknown } } | null)?.params?._meta;
  return (isObject(meta) && PROTOCOL_VERSION_META_KEY in meta) || header(req, 'mcp-protocol-version')?.trim() === MODERN_REVISION;
}

/**
 * The capabilities offered to a session, in this era's form: tasks are the extension of this era,
 * which the gateway serves whatever its upstreams take (a held call is a task of its own).
 */
function discoveredCapabilities(capabilities: ServerCapabilities): ServerCapabilities {
  const { tasks: _sessionEraTasks, ...rest } = capabilities;
  return { ...rest, extensions: { [TASKS_EXTENSION]: {} } };
}

/**
 * Where the headers SEP-2243 requires on every request disagree with the body: MCP-Protocol-Version and
 * Mcp-Method present (the classifier checked their values), and Mcp-Name equal to the name or URI the
 * body carries. The SDK's own check of this rung is not exported.
 */
function headerProblem(req: IncomingMessage, request: JSONRPCRequest): string | undefined {
  if (header(req, 'mcp-protocol-version') === undefined) return 'the required MCP-Protocol-Version header is absent';
  if (header(req, 'mcp-method') === undefined) return `the body names method ${request.method} but the required Mcp-Method header is absent`;
  const field = Object.hasOwn(NAME_SOURCE, request.method) ? NAME_SOURCE[request.method]! : undefined;
  const value = field && (request.params as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string') return undefined;
  const name = header(req, 'mcp-name');
  if (name === undefined) return `the body carries params.${field}=${JSON.stringify(value)} but the required Mcp-Name header is absent`;
  const decoded = decodeHeaderValue(name.trim());
  if (decoded === undefined) return 'the Mcp-Name header carries an invalid Base64 sentinel value';
  if (decoded !== value) return `the body carries params.${field}=${JSON.stringify(value)} but the Mcp-Name header names ${JSON.stringify(decoded)}`;
  return undefined;
}

/** A header value as sent, or its `=?base64?…?=` form decoded (for values a header cannot carry). */
function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith('=?base64?') || !value.endsWith('?=')) return value;
  const b64 = value.slice(9, -2);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}

/** The request as the session era knows it: the envelope is the internal session's, not the upstream's. */
function withoutEnvelope(request: JSONRPCRequest): JSONRPCRequest {
  const params = request.params as Record<string, unknown> | undefined;
  if (!params || !isObject(params._meta)) return request;
  const meta: Record<string, unknown> = { ...(params._meta as Record<string, unknown>) };
  for (const key of ENVELOPE_KEYS) delete meta[key];
  const { _meta, ...rest } = params;
  return { ...request, params: Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function requestIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function errorOf(id: string | number | null, code: number, message: string, data?: unknown) {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } };
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
