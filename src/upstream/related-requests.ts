// Which of toolgate's requests an HTTP upstream's own request (sampling, elicitation, roots) belongs
// to. Streamable HTTP sends the messages related to a request on the SSE stream that answers its
// POST, but the SDK's client transport hands every message over alike; the fetch given to it here
// watches those streams and notes, for each upstream request on one, the id of the request whose
// POST it answers, and for each notification on one (log messages, progress) that request too, by
// the notification's canonical JSON, since a notification has no id to note it by. (stdio carries
// no such association: the upstream's server SDK drops it there.)
// It also tells when the upstream closes such a stream before the answer, after an event id: the
// upstream switched that request to polling (SEP-1699), and the SDK resumes it with Last-Event-ID.
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCNotification, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { canonicalJson } from '../core/canonical-json.js';

/** Notifications noted and not yet taken (the SDK dropped them, say) are forgotten beyond this many. */
const MAX_NOTED_NOTIFICATIONS = 1_000;

export class RelatedRequests {
  /** Upstream request id -> the id of ours it relates to; taken when the request is received. */
  private readonly related = new Map<RequestId, RequestId>();
  /** A notification's canonical JSON -> the ids of ours whose streams carried it, oldest first; taken when it is received. */
  private readonly notified = new Map<string, RequestId[]>();

  /** The upstream closed the stream of our request `ours` before answering it, with this retry hint (ms) if it gave one. */
  onpolling?: (ours: RequestId, retryMs: number | undefined) => void;

  /** The request of ours that the upstream's request `id` came with, if its stream said so. */
  take(id: RequestId): RequestId | undefined {
    const ours = this.related.get(id);
    this.related.delete(id);
    return ours;
  }

  /** The request of ours whose stream carried `notification`, if one did. */
  takeNotification(notification: JSONRPCNotification): RequestId | undefined {
    if (this.notified.size === 0) return undefined;
    const key = canonicalJson(notification) ?? '';
    const ours = this.notified.get(key);
    const first = ours?.shift();
    if (ours?.length === 0) this.notified.delete(key);
    return first;
  }

  readonly fetch: FetchLike = async (url, init) => {
    const response = await fetch(url, init);
    if (init?.method !== 'POST' || !response.body || !response.headers.get('content-type')?.includes('text/event-stream')) return response;
    const ours = requestIdOf(init.body);
    if (ours === undefined) return response;
    return new Response(response.body.pipeThrough(this.watch(ours)), { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  /** Passes the stream on unchanged, noting each upstream request in it (before the SDK parses it), and whether it ends unanswered. */
  private watch(ours: RequestId): TransformStream<Uint8Array, Uint8Array> {
    const decoder = new TextDecoder();
    let pending = '';
    let data: string[] = [];
    let resumable = false;
    let answered = false;
    let retryMs: number | undefined;
    return new TransformStream({
      transform: (chunk, controller) => {
        pending += decoder.decode(chunk, { stream: true });
        let end = pending.search(/\r?\n|\r/);
        while (end >= 0) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + (pending.startsWith('\r\n', end) ? 2 : 1));
          if (line === '') {
            answered ||= this.note(data.join('\n'), ours);
            data = [];
          } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
          else if (line.startsWith('id:')) resumable = true;
          else if (/^retry: ?\d+$/.test(line)) retryMs = Number(line.slice(6).trim());
          end = pending.search(/\r?\n|\r/);
        }
        controller.enqueue(chunk);
      },
      // The upstream ended the stream (not a dropped connection, which errors instead).
      flush: () => {
        if (resumable && !answered) this.onpolling?.(ours, retryMs);
      },
    });
  }

  /**
   * Untrusted: an event's data from the upstream. Requests (a method and an id) are noted. Returns
   * whether it is the answer: a message with no "method" anywhere is a response, and the only one a
   * POST's stream carries is to its request (so the hot path parses nothing more than before).
   */
  private note(data: string, ours: RequestId): boolean {
    if (data === '') return false;
    if (!data.includes('"method"')) return true;
    try {
      const message = JSON.parse(data) as { method?: unknown; id?: unknown };
      if (typeof message.method !== 'string') return message.id === ours;
      if (typeof message.id === 'string' || typeof message.id === 'number') this.related.set(message.id, ours);
      else this.noteNotification(canonicalJson(message) ?? '', ours);
    } catch {
      // not JSON: the SDK reports it
    }
    return false;
  }

  /** Bounded: beyond the limit, the notification noted first and never taken is forgotten. */
  private noteNotification(key: string, ours: RequestId): void {
    const noted = this.notified.get(key);
    if (noted) noted.push(ours);
    else this.notified.set(key, [ours]);
    if (this.notified.size > MAX_NOTED_NOTIFICATIONS) this.notified.delete(this.notified.keys().next().value!);
  }
}

/** The id of the one request a POST body carries (toolgate sends one message per POST). */
function requestIdOf(body: unknown): RequestId | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = JSON.parse(body) as { method?: unknown; id?: unknown };
    return typeof message.method === 'string' && (typeof message.id === 'string' || typeof message.id === 'number') ? message.id : undefined;
  } catch {
    return undefined;
  }
}
