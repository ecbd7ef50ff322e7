// One upstream MCP server: a single shared connection, its lifecycle (start, crash, hang, restart
// with backoff) and its tool list. Messages the upstream starts are handed to the gateway through
// UpstreamEvents; nothing here knows about client sessions.
// Why an upstream is down is told in two places: `lastError`, which reaches clients and receipts, is
// a fixed description with an error id; the log line with the same id holds the details (the error,
// the upstream's stderr), which may hold anything the upstream printed, credentials included.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, type JSONRPCNotification, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { parseDuration } from '../core/duration.js';
import type { UpstreamConfig } from '../config/index.js';
import { isStdioUpstream } from '../config/index.js';
import { logFault, type Logger } from '../log.js';
import { UpstreamError } from './errors.js';
import { JsonRpcPeer } from './peer.js';
import { ProcessGroupTransport } from './process-transport.js';

/** A tool as the upstream declared it. Untrusted: only `name` is relied upon. */
export type UpstreamTool = Record<string, unknown> & { name: string };

export interface UpstreamEvents {
  notification(upstream: Upstream, message: JSONRPCNotification): void;
  request(upstream: Upstream, message: JSONRPCRequest, signal: AbortSignal): Promise<Record<string, unknown>>;
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

  private peer?: JsonRpcPeer;
  private transport?: Transport;
  private backoffMs = BACKOFF_MIN_MS;
  private restartTimer?: NodeJS.Timeout;
  private probing = false;
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
  }

  /** Connect once; on failure the upstream is marked down and retried in the background. */
  async start(): Promise<void> {
    this.state = 'starting';
    this.hung = false;
    const transport = this.createTransport();
    const peer = new JsonRpcPeer(this.name, transport, {
      notification: (message) => this.onNotification(message),
      request: (message, signal) => this.events.request(this, message, signal),
      closed: () => this.onClosed(peer),
      timedOut: () => void this.probe(peer),
    });
    this.transport = transport;
    this.peer = peer;
    try {
      await transport.start();
      await this.initialize(peer, transport);
      await this.refreshTools();
    } catch (err) {
      this.lastError = this.fault('failed to start', 'upstream failed to start', err);
      await peer.close().catch(() => undefined);
      return;
    }
    this.state = 'ready';
    this.lastError = '';
    this.log.info({ upstream: this.name, tools: this.tools.length }, 'upstream ready');
    setTimeout(() => {
      if (this.peer === peer && this.state === 'ready') this.backoffMs = BACKOFF_MIN_MS;
    }, BACKOFF_MAX_MS).unref();
    this.events.connected(this);
    this.events.toolsChanged(this);
  }

  /** Forward a request; refused at once (never queued) while the upstream is not ready. */
  request(method: string, params: Record<string, unknown> | undefined, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const peer = this.peer;
    if (this.state !== 'ready' || !peer) {
      return Promise.reject(new UpstreamError('upstream_unavailable', `upstream ${this.name} is unavailable (${this.lastError}); toolgate is retrying it`));
    }
    return peer.request(method, params, { timeoutMs: this.timeoutMs, signal });
  }

  /** Pass a client's notification on; dropped while the upstream is not ready (a restart starts afresh). */
  notify(method: string, params?: Record<string, unknown>): void {
    if (this.state === 'ready') this.peer?.notify(method, params);
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.restartTimer);
    // An HTTP upstream keeps a session per client: end ours rather than leave it to expire.
    if (this.transport instanceof StreamableHTTPClientTransport) {
      const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, PROBE_MS).unref());
      await Promise.race([this.transport.terminateSession().catch(() => undefined), gaveUp]);
    }
    await this.peer?.close().catch(() => undefined);
  }

  private createTransport(): Transport {
    const config = this.config;
    if (isStdioUpstream(config)) {
      const transport = new ProcessGroupTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd });
      transport.onstderr = (line) => this.log.debug({ upstream: this.name, stderr: line }, 'upstream stderr');
      return transport;
    }
    return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
  }

  private async initialize(peer: JsonRpcPeer, transport: Transport): Promise<void> {
    const result = await peer.request(
      'initialize',
      {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        // Sampling, elicitation and roots requests are routed to the client session whose request
        // caused them (roots also to the one client session that declared roots); clients'
        // roots/list_changed notifications are passed on.
        capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {}, url: {} } },
        clientInfo: CLIENT_INFO,
      },
      { timeoutMs: this.timeoutMs },
    );
    this.capabilities = (result.capabilities as Record<string, unknown> | undefined) ?? {};
    this.instructions = typeof result.instructions === 'string' && result.instructions !== '' ? result.instructions : undefined;
    const version = result.protocolVersion;
    if (typeof version === 'string' && 'setProtocolVersion' in transport) (transport as StreamableHTTPClientTransport).setProtocolVersion(version);
    peer.notify('notifications/initialized');
  }

  private async refreshTools(): Promise<void> {
    if (!this.capabilities.tools || !this.peer) {
      this.tools = [];
      return;
    }
    const tools: UpstreamTool[] = [];
    let cursor: unknown;
    do {
      const page = await this.peer.request('tools/list', cursor === undefined ? {} : { cursor }, { timeoutMs: this.timeoutMs });
      for (const tool of Array.isArray(page.tools) ? page.tools : []) {
        if (tool && typeof tool === 'object' && typeof (tool as UpstreamTool).name === 'string') tools.push(tool as UpstreamTool);
      }
      cursor = page.nextCursor;
    } while (typeof cursor === 'string' && cursor !== '');
    this.tools = tools;
  }

  private onNotification(message: JSONRPCNotification): void {
    if (message.method === 'notifications/tools/list_changed') {
      this.refreshTools().then(
        () => this.events.toolsChanged(this),
        (err: Error) => this.log.warn({ upstream: this.name, err: err.message }, 'refreshing the tool list failed'),
      );
      return;
    }
    this.events.notification(this, message);
  }

  /** After a timeout: an upstream that does not answer a ping either is hung, and is restarted. */
  private async probe(peer: JsonRpcPeer): Promise<void> {
    if (this.probing || this.peer !== peer) return;
    this.probing = true;
    try {
      await peer.request('ping', undefined, { timeoutMs: Math.min(this.timeoutMs, PROBE_MS) });
    } catch {
      if (this.peer === peer && peer.isOpen) {
        this.hung = true;
        this.lastError = this.fault('it stopped answering', 'upstream does not answer ping: restarting it');
        await peer.close().catch(() => undefined);
      }
    } finally {
      this.probing = false;
    }
  }

  private onClosed(peer: JsonRpcPeer): void {
    if (this.peer !== peer || this.state === 'stopped') return;
    const wasReady = this.state === 'ready';
    this.state = 'down';
    if (wasReady) {
      if (!this.hung) this.lastError = this.fault('it exited or closed the connection', 'upstream went down');
      this.events.toolsChanged(this);
    }
    void this.transport?.close().catch(() => undefined);
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
  private fault(description: string, message: string, err?: unknown): string {
    const stderr = this.transport instanceof ProcessGroupTransport ? this.transport.stderr : '';
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
