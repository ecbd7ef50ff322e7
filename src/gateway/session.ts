// One client session: an SDK Server whose every request is forwarded through the gateway's method
// table. Requests the table does not know get "method not found"; the session keeps working.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, SetLevelRequestSchema, type JSONRPCNotification, type RequestId, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '../core/index.js';
import type { GatewayContext, MethodHandler } from './context.js';

export const LOG_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;

/** An upstream connection is shared: it logs at the most verbose level any session asked for. */
export function sharedLogLevel(sessions: Iterable<ClientSession>): (typeof LOG_LEVELS)[number] {
  return LOG_LEVELS[Math.min(...Array.from(sessions, (s) => s.logLevel))] ?? 'debug';
}

export class ClientSession {
  readonly server: Server;
  /** Index into LOG_LEVELS of the least severe level this client wants (0 until it sets one). */
  logLevel = 0;
  private closed = false;

  constructor(
    readonly id: string,
    readonly principal: Principal,
    private readonly ctx: GatewayContext,
    capabilities: ServerCapabilities,
    methods: ReadonlyMap<string, MethodHandler>,
  ) {
    this.server = new Server({ name: ctx.config.name, version: '0.1.0' }, { capabilities });
    this.server.fallbackRequestHandler = (request, extra) => {
      const method = methods.get(request.method);
      if (!method) return Promise.reject(new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`));
      return method(this, request, extra) as never;
    };
    // The SDK's own logging/setLevel handler would keep the level to itself: forward it instead.
    const setLevel = methods.get('logging/setLevel');
    if (setLevel && capabilities.logging) this.server.setRequestHandler(SetLevelRequestSchema, (request, extra) => setLevel(this, request as never, extra) as never);
    this.server.fallbackNotificationHandler = () => Promise.resolve();
    this.server.onclose = () => this.onClosed();
    this.server.onerror = (err) => ctx.log.debug({ session: id, err: err.message }, 'client session error');
  }

  connect(transport: Transport): Promise<void> {
    this.ctx.sessions.add(this);
    return this.server.connect(transport);
  }

  /** Send a notification; a session that went away meanwhile is not an error. */
  notify(message: JSONRPCNotification, relatedRequestId?: RequestId): void {
    if (this.closed) return;
    this.server.notification(message as never, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch(() => undefined);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.sessions.delete(this);
    for (const key of this.ctx.routes.dropSession(this)) {
      const [name, uri] = key.split('\u0000') as [string, string];
      this.ctx.upstreams.find((u) => u.name === name)?.request('resources/unsubscribe', { uri }).catch(() => undefined);
    }
  }
}
