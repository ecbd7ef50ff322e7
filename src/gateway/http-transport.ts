// The server side of one Streamable HTTP session, as an SDK Transport. Each POST that carries
// requests stays open until they are answered; it is answered as plain JSON unless something
// related to it (progress, a sampling request) must go out first, in which case it becomes an
// SSE stream. Other server messages use the session's GET stream.
import type { ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { duplicateIdAnswer } from './request-check.js';

/** One POST waiting for the answers to the requests it carried. */
class Exchange {
  private readonly answers: JSONRPCMessage[] = [];
  private streaming = false;
  private remaining: number;

  constructor(
    private readonly res: ServerResponse,
    private readonly sessionId: string,
    private readonly batch: boolean,
    private readonly canStream: boolean,
    count: number,
  ) {
    this.remaining = count;
  }

  /** A message related to one of this POST's requests, before its answer. Returns false if it cannot be sent here. */
  related(message: JSONRPCMessage): boolean {
    if (!this.canStream || this.res.writableEnded) return false;
    if (!this.streaming) {
      this.streaming = true;
      this.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': this.sessionId });
      // Answers already given to other requests of this POST were waiting for a JSON body: they go first.
      for (const answer of this.answers.splice(0)) this.res.write(sseEvent(answer));
    }
    this.res.write(sseEvent(message));
    return true;
  }

  /** An answer to one of the POST's requests. */
  answer(message: JSONRPCMessage): void {
    if (this.streaming) this.res.write(sseEvent(message));
    else this.answers.push(message);
    if (--this.remaining === 0) this.finish();
  }

  /** One of the POST's requests was cancelled: it gets no answer, so it must not hold the POST open. */
  cancelled(): void {
    if (--this.remaining === 0) this.finish();
  }

  private finish(): void {
    if (this.res.writableEnded) return;
    if (this.streaming) this.res.end();
    else if (this.answers.length > 0) {
      const body = JSON.stringify(this.batch ? this.answers : this.answers[0]);
      this.res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': this.sessionId }).end(body);
    } else this.res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
  }

  abandon(): void {
    if (!this.res.writableEnded) this.res.destroy();
  }
}

export function sseEvent(message: JSONRPCMessage): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

export class HttpSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly exchanges = new Map<RequestId, Exchange>();
  private standalone?: ServerResponse;
  private closed = false;

  constructor(readonly sessionId: string) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Whether a request is being answered or a GET stream is open: such a session is not idle. */
  get busy(): boolean {
    return this.exchanges.size > 0 || (this.standalone !== undefined && !this.standalone.writableEnded);
  }

  /**
   * Untrusted: `messages` were only checked to be JSON-RPC shaped. Answers are routed by request id,
   * so a request whose id is already in progress in this session (in this POST or an earlier one)
   * is answered here with an error and goes no further.
   */
  receive(messages: JSONRPCMessage[], batch: boolean, res: ServerResponse, canStream: boolean): void {
    const requests = messages.filter((m) => 'method' in m && 'id' in m) as { id: RequestId }[];
    const duplicates = new Set<unknown>();
    let exchange: Exchange | undefined;
    if (requests.length === 0) res.writeHead(202).end();
    else {
      exchange = new Exchange(res, this.sessionId, batch, canStream, requests.length);
      for (const r of requests) {
        if (this.exchanges.has(r.id)) duplicates.add(r);
        else this.exchanges.set(r.id, exchange);
      }
    }
    for (const message of messages) {
      if (duplicates.has(message)) {
        exchange!.answer(duplicateIdAnswer((message as { id: RequestId }).id) as JSONRPCMessage);
        continue;
      }
      this.onmessage?.(message);
      if ((message as { method?: string }).method === 'notifications/cancelled')
        this.release((message as { params?: { requestId?: RequestId } }).params?.requestId);
    }
  }

  private release(requestId: RequestId | undefined): void {
    const exchange = requestId === undefined ? undefined : this.exchanges.get(requestId);
    if (!exchange) return;
    this.exchanges.delete(requestId!);
    exchange.cancelled();
  }

  /** The GET stream for messages not related to a request; false when one is already open. */
  openStream(res: ServerResponse): boolean {
    if (this.standalone && !this.standalone.writableEnded) return false;
    this.standalone = res;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': this.sessionId });
    res.flushHeaders();
    res.on('close', () => {
      if (this.standalone === res) this.standalone = undefined;
    });
    return true;
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if ('id' in message && !('method' in message)) {
      const exchange = this.exchanges.get(message.id as RequestId);
      if (exchange) {
        this.exchanges.delete(message.id as RequestId);
        exchange.answer(message);
      }
      return Promise.resolve();
    }
    const related = options?.relatedRequestId;
    if (related !== undefined && this.exchanges.get(related)?.related(message)) return Promise.resolve();
    if (this.standalone) this.standalone.write(sseEvent(message));
    // With no stream open the message has nowhere to go: MCP allows dropping it.
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const exchange of new Set(this.exchanges.values())) exchange.abandon();
    this.exchanges.clear();
    this.standalone?.end();
    this.onclose?.();
    return Promise.resolve();
  }
}
