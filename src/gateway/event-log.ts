// What one HTTP session sent on its SSE streams, kept so that a client whose connection dropped can
// come back with Last-Event-ID and get what it missed (MCP Streamable HTTP resumability). Bounded:
// a stream that ended is remembered for RETAIN_MS, the session's last MAX_STREAMS streams at most,
// and MAX_BYTES of event data in all (the oldest events go first). A stream whose client was
// connected when it ended keeps no data: the client already has every event.
export const RETAIN_MS = 5 * 60_000;
export const MAX_STREAMS = 1_000;
export const MAX_BYTES = 4 * 1024 * 1024;

/** The session's GET stream: messages not related to a request. */
export const STANDALONE = 0;

interface Event {
  seq: number;
  data: string;
  at: number;
}

interface Stream {
  events: Event[];
  /** The highest sequence number evicted: a resume from before it would miss events. */
  dropped: number;
  endedAt?: number;
}

export interface Replay {
  stream: number;
  events: { id: string; data: string }[];
  ended: boolean;
}

export class EventLog {
  private readonly streams = new Map<number, Stream>([[STANDALONE, { events: [], dropped: 0 }]]);
  private seq = 0;
  private nextStream = STANDALONE + 1;
  private bytes = 0;

  /** A new stream for one POST's answers. */
  open(): number {
    this.prune(Date.now());
    const n = this.nextStream++;
    this.streams.set(n, { events: [], dropped: 0 });
    return n;
  }

  /** Records an event (a message as sent, or '' for the priming event) and returns its id. */
  append(stream: number, data = ''): string {
    const seq = ++this.seq;
    const s = this.streams.get(stream);
    if (s && s.endedAt === undefined) {
      s.events.push({ seq, data, at: Date.now() });
      this.bytes += data.length;
      if (this.bytes > MAX_BYTES) this.evict();
    }
    return `${stream}-${seq}`;
  }

  /** The stream sent its last event; `delivered` when its client was connected to receive it. */
  end(stream: number, delivered: boolean): void {
    const s = this.streams.get(stream);
    if (!s) return;
    s.endedAt = Date.now();
    if (delivered) this.discard(s);
  }

  /** Untrusted: `lastEventId` comes from a client header. Undefined when those events are not held. */
  after(lastEventId: string): Replay | undefined {
    const match = /^(\d{1,15})-(\d{1,15})$/.exec(lastEventId);
    if (!match) return undefined;
    const stream = Number(match[1]);
    const last = Number(match[2]);
    if (stream === STANDALONE) this.expireStandalone(Date.now());
    const s = this.streams.get(stream);
    if (!s || s.dropped > last || last > this.seq) return undefined;
    const events = s.events.filter((e) => e.seq > last && e.data !== '').map((e) => ({ id: `${stream}-${e.seq}`, data: e.data }));
    return { stream, events, ended: s.endedAt !== undefined };
  }

  private discard(s: Stream): void {
    for (const e of s.events) this.bytes -= e.data.length;
    s.events = [];
  }

  /** Forgets ended streams past their time, or the oldest ended ones past the count. */
  private prune(now: number): void {
    const cutoff = now - RETAIN_MS;
    for (const [n, s] of this.streams) {
      if (s.endedAt === undefined) continue;
      if (s.endedAt >= cutoff && this.streams.size <= MAX_STREAMS) break;
      this.discard(s);
      this.streams.delete(n);
    }
    this.expireStandalone(now);
  }

  private expireStandalone(now: number): void {
    const s = this.streams.get(STANDALONE)!;
    while (s.events.length > 0 && s.events[0]!.at < now - RETAIN_MS) this.drop(s);
  }

  /** Over MAX_BYTES: the oldest events go, stream by stream in the order they opened. */
  private evict(): void {
    for (const s of this.streams.values()) {
      while (s.events.length > 0 && this.bytes > MAX_BYTES) this.drop(s);
      if (this.bytes <= MAX_BYTES) return;
    }
  }

  private drop(s: Stream): void {
    const e = s.events.shift()!;
    this.bytes -= e.data.length;
    s.dropped = e.seq;
  }
}
