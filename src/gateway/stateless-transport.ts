// The transport of a 2026-07-28 client's internal session (era-2026.ts): the gateway's session code
// sees a 2025-11-25 client on it, while each request comes from a POST of its own and is answered to
// that POST, under an id of the transport's (stateless clients reuse ids freely). What the session
// sends besides answers goes where this revision lets it go: requests to the client become
// input-required results (input-required.ts) during the requests that may answer so, notifications
// related to a request go on that request's response (era-2026-reply.ts), and the others (list
// changes, resource updates) to the subscriptions/listen streams served through the session.
import type { ServerResponse } from 'node:http';
import { ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type JSONRPCNotification, type JSONRPCRequest, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { MODERN_REVISION } from './era-2026-envelope.js';
import type { Dispatcher, InternalRequest } from './input-required.js';

type Notes = (notification: JSONRPCNotification) => void;

interface Waiting {
  resolve: (answer: JSONRPCMessage | undefined) => void;
  asks?: (ask: JSONRPCRequest) => void;
  /** Where the request's notifications go now: the response of the POST waiting on it, if any. */
  notes?: Notes;
}

export class StatelessTransport implements Transport, Dispatcher {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly waiting = new Map<RequestId, Waiting>();
  private next = 0;
  /** The open subscriptions/listen streams served through this session (listen.ts). */
  readonly listeners = new Set<Notes>();

  start(): Promise<void> {
    return Promise.resolve();
  }

  get busy(): boolean {
    return this.waiting.size > 0 || this.listeners.size > 0;
  }

  /** The answer to `request`, its notifications to `notes`; undefined when the client went away first (the request is then cancelled). */
  request(request: JSONRPCRequest, res?: ServerResponse, notes?: Notes): Promise<JSONRPCMessage | undefined> {
    const started = this.begin(request);
    started.relay(notes);
    res?.once('close', () => started.cancel('the client went away'));
    return started.answer;
  }

  /** `request` under an id of the transport's; the server's requests made while it runs go to `asks` (without it they are refused). */
  begin(request: JSONRPCRequest, asks?: (ask: JSONRPCRequest) => void): InternalRequest {
    const id = ++this.next;
    const answer = new Promise<JSONRPCMessage | undefined>((resolve) => this.waiting.set(id, { resolve, asks }));
    this.onmessage?.({ ...request, id });
    return {
      answer,
      cancel: (reason) => this.end(id, undefined, reason),
      reply: (message) => this.onmessage?.(message),
      relay: (notes) => {
        const waiting = this.waiting.get(id);
        if (waiting) waiting.notes = notes;
      },
    };
  }

  /**
   * The upstream asked the client for `capability` during `requestId`, and the client did not declare
   * it: the request ends in the revision's MissingRequiredClientCapability error naming it, and is
   * cancelled (the upstream's own request is refused where it came, upstream-messages.ts).
   */
  missingCapability(requestId: RequestId, capability: string): void {
    const message = `Missing required client capability: the upstream asked for ${capability}, which the request did not declare`;
    const error = { code: ProtocolErrorCode.MissingRequiredClientCapability, message, data: { requiredCapabilities: { [capability]: {} } } };
    this.end(requestId, { jsonrpc: '2.0', id: requestId, error }, `the client did not declare ${capability}`);
  }

  /** Ends a request still waiting with `answer` (undefined: none) and cancels it on the session. */
  private end(id: RequestId, answer: JSONRPCMessage | undefined, reason: string): void {
    const waiting = this.waiting.get(id);
    if (!waiting || !this.waiting.delete(id)) return;
    waiting.resolve(answer);
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason } });
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const related = options?.relatedRequestId;
    if ('id' in message && !('method' in message)) {
      const waiting = this.waiting.get(message.id as RequestId);
      this.waiting.delete(message.id as RequestId);
      waiting?.resolve(message);
    } else if ('id' in message) {
      // A request to the client (sampling, elicitation, roots): this revision asks for input with an
      // input-required result, which only tools/call, prompts/get and resources/read may answer.
      const asks = related === undefined ? undefined : this.waiting.get(related)?.asks;
      if (asks) asks(message as JSONRPCRequest);
      else {
        const error = {
          code: ErrorCode.MethodNotFound,
          message: `not available to ${MODERN_REVISION} clients during ${related === undefined ? 'no request' : 'this request'}`,
        };
        queueMicrotask(() => this.onmessage?.({ jsonrpc: '2.0', id: message.id, error }));
      }
    } else if (related === undefined) for (const listener of this.listeners) listener(message as JSONRPCNotification);
    else this.waiting.get(related)?.notes?.(message as JSONRPCNotification);
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const { resolve } of this.waiting.values()) resolve(undefined);
    this.waiting.clear();
    this.onclose?.();
    return Promise.resolve();
  }
}
