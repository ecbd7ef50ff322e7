// When a POST's answer becomes an SSE stream, for both protocol eras: MCP lets a server answer a
// request with one JSON object or a stream (Streamable HTTP, "Sending Messages to the Server"), and
// one JSON body is the cheaper answer (one write, nothing kept). So an answer is JSON unless the
// stream is needed: something related to the request must go out before it (progress, a sampling or
// elicitation request, a log message), or, for a client that can resume a stream (2025-11-25 with
// priming events; the 2026-07-28 revision has no resumption), the answer is not ready within
// STREAM_AFTER_MS, so that a long call (a held one, a slow tool) gets event ids to resume from.

/**
 * How long an answer may take before a resumable client's POST becomes a stream. Long enough that a
 * quick call never needs one: the gateway's own work is about a millisecond and most tool calls
 * (a local tool, an API round trip) answer well within a second. Short enough that a dropped
 * connection is rarely unresumable: only a drop within this first second of a call loses its answer
 * (the client has no event id yet, as before any stream's first event), a call of ten seconds is
 * resumable for 90% of its life, a hold of minutes for nearly all of it. It also matches the
 * reconnection interval (RETRY_MS) such a client is told to wait.
 */
export const STREAM_AFTER_MS = 1_000;

/** One answer's choice between a JSON body and a stream, made at most once. */
export class LateStream {
  /** Whether the answer became a stream. */
  started = false;
  private deadline?: NodeJS.Timeout;

  /** `start` turns the answer into a stream; `resumable` starts it at STREAM_AFTER_MS too, unless settled first. */
  constructor(
    private readonly start: () => void,
    resumable: boolean,
  ) {
    if (resumable) this.deadline = setTimeout(() => this.now(), STREAM_AFTER_MS);
  }

  /** Something must go out before the answer: the stream starts now, if it has not. */
  now(): void {
    if (this.started) return;
    this.settle();
    this.started = true;
    this.start();
  }

  /** The answer went out, or nobody is there to receive a stream: the deadline no longer applies. */
  settle(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }
}
