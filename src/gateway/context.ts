// What every part of the gateway shares: the config, the gate, the upstreams, their pinned tools
// and catalog, who may see which tool, the routes of in-flight work, the calls in flight and the
// open client sessions.
import type { Config } from '../config/index.js';
import type { Principal } from '../core/index.js';
import type { CallHandler } from '../gate/index.js';
import type { Logger } from '../log.js';
import type { ToolCatalog, Upstream } from '../upstream/index.js';
import type { CallsInFlight } from './in-flight.js';
import type { Routes } from './routes.js';
import type { ClientSession } from './session.js';
import type { ToolSurface } from './tool-surface.js';

export type { Extra, MethodHandler, Result } from './session.js';

/** Whether a principal is shown a tool in tools/list (a convenience: the gate still decides every call). */
export type Visibility = (principal: Principal, server: string, tool: string) => boolean;

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
  /** The reviewer console's URL once it listens (a held call's question names the approval's page there). */
  consoleUrl?: () => string | undefined;
}
