// Clients of the 2026-07-28 revision on the Streamable HTTP listener: no initialize and no session;
// every request carries its protocol version, client capabilities and client info in `_meta`, and
// its method and name in headers, which era-2026-envelope.ts checks against the body before
// anything here routes it. The gateway answers server/discover itself and serves every other
// request through an internal session of the same kind a 2025-11-25 client gets, so tools/list and
// tools/call take the one gate path; that session is kept per principal and declared envelope (what
// a 2025-11-25 client declares once), its transport is stateless-transport.ts, and its upstream side
// stays a 2025-11-25 session. Each answer goes back on its POST (era-2026-reply.ts: JSON, or an SSE
// stream when notifications relate to the request); subscriptions/listen streams are served through
// the same session (listen.ts), and results carry the caching hints of caching.ts.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CLIENT_CAPABILITIES_META_KEY,
  isInputRequiredResult,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  ProtocolErrorCode,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import { ErrorCode, LATEST_PROTOCOL_VERSION, type JSONRPCNotification, type JSONRPCRequest, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../core/index.js';
import { sendJson } from '../http/index.js';
import { RpcErrorAnswer } from './answer.js';
import type { CacheHints } from './caching.js';
import { EnvelopeChecks, errorOf, isObject, MODERN_REVISION, SUPPORTED_VERSIONS, withoutEnvelope } from './era-2026-envelope.js';
import { RequestReply } from './era-2026-reply.js';
import {
  createTaskResult,
  declaresTasks,
  DROPPED_TASK_METHODS,
  missingTasksCapability,
  serveTaskMethod,
  TASKS_EXTENSION,
  TASK_METHODS,
  taskStatusNotification,
  withoutTaskHint,
} from './era-2026-tasks.js';
import { InputRounds } from './input-required.js';
import { ListenStreams } from './listen.js';
import type { Offer } from './offer.js';
import { type ClientSession, LOG_LEVELS } from './session.js';
import { StatelessTransport } from './stateless-transport.js';
import type { Tasks } from './tasks.js';

export { MODERN_REVISION } from './era-2026-envelope.js';
/** Methods of the 2025-11-25 session era that the revision removed: its clients get "method not found". */
const REMOVED = new Set(['initialize', 'ping', 'logging/setLevel', 'resources/subscribe', 'resources/unsubscribe', ...DROPPED_TASK_METHODS]);
/** Internal sessions are kept under their envelope as it is up to this length, under its hash beyond. */
const MAX_PLAIN_KEY = 1024;

type SessionFactory = (id: string, principal: Principal, protocolVersion: string) => ClientSession;

interface Kept {
  session: Promise<{ session: ClientSession; transport: StatelessTransport }>;
  lastSeen: number;
}

export class ModernEdge {
  private readonly kept = new Map<string, Kept>();
  private readonly rounds: InputRounds;
  private readonly listen: ListenStreams;
  private readonly checks = new EnvelopeChecks();

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
    tasks.onChange = (principalId, taskId) => this.listen.taskChanged(principalId, taskId, () => taskStatusNotification(tasks, principalId, taskId));
  }

  /**
   * Serves `body` when it is a request of the 2026-07-28 era (or refuses it as the revision says);
   * returns false for traffic of the session era, which the caller serves as before. Untrusted: `body` is parsed JSON.
   */
  async serve(req: IncomingMessage, res: ServerResponse, principal: Principal, body: unknown): Promise<boolean> {
    const admitted = this.checks.admit(req, res, body);
    if (admitted === 'legacy') return false;
    if (admitted === 'answered') return true;
    const { request, meta } = admitted;
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
      const watch = {
        declared: declaresTasks(capabilities),
        owns: (taskId: string) => this.tasks.ownedBy(principal.id, taskId),
        missing: () => missingTasksCapability('subscriptions/listen with taskIds'),
      };
      const refusal = await this.listen.serve(res, request, principal, transport, this.offer().capabilities, watch);
      if (refusal) sendJson(res, 200, errorOf(request.id, refusal.code, refusal.message, refusal.data));
      return true;
    }
    const reply = new RequestReply(req, res);
    const notes = atLogLevel(meta[LOG_LEVEL_META_KEY], reply.notify.bind(reply));
    const forwarded = withoutTaskHint(withoutEnvelope(request));
    const answer = InputRounds.answers(request.method)
      ? await this.rounds.serve(transport, principal, forwarded, res, notes)
      : await transport.request(forwarded, res, notes);
    if (!answer) return true;
    if ('error' in answer) {
      reply.send(httpStatusOf(answer.error.code), { ...answer, id: request.id });
      return true;
    }
    const { result } = answer as { result: Record<string, unknown> };
    if (isInputRequiredResult(result)) {
      reply.send(200, { ...answer, id: request.id });
      return true;
    }
    const task = request.method === 'tools/call' ? createTaskResult(this.tasks, principal, result) : undefined;
    reply.send(200, { jsonrpc: '2.0', id: request.id, result: task ?? { ...this.hints(request.method), ...result, resultType: 'complete' } });
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

/**
 * A request's notifications as its `_meta` log level lets them through (the revision has no
 * logging/setLevel): log messages at that level or more severe, none when it names no level.
 */
function atLogLevel(level: unknown, notes: (notification: JSONRPCNotification) => void): (notification: JSONRPCNotification) => void {
  const least = LOG_LEVELS.indexOf(level as (typeof LOG_LEVELS)[number]);
  return (notification) => {
    if (notification.method !== 'notifications/message') return notes(notification);
    if (least >= 0 && LOG_LEVELS.indexOf(notification.params?.level as (typeof LOG_LEVELS)[number]) >= least) notes(notification);
  };
}

/** The revision answers an unknown method with HTTP 404, and a capability the client did not declare (an upstream's -32021) with 400. */
function httpStatusOf(code: number): number {
  if (code === ErrorCode.MethodNotFound) return 404;
  return code === ProtocolErrorCode.MissingRequiredClientCapability ? 400 : 200;
}

/**
 * The capabilities offered to a session, in this era's form: tasks are the extension of this era,
 * which the gateway serves whatever its upstreams take (a held call is a task of its own).
 */
function discoveredCapabilities(capabilities: ServerCapabilities): ServerCapabilities {
  const { tasks: _sessionEraTasks, ...rest } = capabilities;
  return { ...rest, extensions: { [TASKS_EXTENSION]: {} } };
}
