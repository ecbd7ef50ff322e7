// startGateway: connect the upstreams, assess their tools against their pins, build the tool
// catalog, and open the client listeners. The gate is passed in (the CallHandler seam): the
// gateway never decides anything itself. drain() and health() serve a graceful shutdown and /readyz.
import { userInfo } from 'node:os';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { canonicalId, type Config } from '../config/index.js';
import { parseDuration, type Principal } from '../core/index.js';
import type { CallHandler } from '../gate/index.js';
import type { Logger } from '../log.js';
import { identityOf, type PinRegistry } from '../pins/index.js';
import { JsonLinesTransport, ToolCatalog, Upstream, type UpstreamState } from '../upstream/index.js';
import { cachingHints } from './caching.js';
import type { GatewayContext, MethodHandler, Visibility } from './context.js';
import { ModernEdge } from './era-2026.js';
import { listenHttp, type HttpListener } from './http-listener.js';
import { CallsInFlight, type DrainOutcome } from './in-flight.js';
import { Directory } from './directory.js';
import { governedMethods } from './governed.js';
import { offer } from './offer.js';
import { passthroughMethods } from './passthrough.js';
import { unreadableLineAnswers } from './request-check.js';
import { Routes } from './routes.js';
import { ClientSession, type SessionHost } from './session.js';
import { toolMethods } from './tool-calls.js';
import { Tasks } from './tasks.js';
import { ToolSurface } from './tool-surface.js';
import { clientNotification, relistTools, upstreamEvents } from './upstream-messages.js';
import { announceShownChange, type ShownChange } from './visibility.js';

export interface GatewayOptions {
  config: Config;
  handler: CallHandler;
  log: Logger;
  /** Assess every listing of an upstream's tools against their pins (hide, or quarantine drifts). */
  pins?: PinRegistry;
  /** Which tools tools/list shows a principal; every tool when absent. Calls still go to the gate. */
  visibleTo?: Visibility;
  /** The reviewer console's URL, once the admin listener is up. */
  consoleUrl?: () => string | undefined;
}

export interface UpstreamHealth {
  name: string;
  state: UpstreamState;
  /** Why it is not ready ('' when it is). */
  lastError: string;
}

export interface Gateway {
  /** The HTTP listener, when `listen.http` is configured. */
  http?: HttpListener;
  upstreams: readonly Upstream[];
  /** Settles when the stdio client goes away (stdin closed); never settles without stdio. */
  stdioClosed: Promise<void>;
  /** Refuse new tools/call requests from now on; settles when those in flight finished or at the deadline. */
  drain(deadlineMs: number): Promise<DrainOutcome>;
  health(): { upstreams: UpstreamHealth[] };
  /** Re-assess every upstream's tools against the pins now (e.g. after an approval in another process). */
  refreshPins(): Promise<void>;
  /** The policy changed which tools some principals are shown: their sessions hear that the tool list changed. */
  shownChanged(changed: ShownChange): void;
  close(): Promise<void>;
}

export async function startGateway({ config, handler, log, pins, visibleTo, consoleUrl }: GatewayOptions): Promise<Gateway> {
  const upstreams: Upstream[] = [];
  const surface = new ToolSurface(config, pins, log);
  const catalog = new ToolCatalog(upstreams, log, (u) => surface.toolsOf(u));
  const ctx: GatewayContext = {
    config,
    handler,
    log,
    upstreams,
    catalog,
    surface,
    visibleTo,
    consoleUrl,
    inFlight: new CallsInFlight(),
    routes: new Routes(),
    sessions: new Set(),
  };
  const tasks = new Tasks(ctx);
  const events = upstreamEvents(ctx, tasks);
  for (const [name, upstream] of Object.entries(config.upstreams)) {
    if (!upstream.disabled) upstreams.push(new Upstream(name, upstream, events, log));
  }
  // An approved drift shows the tool again (and clients hear that the list changed).
  const unsubscribe = pins?.subscribe((event) => {
    const upstream = upstreams.find((u) => u.name === event.upstream);
    if (event.kind === 'approved' && upstream && identityOf(upstream.config).sha256 === event.identity) void relistTools(ctx, upstream);
  });
  await Promise.all(upstreams.map((u) => u.start()));
  const stopUpstreams = async () => {
    unsubscribe?.();
    await Promise.all(upstreams.map((u) => u.stop()));
  };
  try {
    await surface.settled();
    ctx.catalog.build();
  } catch (err) {
    await stopUpstreams();
    throw err;
  }

  const directory = new Directory(ctx);
  const methods = new Map<string, MethodHandler>([
    ...toolMethods(ctx, tasks),
    ...governedMethods(ctx, directory),
    ...passthroughMethods(ctx, directory),
    ...tasks.methods(),
  ]);
  const host: SessionHost = {
    name: config.name,
    log,
    opened: (session) => ctx.sessions.add(session),
    closed: (session) => {
      tasks.dropSession(session);
      forgetSession(ctx, session);
    },
    notified: (session, notification) => clientNotification(ctx, session, notification),
  };
  const createSession = (id: string, principal: Principal, protocolVersion?: string) =>
    new ClientSession(id, principal, host, offer(upstreams), methods, protocolVersion);

  let http: HttpListener | undefined;
  let modern: ModernEdge | undefined;
  let stdioClosed = new Promise<void>(() => undefined);
  try {
    if (config.listen.http) {
      modern = new ModernEdge(createSession, () => offer(upstreams), config.name, tasks, parseDuration(config.listen.http.input_wait), cachingHints(ctx));
      http = await listenHttp(config, log, createSession, modern);
    }
    if (config.listen.stdio) {
      const session = createSession('stdio', stdioPrincipal(config));
      stdioClosed = new Promise((resolve) => process.stdin.once('end', resolve).once('close', resolve));
      const transport = new JsonLinesTransport(process.stdin, process.stdout);
      transport.onunreadable = (value) => {
        for (const answer of unreadableLineAnswers(value)) transport.send(answer as JSONRPCMessage).catch(() => undefined);
      };
      await session.connect(transport);
    }
  } catch (err) {
    await stopUpstreams();
    throw err;
  }

  return {
    http,
    upstreams,
    stdioClosed,
    drain: (deadlineMs) => {
      // A call parked for a client's retry has no request open to finish: waiting for it would only run out the deadline.
      modern?.endInputWaits();
      return ctx.inFlight.drain(deadlineMs);
    },
    health: () => ({ upstreams: upstreams.map(({ name, state, lastError }) => ({ name, state, lastError })) }),
    refreshPins: async () => void (await Promise.all(upstreams.map((u) => relistTools(ctx, u)))),
    shownChanged: (changed) => announceShownChange(ctx, changed),
    async close() {
      await http?.close();
      await tasks.close();
      await Promise.all(Array.from(ctx.sessions, (s) => s.close()));
      await stopUpstreams();
    },
  };
}

/** stdio has no tokens: the client is whoever started the process, or the principal the config names. */
function stdioPrincipal(config: Config): Principal {
  const id = config.listen.stdio_principal ?? canonicalId(`user:${userInfo().username}`);
  return { id, groups: config.principals.find((p) => p.id === id)?.groups ?? [] };
}

/**
 * A closed session's subscriptions go with it, and so do its own upstream sessions (per-client); an
 * upstream nobody subscribes to any more is unsubscribed.
 */
function forgetSession(ctx: GatewayContext, session: ClientSession): void {
  ctx.sessions.delete(session);
  for (const upstream of ctx.upstreams) void upstream.release(session);
  for (const key of ctx.routes.dropSession(session)) {
    const [name, uri] = key.split('\u0000') as [string, string];
    ctx.upstreams
      .find((u) => u.name === name)
      ?.request('resources/unsubscribe', { uri })
      .catch(() => undefined);
  }
}
