// How a 2026-07-28 request is answered on its POST (the revision's Streamable HTTP, "Receiving
// Messages"): one JSON body, unless notifications relate to the request first (progress, an
// upstream's messages about the call) and the client accepts SSE; then the response becomes an SSE
// stream scoped to the request, carrying those notifications and, last, the response, which ends it.
// The choice is late-stream.ts's, as for a 2025-11-25 POST, without its deadline: the revision has
// no resumption, so a late answer gains nothing from a stream.
// A client that accepts JSON alone gets the response without them. subscriptions/listen streams
// (listen.ts) write their events the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage, JSONRPCNotification } from '@modelcontextprotocol/sdk/types.js';
import { sendJson } from '../http/index.js';
import { LateStream } from './late-stream.js';

/** The headers an SSE response starts with: no caching, and no buffering by reverse proxies (the revision's SHOULD). */
export const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };

/** One JSON-RPC message as an SSE event. */
export function sseEvent(message: unknown): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

export class RequestReply {
  private readonly late = new LateStream(() => this.res.writeHead(200, SSE_HEADERS), false);
  private readonly streams: boolean;

  constructor(
    req: IncomingMessage,
    readonly res: ServerResponse,
  ) {
    const accept = req.headers.accept ?? '';
    this.streams = accept.includes('text/event-stream') || accept.includes('*/*');
  }

  /** A notification related to the request: the first turns the response into a stream (when the client takes one). */
  notify(notification: JSONRPCNotification): void {
    if (!this.streams || this.res.writableEnded || this.res.destroyed) return;
    this.late.now();
    this.res.write(sseEvent(notification));
  }

  /** The response: a JSON body with `status`, or the stream's last event (its HTTP status was sent with its first). */
  send(status: number, message: JSONRPCMessage | Record<string, unknown>): void {
    if (!this.late.started) sendJson(this.res, status, message);
    else if (!this.res.writableEnded) this.res.end(sseEvent(message));
  }
}
