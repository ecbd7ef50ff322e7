// One client session: an SDK Server whose every request is forwarded through the gateway's method
// table. Requests the table does not know get "method not found", and requests that are not valid
// MCP get an error saying why (the SDK would drop them unanswered); the session keeps working.
// tools/call, the hot path, skips the SDK's request machinery (three zod parses of every message,
// an abort controller map, four promise hops): the session answers it itself with the same reply,
// error, progress and cancellation behaviour.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  ErrorCode,
  McpError,
  SetLevelRequestSchema,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { traceAnswered, traceCallStart, type Principal } from '../core/index.js';
import type { Logger } from '../log.js';
import type { UpstreamClient } from '../upstream/index.js';
import type { Offer } from './offer.js';
import { checkRequest } from './request-check.js';

/** What a method handler may use of its request: the SDK's extra, or the session's own on the tools/call fast path. */
export type Extra = Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'signal' | 'sendNotification'>;
export type Result = Record<string, unknown>;
/** A handler of one client method, forwarding it to the upstream(s) it concerns. */
export type MethodHandler = (session: ClientSession, request: JSONRPCRequest, extra: Extra) => Promise<Result>;

/**
 * What a transport may do beyond the SDK's Transport: close a request's stream for its client to poll
 * (SEP-1699), as the SDK's server transports can; end a request whose upstream needs a capability the
 * client did not declare (a 2026-07-28 client's internal session, stateless-transport.ts).
 */
type AbleTransport = Transport & {
  closeSSEStream?(requestId: RequestId, retryMs?: number): void;
  missingCapability?(requestId: RequestId, capability: string): void;
};

/** What a session needs of the gateway: its name and log, and to tell it when the session opens and closes. */
export interface SessionHost {
  name: string;
  log: Logger;
  opened(session: ClientSession): void;
  closed(session: ClientSession): void;
  /** A notification of the client's that the SDK does not handle itself (e.g. roots/list_changed). */
  notified(session: ClientSession, notification: JSONRPCNotification): void;
}

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** An upstream connection is shared: it logs at the most verbose level any session asked for. */
export function sharedLogLevel(sessions: Iterable<ClientSession>): (typeof LOG_LEVELS)[number] {
  return LOG_LEVELS[Math.min(...Array.from(sessions, (s) => s.logLevel))] ?? 'debug';
}

/** A session is also the client an upstream with `session: per-client` opens a session for: it declares what the client declared. */
export class ClientSession implements UpstreamClient {
  readonly server: Server;
  /** Index into LOG_LEVELS of the least severe level this client wants (0 until it sets one). */
  logLevel = 0;
  private closed = false;
  /** tools/call requests answered on the fast path, until answered or cancelled. */
  private readonly calls = new Map<RequestId, AbortController>();

  constructor(
    readonly id: string,
    readonly principal: Principal,
    private readonly host: SessionHost,
    { capabilities, instructions }: Offer,
    private readonly methods: ReadonlyMap<string, MethodHandler>,
    /** Set for a client of the 2026-07-28 era, whose requests each name it; receipts record it. */
    readonly protocolVersion?: string,
  ) {
    this.server = new Server({ name: host.name, version: '0.1.0' }, { capabilities, instructions });
    this.server.fallbackRequestHandler = (request, extra) => {
      const method = methods.get(request.method);
      if (!method) return Promise.reject(new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`));
      return method(this, request, extra) as never;
    };
    // The SDK's own logging/setLevel handler would keep the level to itself: forward it instead.
    const setLevel = methods.get('logging/setLevel');
    if (setLevel && capabilities.logging)
      this.server.setRequestHandler(SetLevelRequestSchema, (request, extra) => setLevel(this, request as never, extra) as never);
    this.server.fallbackNotificationHandler = async (notification) => host.notified(this, notification as JSONRPCNotification);
    this.server.onclose = () => this.onClosed();
    this.server.onerror = (err) => host.log.debug({ session: id, err: err.message }, 'client session error');
  }

  async connect(transport: Transport): Promise<void> {
    this.host.opened(this);
    await this.server.connect(transport);
    const toServer = transport.onmessage!;
    const callTool = this.methods.get('tools/call');
    transport.onmessage = (message, extra) => {
      if (callTool && isPlainToolCall(message)) return this.answer(transport, message, callTool);
      const invalid = checkRequest(message);
      if (invalid) return void this.sendAnswer(transport, invalid as JSONRPCMessage);
      if ((message as JSONRPCNotification).method === 'notifications/cancelled') {
        this.calls.get((message as JSONRPCNotification).params?.requestId as RequestId)?.abort((message as JSONRPCNotification).params?.reason);
      }
      toServer(message, extra);
    };
  }

  get capabilities(): Record<string, unknown> {
    return this.server.getClientCapabilities() ?? {};
  }

  get clientInfo(): Record<string, unknown> {
    return this.server.getClientVersion() ?? {};
  }

  /** Send a notification; a session that went away meanwhile is not an error. */
  notify(message: JSONRPCNotification, relatedRequestId?: RequestId): void {
    if (this.closed) return;
    this.server.notification(message as never, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(() => undefined);
  }

  /** The upstream closed `requestId`'s stream to be polled: the client's stream for it closes too, where it can be resumed (Streamable HTTP). */
  polled(requestId: RequestId, retryMs: number | undefined): void {
    (this.server.transport as AbleTransport | undefined)?.closeSSEStream?.(requestId, retryMs);
  }

  /** The upstream asked the client, during `requestId`, for a capability it did not declare; a client that is told so by its request's end (2026-07-28) is told. */
  lacks(requestId: RequestId, capability: string): void {
    (this.server.transport as AbleTransport | undefined)?.missingCapability?.(requestId, capability);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /** As the SDK answers a request: the result, or the error's code and message; nothing once cancelled. */
  private answer(transport: Transport, request: JSONRPCRequest, handler: MethodHandler): void {
    traceCallStart('tools/call taken on the fast path');
    const { id } = request;
    const controller = new AbortController();
    this.calls.set(id, controller);
    const extra: Extra = {
      signal: controller.signal,
      sendNotification: async (notification) => {
        if (!controller.signal.aborted) await this.server.notification(notification, { relatedRequestId: id });
      },
    };
    let pending: Promise<Record<string, unknown>>;
    try {
      pending = handler(this, request, extra);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending
      .then(
        (result) => (controller.signal.aborted ? undefined : this.sendAnswer(transport, { jsonrpc: '2.0', id, result })),
        (err: { code?: unknown; message?: string; data?: unknown }) => {
          if (controller.signal.aborted) return undefined;
          const code = Number.isSafeInteger(err.code) ? (err.code as number) : ErrorCode.InternalError;
          return this.sendAnswer(transport, {
            jsonrpc: '2.0',
            id,
            error: { code, message: err.message ?? 'Internal error', ...(err.data !== undefined ? { data: err.data } : {}) },
          });
        },
      )
      .finally(() => {
        if (this.calls.get(id) === controller) this.calls.delete(id);
      });
  }

  private sendAnswer(transport: Transport, answer: JSONRPCMessage): Promise<void> {
    const sent = transport.send(answer).catch((err: Error) => this.server.onerror?.(new Error(`Failed to send response: ${err.message}`)));
    traceAnswered('answer handed to the client transport');
    return sent;
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.calls.values()) controller.abort();
    this.calls.clear();
    this.host.closed(this);
  }
}

/**
 * A tools/call the SDK would take as a plain request (the transports checked the JSON-RPC envelope):
 * an integer or string id, params an object, `_meta` without a task. Anything else is checked as
 * the SDK would check it (an invalid request is answered with an error here) and goes the SDK's way.
 */
function isPlainToolCall(message: JSONRPCMessage): message is JSONRPCRequest {
  const m = message as Partial<JSONRPCRequest>;
  if (m.method !== 'tools/call' || (typeof m.id !== 'string' && !Number.isSafeInteger(m.id))) return false;
  for (const key in m) if (key !== 'jsonrpc' && key !== 'id' && key !== 'method' && key !== 'params') return false;
  const params = m.params as Record<string, unknown> | undefined;
  if (params === undefined) return true;
  if (params === null || typeof params !== 'object' || Array.isArray(params) || 'task' in params) return false;
  const meta = params._meta as Record<string, unknown> | undefined;
  if (meta === undefined) return true;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta) || 'io.modelcontextprotocol/related-task' in meta) return false;
  const token = meta.progressToken;
  return token === undefined || typeof token === 'string' || Number.isSafeInteger(token);
}
