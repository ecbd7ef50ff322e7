// A thin JSON-RPC peer over an SDK Transport. The gateway forwards messages as they are (results,
// progress tokens and _meta untouched), so it speaks raw JSON-RPC rather than through the SDK
// Client, which validates, rewrites progress tokens and answers server requests by itself.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { traceStage } from '../core/stage-trace.js';
import { rpcErrorOf, UpstreamError, UpstreamRpcError } from './errors.js';
import type { RelatedRequests } from './related-requests.js';

export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Whose request this is (the caller's own value): handed back with the upstream's requests related to it. */
  owner?: unknown;
  /** The upstream closed this request's stream before answering, for it to be polled (SEP-1699): told its retry hint (ms), if any. The transport resumes the stream itself. */
  polled?: (retryMs: number | undefined) => void;
}

/** What the peer does with messages the upstream starts. */
export interface PeerHandlers {
  /** `owner` is that of our request it relates to, when the transport tells. */
  notification(message: JSONRPCNotification, owner?: unknown): void;
  /**
   * Answer a server-to-client request; a throw becomes a JSON-RPC error. The signal aborts when the
   * upstream cancels it. `owner` is that of our request it relates to, when the transport tells.
   */
  request(message: JSONRPCRequest, signal: AbortSignal, owner?: unknown): Promise<Record<string, unknown>>;
  closed(): void;
  /** A request went unanswered past its timeout (the upstream may be hung). */
  timedOut(): void;
}

interface Pending {
  resolve(result: Record<string, unknown>): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  abort?: () => void;
  signal?: AbortSignal;
  owner?: unknown;
  polled?: (retryMs: number | undefined) => void;
}

export class JsonRpcPeer {
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  /** Requests the upstream sent us that are still being answered, so its cancellation can reach them. */
  private readonly incoming = new Map<RequestId, AbortController>();
  private closedReason?: string;
  /** What closed the connection, for the operator's log (an unreachable URL's ECONNREFUSED): never for clients. */
  private closedCause?: unknown;

  constructor(
    private readonly name: string,
    private readonly transport: Transport,
    private readonly handlers: PeerHandlers,
    /** Which of our requests an upstream request or notification relates to, when the transport can tell (Streamable HTTP). */
    private readonly related?: Pick<RelatedRequests, 'take' | 'takeNotification'>,
  ) {
    transport.onmessage = (message) => this.receive(message);
    transport.onclose = () => this.fail('the upstream closed the connection');
  }

  get isOpen(): boolean {
    return this.closedReason === undefined;
  }

  request(method: string, params: Record<string, unknown> | undefined, options: RequestOptions): Promise<Record<string, unknown>> {
    // Refused before anything is sent: the request did not run.
    if (this.closedReason) return Promise.reject(new UpstreamError('upstream_unavailable', `upstream ${this.name}: ${this.closedReason}`));
    if (options.signal?.aborted) return Promise.reject(new UpstreamError('upstream_not_sent', `upstream ${this.name}: request cancelled before it was sent`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const timedOut = `upstream ${this.name} did not answer ${method} within ${options.timeoutMs} ms`;
          this.settle(id, new UpstreamError('upstream_timeout', timedOut), timedOut);
          this.handlers.timedOut();
        }, options.timeoutMs),
        owner: options.owner,
        polled: options.polled,
      };
      if (options.signal) {
        const signal = options.signal;
        // The upstream is told why: the canceller's own reason when it gave one in words.
        entry.abort = () => {
          const why = typeof signal.reason === 'string' ? signal.reason : 'request cancelled';
          this.settle(id, new UpstreamError('upstream_cancelled', `upstream ${this.name}: ${why}`), why);
        };
        entry.signal = signal;
        signal.addEventListener('abort', entry.abort, { once: true });
      }
      this.pending.set(id, entry);
      const message = params === undefined ? { jsonrpc: '2.0' as const, id, method } : { jsonrpc: '2.0' as const, id, method, params };
      traceStage('upstream request sent');
      // A send that fails means the connection is gone (process exited, HTTP server unreachable).
      this.transport.send(message).catch((err: Error) => this.fail(`cannot reach the upstream: ${err.message}`, err));
    });
  }

  /** The transport saw the upstream close the stream of our request `id` before its answer. */
  polling(id: RequestId, retryMs: number | undefined): void {
    this.pending.get(id)?.polled?.(retryMs);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    if (this.closedReason) return;
    const message = params === undefined ? { jsonrpc: '2.0' as const, method } : { jsonrpc: '2.0' as const, method, params };
    this.transport.send(message).catch(() => undefined);
  }

  close(): Promise<void> {
    this.fail('the connection was closed by toolgate');
    return this.transport.close();
  }

  /** Untrusted: every message comes from the upstream. */
  private receive(message: JSONRPCMessage): void {
    if ('method' in message) {
      if ('id' in message) void this.answer(message as JSONRPCRequest);
      else if (message.method === 'notifications/cancelled')
        this.incoming.get((message.params as { requestId?: RequestId } | undefined)?.requestId ?? '')?.abort();
      else {
        const ours = this.related?.takeNotification(message as JSONRPCNotification);
        this.handlers.notification(message as JSONRPCNotification, ours === undefined ? undefined : this.pending.get(ours)?.owner);
      }
      return;
    }
    const entry = this.pending.get(message.id as RequestId);
    if (!entry) return; // a late answer to a request that timed out or was cancelled
    traceStage('upstream answer parsed');
    this.forget(message.id as RequestId, entry);
    if ('error' in message) entry.reject(new UpstreamRpcError(rpcErrorOf(message.error)));
    else entry.resolve(message.result as Record<string, unknown>);
  }

  private async answer(request: JSONRPCRequest): Promise<void> {
    const controller = new AbortController();
    this.incoming.set(request.id, controller);
    const related = this.related?.take(request.id);
    const owner = related === undefined ? undefined : this.pending.get(related)?.owner;
    try {
      const result = await this.handlers.request(request, controller.signal, owner);
      if (!controller.signal.aborted) await this.transport.send({ jsonrpc: '2.0', id: request.id, result });
    } catch (err) {
      const error = err instanceof UpstreamRpcError ? err.rpcError : { code: -32603, message: (err as Error).message };
      if (!controller.signal.aborted) await this.transport.send({ jsonrpc: '2.0', id: request.id, error }).catch(() => undefined);
    } finally {
      this.incoming.delete(request.id);
    }
  }

  /** Gives up on a request the upstream was sent: it is told to cancel it, with the reason (MCP's notifications/cancelled). */
  private settle(id: RequestId, error: Error, reason: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.forget(id, entry);
    this.notify('notifications/cancelled', { requestId: id, reason });
    entry.reject(error);
  }

  private forget(id: RequestId, entry: Pending): void {
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (entry.abort) entry.signal?.removeEventListener('abort', entry.abort);
  }

  private fail(reason: string, cause?: unknown): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    this.closedCause = cause;
    for (const controller of this.incoming.values()) controller.abort();
    for (const [id, entry] of this.pending) {
      this.forget(id, entry);
      entry.reject(this.closedError());
    }
    this.handlers.closed();
  }

  private closedError(): UpstreamError {
    return new UpstreamError('upstream_closed', `upstream ${this.name}: ${this.closedReason}`, { cause: this.closedCause });
  }
}
