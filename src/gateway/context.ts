// What every part of the gateway shares: the config, the gate, the upstreams, their pinned tools
// and catalog, who may see which tool, the routes of in-flight work, the calls in flight and the
// open client sessions.
import type { JSONRPCRequest, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Config } from '../config/index.js';
import type { Principal } from '../core/index.js';
import type { CallHandler, ToolCall } from '../gate/index.js';
import type { Logger } from '../log.js';
import type { ToolCatalog, Upstream } from '../upstream/index.js';
import type { CallsInFlight } from './in-flight.js';
import type { Routes } from './routes.js';
import type { ClientSession } from './session.js';
import type { ToolSurface } from './tool-surface.js';

/** What a method handler may use of its request: the SDK's extra, or the session's own on the tools/call fast path. */
export type Extra = Pick<RequestHandlerExtra<ServerRequest, ServerNotification>, 'signal' | 'sendNotification'>;
export type Result = Record<string, unknown>;
/** Why a listed tool cannot be called as listed (the gate decides such a call without policy). */
export type Quarantine = NonNullable<ToolCall['quarantine']>;
/** Whether a principal is shown a tool in tools/list (a convenience: the gate still decides every call). */
export type Visibility = (principal: Principal, server: string, tool: string) => boolean;
/** A handler of one client method, forwarding it to the upstream(s) it concerns. */
export type MethodHandler = (session: ClientSession, request: JSONRPCRequest, extra: Extra) => Promise<Result>;

export interface GatewayContext {
  config: Config;
  handler: CallHandler;
  log: Logger;
  upstreams: Upstream[];
  catalog: ToolCatalog;
  surface: ToolSurface;
  visibleTo?: Visibility;
  inFlight: CallsInFlight;
  routes: Routes;
  sessions: Set<ClientSession>;
}
