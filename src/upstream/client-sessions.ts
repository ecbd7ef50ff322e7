// The upstream sessions that belong to client sessions (`session: per-client`), one per client:
// opened once however many requests ask for it at the same time, forgotten when it closes on its
// own (the next request opens a new one), closed when the client session ends, never opened again
// for a client that ended (a call held past its client's end must not start a process).
import type { ClientSide as UpstreamClient, Connection } from './connection.js';
import { UpstreamError } from './errors.js';

export class ClientSessions {
  private readonly own = new Map<UpstreamClient, Promise<Connection>>();
  private readonly released = new WeakSet<UpstreamClient>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly name: string,
    private readonly open: (client: UpstreamClient) => Promise<Connection>,
  ) {}

  /** How many clients have a session here (opening or open). */
  get size(): number {
    return this.own.size;
  }

  /** The client's session, opened now if it has none. */
  of(client: UpstreamClient): Promise<Connection> {
    if (this.released.has(client)) return Promise.reject(new UpstreamError('upstream_not_sent', `upstream ${this.name}: the client session has ended`));
    let opening = this.own.get(client);
    if (!opening) {
      const mine = this.open(client);
      this.own.set(client, mine);
      mine.catch(() => this.forget(client, mine));
      opening = mine;
    }
    return opening;
  }

  /** The client's session if it has one; none is opened. */
  existing(client: UpstreamClient): Promise<Connection> | undefined {
    return this.own.get(client);
  }

  /** The session closed on its own: the client's next request opens a new one. */
  closed(client: UpstreamClient, connection: Connection): void {
    void this.own.get(client)?.then(
      (c) => c === connection && this.own.delete(client),
      () => undefined,
    );
  }

  /** The client session ended: its upstream session ends with it. */
  release(client: UpstreamClient): Promise<void> {
    this.released.add(client);
    const opening = this.own.get(client);
    if (!opening) return Promise.resolve();
    this.own.delete(client);
    const done = opening.then(
      (c) => c.close(),
      () => undefined,
    );
    this.closing.add(done);
    void done.finally(() => this.closing.delete(done));
    return done;
  }

  /** Close every session (toolgate stops); settles when they and those closing already are closed. */
  async closeAll(): Promise<void> {
    await Promise.all([...Array.from(this.own.keys(), (client) => this.release(client)), ...this.closing]);
  }

  private forget(client: UpstreamClient, opening: Promise<Connection>): void {
    if (this.own.get(client) === opening) this.own.delete(client);
  }
}
