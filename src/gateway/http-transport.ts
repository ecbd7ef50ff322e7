// The server side of one Streamable HTTP session, as an SDK Transport. Each POST that carries
// requests stays open until they are answered, with one JSON body when the answers are ready before
// anything else must go out. It becomes an SSE stream (late-stream.ts decides when) if a message
// related to its requests must go first (progress, a sampling request) and the client accepts SSE,
// or, for a client that accepts SSE and speaks 2025-11-25 or later, if the answers are not ready
// within STREAM_AFTER_MS. Such a client's stream starts with a priming event (an id, a retry
// interval, no data), then the messages related to its requests and their answers, each with an
// event id, so that a dropped connection can be resumed with GET and Last-Event-ID (see
// event-log.ts for what is kept, and how long). When an upstream closes a request's stream to be
// polled, such a client's stream for it is started if need be and closed the same way. Other server
// messages use the GET stream.
import type { ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { HttpError } from '../http/index.js';
import { EventLog, RETAIN_MS, STANDALONE } from './event-log.js';
import { LateStream } from './late-stream.js';
import { duplicateIdAnswer } from './request-check.js';

/** How soon a client whose stream dropped should reconnect (the SSE `retry` field). */
const RETRY_MS = 1_000;

/** The first protocol revision whose clients understand priming events (SEP-1699). */
const PRIMING_SINCE = '2025-11-25';

const sseHeaders = (sessionId: string) => ({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'mcp-session-id': sessionId });

/** How a POST may be answered: `stream` if the client accepts SSE, `prime` if it also resumes streams (and so gets one when its answer is late). */
export interface Answering {
  stream: boolean;
  prime: boolean;
}

/** Whether a client of `protocolVersion` (a header or the initialize params: untrusted) understands priming events. */
export function primes(protocolVersion: unknown): boolean {
  return typeof protocolVersion === 'string' && /^\d{4}-\d\d-\d\d$/.test(protocolVersion) && protocolVersion >= PRIMING_SINCE;
}

/** One POST waiting for the answers to the requests it carried. */
class Exchange {
  private readonly answers: JSONRPCMessage[] = [];
  /** The SSE stream's number in the event log, once this POST is answered as a stream. */
  stream?: number;
  /** The client's connection; undefined while a dropped stream waits for the client to resume. */
  private res?: ServerResponse;
  private remaining: number;
  private readonly late: LateStream;

  constructor(
    res: ServerResponse,
    private readonly sessionId: string,
    private readonly batch: boolean,
    private readonly answering: Answering,
    private readonly log: EventLog,
    count: number,
  ) {
    this.remaining = count;
    this.late = new LateStream(() => this.startStream(), answering.prime);
    this.attach(res);
  }

  /** A message related to one of this POST's requests, before its answer. Returns false if it cannot be sent here. */
  related(message: JSONRPCMessage): boolean {
    if (!this.answering.stream || this.remaining === 0) return false;
    this.late.now();
    this.emit(message);
    return true;
  }

  /** An answer to one of the POST's requests. */
  answer(message: JSONRPCMessage): void {
    if (this.stream !== undefined) this.emit(message);
    else this.answers.push(message);
    if (--this.remaining === 0) this.finish();
  }

  /** One of the POST's requests was cancelled: it gets no answer, so it must not hold the POST open. */
  cancelled(): void {
    if (--this.remaining === 0) this.finish();
  }

  /**
   * The upstream closed its stream for one of these requests, to be polled: where the client can
   * resume, its stream (started now if the answer was still to come as JSON) closes too, after a
   * retry field (the upstream's hint, else ours); the rest waits in the event log for its GET with
   * Last-Event-ID.
   */
  poll(retryMs = RETRY_MS): void {
    if (!this.answering.prime || !this.res || this.remaining === 0) return;
    this.late.now();
    this.res.end(`retry: ${retryMs}\n\n`);
    this.res = undefined;
  }

  /** The client came back for this stream (its missed events were replayed on `res`). */
  resume(res: ServerResponse): void {
    if (this.res && !this.res.writableEnded) this.res.end();
    this.attach(res);
  }

  abandon(): void {
    this.late.settle();
    if (this.res && !this.res.writableEnded) this.res.destroy();
  }

  private attach(res: ServerResponse): void {
    this.res = res;
    res.on('close', () => {
      if (this.res !== res) return;
      this.res = undefined;
      // Gone before its stream started: the client has no event id to resume from, so none is started for it.
      this.late.settle();
    });
  }

  private startStream(): void {
    this.stream = this.log.open();
    if (this.res && !this.res.headersSent) this.res.writeHead(200, sseHeaders(this.sessionId));
    if (this.answering.prime) this.res?.write(`id: ${this.log.append(this.stream)}\nretry: ${RETRY_MS}\ndata: \n\n`);
    // Answers already given to other requests of this POST were waiting for a JSON body: they go first.
    for (const answer of this.answers.splice(0)) this.emit(answer);
  }

  private emit(message: JSONRPCMessage): void {
    // Serialised once: the event log keeps the text the client is sent (kept too while no client is connected).
    const data = JSON.stringify(message);
    const id = this.log.append(this.stream!, data);
    this.res?.write(sseEvent(data, id));
  }

  private finish(): void {
    this.late.settle();
    const res = this.res;
    if (this.stream !== undefined) {
      this.log.end(this.stream, res !== undefined);
      res?.end();
      return;
    }
    if (!res || res.writableEnded) return;
    if (this.answers.length > 0) {
      const body = JSON.stringify(this.batch ? this.answers : this.answers[0]);
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': this.sessionId }).end(body);
    } else res.writeHead(202, { 'mcp-session-id': this.sessionId }).end();
  }
}

export function sseEvent(message: JSONRPCMessage | string, id?: string): string {
  const data = typeof message === 'string' ? message : JSON.stringify(message);
  return `${id === undefined ? '' : `id: ${id}\n`}event: message\ndata: ${data}\n\n`;
}

export class HttpSessionTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly exchanges = new Map<RequestId, Exchange>();
  private readonly log = new EventLog();
  private standalone?: ServerResponse;
  /** Whether a GET stream was ever opened: only then are its events kept for a resume. */
  private standaloneResumable = false;
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
  receive(messages: JSONRPCMessage[], batch: boolean, res: ServerResponse, answering: Answering): void {
    const requests = messages.filter((m) => 'method' in m && 'id' in m) as { id: RequestId }[];
    const duplicates = new Set<unknown>();
    let exchange: Exchange | undefined;
    if (requests.length === 0) res.writeHead(202).end();
    else {
      exchange = new Exchange(res, this.sessionId, batch, answering, this.log, requests.length);
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

  /** Closes the stream that answers `requestId` for the client to poll (see Exchange.poll); nothing when it cannot resume. */
  closeSSEStream(requestId: RequestId, retryMs?: number): void {
    this.exchanges.get(requestId)?.poll(retryMs);
  }

  /**
   * A GET: the stream for messages not related to a request, or, with Last-Event-ID (untrusted), the
   * resumption of a stream whose connection dropped: its missed events, then the rest as it comes.
   */
  openStream(res: ServerResponse, lastEventId?: string): void {
    if (lastEventId === undefined) {
      this.attachStandalone(res, []);
      return;
    }
    const replay = this.log.after(lastEventId);
    if (!replay)
      throw new HttpError(
        'bad_request',
        `the events after ${JSON.stringify(lastEventId)} are not held (a stream is kept ${RETAIN_MS / 60_000} minutes after it ends)`,
      );
    if (replay.stream === STANDALONE) {
      this.attachStandalone(res, replay.events);
      return;
    }
    const live = [...this.exchanges.values()].find((e) => e.stream === replay.stream);
    // The stream ended and the client has all of it: 204 tells an SSE client not to reconnect.
    if (!live && replay.events.length === 0) {
      res.writeHead(204, { 'mcp-session-id': this.sessionId }).end();
      return;
    }
    res.writeHead(200, sseHeaders(this.sessionId));
    for (const e of replay.events) res.write(sseEvent(e.data, e.id));
    if (live) live.resume(res);
    else res.end();
  }

  private attachStandalone(res: ServerResponse, missed: { id: string; data: string }[]): void {
    if (this.standalone && !this.standalone.writableEnded) throw new HttpError('conflict', 'this session already has a GET stream');
    this.standalone = res;
    this.standaloneResumable = true;
    res.writeHead(200, sseHeaders(this.sessionId));
    for (const e of missed) res.write(sseEvent(e.data, e.id));
    res.flushHeaders();
    res.on('close', () => {
      if (this.standalone === res) this.standalone = undefined;
    });
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
    // Kept for a client that resumes its GET stream; with no GET stream ever opened it has nowhere to go (MCP allows dropping it).
    if (!this.standaloneResumable) return Promise.resolve();
    const data = JSON.stringify(message);
    const id = this.log.append(STANDALONE, data);
    this.standalone?.write(sseEvent(data, id));
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
