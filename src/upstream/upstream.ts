// One upstream MCP server: its shared connection, its lifecycle (start, crash, hang, restart with
// backoff) and its tool list; with `session: per-client`, also one upstream session per client
// session. Messages the upstream starts are handed to the gateway through UpstreamEvents, with the
// client whose session sent them; nothing here knows more of client sessions than what they declared.
// Why an upstream is down is told in two places: `lastError`, which reaches clients and receipts, is
// a fixed description with an error id; the log line with the same id holds the details (the error,
// the upstream's stderr), which may hold anything the upstream printed, credentials included.
import type { JSONRPCNotification, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { parseDuration } from '../core/duration.js';
import type { UpstreamConfig } from '../config/index.js';
import { isStdioUpstream } from '../config/index.js';
import { logFault, type Logger } from '../log.js';
import { ClientSessions } from './client-sessions.js';
import { type ClientSide, Connection, routedSide, type ServerSide } from './connection.js';
import { UpstreamError } from './errors.js';
import { discover, ModernConnection } from './modern-connection.js';
import type { PeerHandlers } from './peer.js';

/** A tool as the upstream declared it. Untrusted: only `name` is relied upon. */
export type UpstreamTool = Record<string, unknown> & { name: string };

/**
 * A client session as an upstream sees it with `session: per-client`: what it declared when it
 * initialized. The object itself names the client: its upstream session is kept under it.
 */
export type UpstreamClient = ClientSide;

/** Where a message the upstream started came from: a client's own upstream session, and the request it relates to when the transport tells. */
export interface Source {
  /** The client whose own upstream session sent it; absent on the shared one. */
  client?: UpstreamClient;
  /** The `owner` given with the request of ours that it belongs to, for a request or a notification on that request's stream (Streamable HTTP only). */
  owner?: unknown;
}

/** Whose request a forwarded one is: the client (its own session with per-client) and an owner handed back with related upstream requests. */
export interface Via {
  client?: UpstreamClient;
  owner?: unknown;
  /** The upstream closed the request's stream to be polled (Streamable HTTP, SEP-1699); toolgate resumes it by itself. */
  polled?: (retryMs: number | undefined) => void;
}

export interface UpstreamEvents {
  notification(upstream: Upstream, message: JSONRPCNotification, source: Source): void;
  request(upstream: Upstream, message: JSONRPCRequest, signal: AbortSignal, source: Source): Promise<Record<string, unknown>>;
  /** The tool list changed, or the upstream went down or came back. */
  toolsChanged(upstream: Upstream): void;
  /** The upstream (re)started: state the clients set on the old connection must be set again. */
  connected(upstream: Upstream): void;
}

export type UpstreamState = 'starting' | 'ready' | 'down' | 'stopped';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
const PROBE_MS = 5_000;
const CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
/** The shared session declares all of them: whichever client a request is for, toolgate can route it (docs/gateway.md). */
const SHARED_SIDE: ClientSide = {
  capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {}, url: {} } },
  clientInfo: CLIENT_INFO,
};

export class Upstream {
  state: UpstreamState = 'starting';
  /** Why the upstream is down, in words for the client: a fixed description and an error id, never upstream text. */
  lastError = 'not started yet';
  capabilities: Record<string, unknown> = {};
  /** The instructions the upstream gave at initialize, passed on to clients. Untrusted text. */
  instructions?: string;
  tools: UpstreamTool[] = [];
  readonly timeoutMs: number;
  readonly prefix: string;
  /** Each client session gets an upstream session of its own (`session: per-client`). */
  readonly perClient: boolean;

  /** The shared connection: every request without a client of its own, and the tool list; a 2026-07-28 upstream's only one. */
  private connection?: Connection | ModernConnection;
  /** Per-client upstream sessions, opened at the client's first request here, closed with it. */
  private readonly own: ClientSessions;
  private backoffMs = BACKOFF_MIN_MS;
  private restartTimer?: NodeJS.Timeout;
  private readonly probing = new WeakSet<Connection>();
  /** The current connection was closed by the probe: it stopped answering. */
  private hung = false;

  constructor(
    readonly name: string,
    readonly config: UpstreamConfig,
    private readonly events: UpstreamEvents,
    private readonly log: Logger,
  ) {
    this.timeoutMs = parseDuration(config.timeout);
    this.prefix = config.prefix ?? `${name}__`;
    this.perClient = config.session === 'per-client';
    this.own = new ClientSessions(name, (client) => this.openOwn(client));
  }

  /** Connect once; on failure the upstream is marked down and retried in the background. */
  async start(): Promise<void> {
    this.state = 'starting';
    this.hung = false;
    this.connection = undefined;
    let connection: Connection | ModernConnection;
    try {
      const opened = await this.open();
      connection = opened.connection;
      const server = opened.server;
      this.capabilities = server.capabilities;
      this.instructions = server.instructions;
      await this.refreshTools(connection);
      // Without the stream the upstream works, but its list changes go unheard until it restarts.
      if (connection instanceof ModernConnection)
        await connection
          .listen()
          .catch((err: Error) => this.log.warn({ upstream: this.name, err: err.message }, 'subscriptions/listen failed: list changes will go unheard'));
    } catch (err) {
      // Closing the connection schedules the restart; a start that got no connection schedules it here.
      const opened = this.connection as Connection | ModernConnection | undefined;
      this.lastError = this.fault('failed to start', 'upstream failed to start', err, opened);
      if (opened) await opened.close();
      else this.scheduleRestart();
      return;
    }
    this.state = 'ready';
    this.lastError = '';
    this.log.info({ upstream: this.name, tools: this.tools.length }, 'upstream ready');
    setTimeout(() => {
      if (this.connection === connection && this.state === 'ready') this.backoffMs = BACKOFF_MIN_MS;
    }, BACKOFF_MAX_MS).unref();
    this.events.connected(this);
    this.events.toolsChanged(this);
  }

  /**
   * Forward a request; refused at once (never queued) while the upstream is not ready. With
   * `session: per-client` a request of a client goes to that client's own upstream session, opened
   * now if it is the client's first.
   */
  async request(method: string, params: Record<string, unknown> | undefined, signal?: AbortSignal, via: Via = {}): Promise<Record<string, unknown>> {
    if (this.state !== 'ready' || !this.connection) {
      throw new UpstreamError('upstream_unavailable', `upstream ${this.name} is unavailable (${this.lastError}); toolgate is retrying it`);
    }
    if (signal?.aborted) throw new UpstreamError('upstream_not_sent', `upstream ${this.name}: request cancelled before it was sent`);
    const options = { timeoutMs: this.timeoutMs, signal, owner: via.owner, polled: via.polled };
    // A 2026-07-28 upstream has no sessions: each request carries its client's envelope instead.
    if (this.connection instanceof ModernConnection) return this.connection.request(method, params, { ...options, client: via.client });
    const connection = this.perClient && via.client ? await this.own.of(via.client) : this.connection;
    return connection.peer.request(method, params, options);
  }

  /** The revision this upstream is spoken to in, once started. */
  get protocol(): '2025-11-25' | '2026-07-28' {
    return this.connection instanceof ModernConnection ? '2026-07-28' : '2025-11-25';
  }

  /** Pass a client's notification on: to its own session (per-client, when open), else the shared one; dropped while not ready. */
  notify(method: string, params?: Record<string, unknown>, client?: UpstreamClient): void {
    if (this.state !== 'ready' || this.connection instanceof ModernConnection) return;
    if (!this.perClient || !client) return void this.connection?.peer.notify(method, params);
    void this.own.existing(client)?.then(
      (c) => c.peer.notify(method, params),
      () => undefined,
    );
  }

  /** The client session ended: its own upstream session ends with it (its process, with everything it started). */
  release(client: UpstreamClient): Promise<void> {
    return this.own.release(client);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.restartTimer);
    await Promise.all([this.own.closeAll(), this.connection?.close()]);
  }

  /**
   * The shared connection, in the revision the config names; with `auto` (HTTP), 2026-07-28 when the
   * server answers server/discover with it, else 2025-11-25 (initialize).
   */
  private async open(): Promise<{ connection: Connection | ModernConnection; server: ServerSide }> {
    const protocol = isStdioUpstream(this.config) ? '2025-11-25' : this.config.protocol;
    if (!isStdioUpstream(this.config) && protocol !== '2025-11-25') {
      const discovered = await discover(this.name, this.config, this.timeoutMs);
      if (discovered) {
        const connection: ModernConnection = new ModernConnection(
          this.name,
          this.config,
          discovered,
          SHARED_SIDE,
          this.handlersOf(
            () => connection,
            {},
            () => this.onClosed(connection),
          ),
        );
        this.connection = connection;
        return { connection, server: connection.server() };
      }
      if (protocol === '2026-07-28')
        throw new UpstreamError('upstream_start_failed', `upstream ${this.name} does not offer protocol 2026-07-28 (server/discover)`);
    }
    const connection: Connection = this.connect({}, { closed: () => this.onClosed(connection) });
    this.connection = connection;
    return { connection, server: await connection.open(SHARED_SIDE, this.timeoutMs) };
  }

  /** A connection whose messages come to this upstream's events; `source` says whose session it is. */
  private connect(source: Source, handlers: Pick<PeerHandlers, 'closed'>): Connection {
    const connection: Connection = new Connection(
      this.name,
      this.config,
      this.handlersOf(() => connection, source, handlers.closed),
      this.log,
    );
    return connection;
  }

  private handlersOf(connection: () => Connection | ModernConnection, source: Source, closed: () => void): PeerHandlers {
    return {
      notification: (message, owner) => this.onNotification(connection(), message, { ...source, owner }),
      request: (message, signal, owner) => this.events.request(this, message, signal, { ...source, owner }),
      closed,
      timedOut: () => {
        const c = connection();
        if (c instanceof Connection) void this.probe(c);
      },
    };
  }

  /** The client's own session declares what the client declared of what toolgate routes, and the client's name. */
  private async openOwn(client: UpstreamClient): Promise<Connection> {
    const connection: Connection = this.connect(
      { client },
      {
        closed: () => {
          connection.dispose();
          this.own.closed(client, connection);
        },
      },
    );
    try {
      await connection.open(routedSide(client), this.timeoutMs);
    } catch (err) {
      const why = this.fault('could not open an upstream session for this client', 'upstream session for a client failed to open', err, connection);
      await connection.close();
      throw new UpstreamError('upstream_unavailable', `upstream ${this.name}: ${why}`);
    }
    return connection;
  }

  private async refreshTools(connection: Connection | ModernConnection): Promise<void> {
    if (!this.capabilities.tools) {
      this.tools = [];
      return;
    }
    const tools: UpstreamTool[] = [];
    let cursor: unknown;
    do {
      const params = cursor === undefined ? {} : { cursor };
      const options = { timeoutMs: this.timeoutMs };
      const page =
        connection instanceof ModernConnection
          ? await connection.request('tools/list', params, options)
          : await connection.peer.request('tools/list', params, options);
      for (const tool of Array.isArray(page.tools) ? page.tools : []) {
        if (tool && typeof tool === 'object' && typeof (tool as UpstreamTool).name === 'string') tools.push(tool as UpstreamTool);
      }
      cursor = page.nextCursor;
    } while (typeof cursor === 'string' && cursor !== '');
    this.tools = tools;
  }

  /**
   * Any session's tools/list_changed lists the tools again on that session: the catalog and pins are
   * one per upstream, so a client's session that lists other tools than the pinned ones is drift.
   */
  private onNotification(connection: Connection | ModernConnection, message: JSONRPCNotification, source: Source): void {
    if (message.method === 'notifications/tools/list_changed') {
      this.refreshTools(connection).then(
        () => this.events.toolsChanged(this),
        (err: Error) => this.log.warn({ upstream: this.name, err: err.message }, 'refreshing the tool list failed'),
      );
      return;
    }
    this.events.notification(this, message, source);
  }

  /** After a timeout: a session that does not answer a ping either is hung and is closed (the shared one is then restarted). */
  private async probe(connection: Connection): Promise<void> {
    if (this.probing.has(connection) || !connection.peer.isOpen) return;
    this.probing.add(connection);
    try {
      await connection.peer.request('ping', undefined, { timeoutMs: Math.min(this.timeoutMs, PROBE_MS) });
    } catch {
      if (connection.peer.isOpen) {
        if (connection === this.connection) {
          this.hung = true;
          this.lastError = this.fault('it stopped answering', 'upstream does not answer ping: restarting it', undefined, connection);
        }
        await connection.peer.close().catch(() => undefined);
      }
    } finally {
      this.probing.delete(connection);
    }
  }

  private onClosed(connection: Connection | ModernConnection): void {
    connection.dispose();
    if (this.connection !== connection || this.state === 'stopped') return;
    const wasReady = this.state === 'ready';
    this.state = 'down';
    if (wasReady) {
      if (!this.hung) this.lastError = this.fault('it exited or closed the connection', 'upstream went down', undefined, connection);
      this.events.toolsChanged(this);
    }
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.restartTimer = setTimeout(() => {
      if (this.state !== 'stopped') void this.start();
    }, delay);
    this.restartTimer.unref();
  }

  /**
   * Logs a fault with its details under a new error id: the error with every cause under it (fetch
   * failed <- connect ECONNREFUSED 127.0.0.1:9), the URL of an HTTP upstream, a stdio upstream's last
   * stderr lines. Returns the description clients and receipts get, which holds none of them.
   */
  private fault(description: string, message: string, err: unknown, connection?: Connection | ModernConnection): string {
    const stderr = connection?.stderr;
    const url = isStdioUpstream(this.config) ? undefined : this.config.url;
    const detail = { upstream: this.name, ...(url ? { url } : {}), ...(err ? { err: causeChain(err) } : {}), ...(stderr ? { stderr } : {}) };
    const errorId = logFault(this.log, detail, message, 'warn');
    return `${description} (error ${errorId}; the gateway log has the details)`;
  }
}

/** An error and its causes on one line: Node's fetch hides the useful part (ECONNREFUSED) in `cause`. */
function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- ');
}
