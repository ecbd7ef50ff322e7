// One MCP session with an upstream: its transport (a process of its own for stdio, an MCP session
// at the URL for HTTP), the JSON-RPC peer over it, and the initialize handshake that declares a
// client side. An Upstream holds its shared connection and, with `session: per-client`, one per
// client session.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { isStdioUpstream, type UpstreamConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { JsonRpcPeer, type PeerHandlers } from './peer.js';
import { ProcessGroupTransport } from './process-transport.js';
import { RelatedRequests } from './related-requests.js';

const CLOSE_MS = 5_000;

/** What a connection tells the upstream about its client when it initializes. */
export interface ClientSide {
  capabilities: Record<string, unknown>;
  clientInfo: Record<string, unknown>;
}

/** The client capabilities toolgate routes: their requests go to the client session they belong to. */
const ROUTED = ['sampling', 'elicitation', 'roots'] as const;

/** What a client declared of what toolgate routes, and its name: what an upstream is told of that client. */
export function routedSide(client: ClientSide): ClientSide {
  const capabilities = Object.fromEntries(ROUTED.filter((key) => client.capabilities[key] !== undefined).map((key) => [key, client.capabilities[key]]));
  return { capabilities, clientInfo: client.clientInfo };
}

/** What the upstream answered to initialize. */
export interface ServerSide {
  capabilities: Record<string, unknown>;
  /** Untrusted text, passed on to clients. */
  instructions?: string;
}

export class Connection {
  readonly peer: JsonRpcPeer;
  private readonly transport: Transport;

  constructor(name: string, config: UpstreamConfig, handlers: PeerHandlers, log: Logger) {
    let related: RelatedRequests | undefined;
    if (isStdioUpstream(config)) {
      const transport = new ProcessGroupTransport({ command: config.command, args: config.args, env: config.env, cwd: config.cwd });
      transport.onstderr = (line) => log.debug({ upstream: name, stderr: line }, 'upstream stderr');
      this.transport = transport;
    } else {
      related = new RelatedRequests();
      this.transport = new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers }, fetch: related.fetch });
    }
    this.peer = new JsonRpcPeer(name, this.transport, handlers, related);
    if (related) related.onpolling = (id, retryMs) => this.peer.polling(id, retryMs);
  }

  /** What a stdio upstream last wrote to stderr (for the operator's log). */
  get stderr(): string {
    return this.transport instanceof ProcessGroupTransport ? this.transport.stderr : '';
  }

  /** Start the transport and initialize, declaring `client`; resolves with the upstream's side. */
  async open(client: ClientSide, timeoutMs: number): Promise<ServerSide> {
    await this.transport.start();
    const result = await this.peer.request(
      'initialize',
      { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: client.capabilities, clientInfo: client.clientInfo },
      { timeoutMs },
    );
    const version = result.protocolVersion;
    if (typeof version === 'string' && this.transport instanceof StreamableHTTPClientTransport) this.transport.setProtocolVersion(version);
    this.peer.notify('notifications/initialized');
    return {
      capabilities: (result.capabilities as Record<string, unknown> | undefined) ?? {},
      ...(typeof result.instructions === 'string' && result.instructions !== '' ? { instructions: result.instructions } : {}),
    };
  }

  /** End the session: an HTTP upstream keeps one per client, so end ours rather than leave it to expire; a process is stopped with its group. */
  async close(): Promise<void> {
    if (this.transport instanceof StreamableHTTPClientTransport && this.transport.sessionId) {
      const gaveUp = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_MS).unref());
      await Promise.race([this.transport.terminateSession().catch(() => undefined), gaveUp]);
    }
    await this.peer.close().catch(() => undefined);
  }

  /** Release the transport after the peer saw it close. */
  dispose(): void {
    void this.transport.close().catch(() => undefined);
  }
}
