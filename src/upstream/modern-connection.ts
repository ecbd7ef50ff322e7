// An upstream of the 2026-07-28 revision over Streamable HTTP: no initialize and no session; every
// request stands alone, carrying the client's protocol version, capabilities and name in `_meta` and
// its method and name in headers. Spoken with the v2 SDK's Client, which probes with server/discover,
// attaches the envelope, sets the headers from the body (so the upstream sees its own tool name in
// both), reads the SSE answers (progress on the token the gateway sent) and cancels by closing the request's stream. What it does not do for a
// gateway is written here: raw results (no schema of its own), one envelope per client session (the
// upstream asks only for what that client declared), and input-required results turned into the
// server-to-client requests a 2025-11-25 client answers, their answers sent back in the retry with
// the upstream's requestState, so the gateway's clients keep speaking the era they chose.
import {
  Client,
  type DiscoverResult,
  LOG_LEVEL_META_KEY,
  type McpSubscription,
  ProtocolError,
  SdkError,
  SdkErrorCode,
  SdkHttpError,
  StreamableHTTPClientTransport,
} from '@modelcontextprotocol/client';
import type { HttpUpstreamConfig } from '../config/index.js';
import { type ClientSide, routedSide, type ServerSide } from './connection.js';
import { rpcErrorOf, UpstreamError, UpstreamRpcError } from './errors.js';
import type { PeerHandlers, RequestOptions } from './peer.js';

export const MODERN_REVISION = '2026-07-28';
/** Where a request to the client names its input key (the gateway's convention, src/gateway/input-required.ts). */
const INPUT_KEY_META_KEY = 'dev.toolgate/input_key';
/** The pause before a dropped listen stream is opened again. */
const RELISTEN_MS = 1_000;
/** Rounds of input a request may ask for before toolgate gives up on it (the SDK's own driver stops at 10). */
const MAX_INPUT_ROUNDS = 10;
/**
 * The caching hints of the revision (SEP-2549) describe the upstream's answer to toolgate; the answer
 * toolgate gives depends on who asks (policy, pins), so they are not passed on. The 2026-07-28 edge
 * sets hints of its own; 2025-11-25 results have no such fields.
 */
const CACHE_HINTS = ['ttlMs', 'cacheScope'];
/** Results are forwarded as the upstream sent them: the gateway validates what it relies on. */
const ANY_RESULT = { '~standard': { version: 1, vendor: 'toolgate', validate: (value: unknown) => ({ value }) } } as const;

type Params = Record<string, unknown>;
type InputRequired = { resultType: 'input_required'; inputRequests?: Record<string, unknown>; requestState?: string };

/** The upstream's answer to server/discover, when it speaks the revision; undefined when it does not (a 2025-11-25 server). */
export async function discover(name: string, config: HttpUpstreamConfig, timeoutMs: number): Promise<DiscoverResult | undefined> {
  const probe = new Client(CLIENT_INFO, { versionNegotiation: { mode: { pin: MODERN_REVISION }, probe: { timeoutMs } } });
  try {
    await probe.connect(transportOf(config));
    return probe.getDiscoverResult();
  } catch (err) {
    // Pinned, the SDK never falls back to initialize: a server without the revision is a verdict, not a fault.
    if (err instanceof SdkError && err.code === SdkErrorCode.EraNegotiationFailed) return undefined;
    if (err instanceof ProtocolError) return undefined;
    throw new UpstreamError('upstream_start_failed', `upstream ${name}: server/discover failed`, { cause: err });
  } finally {
    await probe.close().catch(() => undefined);
  }
}

const CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };

export class ModernConnection {
  /** One SDK client per client session (its envelope), kept under what the gateway names it by; the shared side's under the connection itself. */
  private readonly clients = new WeakMap<object, Promise<Client>>();
  /** The log level asked with logging/setLevel, per client session (the shared one's under the connection): the revision asks for logs per request. */
  private readonly levels = new WeakMap<object, unknown>();
  private closed = false;
  /** The stream on which the upstream tells of list changes (subscriptions/listen). */
  private subscription?: McpSubscription;

  constructor(
    private readonly name: string,
    private readonly config: HttpUpstreamConfig,
    private readonly discovered: DiscoverResult,
    private readonly shared: ClientSide,
    private readonly handlers: PeerHandlers,
  ) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Nothing to open: server/discover told what initialize would have. */
  server(): ServerSide {
    const { capabilities, instructions } = this.discovered;
    return { capabilities: capabilities as Record<string, unknown>, ...(instructions ? { instructions } : {}) };
  }

  /**
   * Send `method` on behalf of `client` (the shared side when absent); resolves with the complete
   * result. Input the upstream asks for is asked of the client through the handlers, with `owner`.
   */
  async request(method: string, params: Params | undefined, options: RequestOptions & { client?: ClientSide }): Promise<Params> {
    if (this.closed) throw new UpstreamError('upstream_unavailable', `upstream ${this.name}: the connection was closed by toolgate`);
    if (options.signal?.aborted) throw new UpstreamError('upstream_not_sent', `upstream ${this.name}: request cancelled before it was sent`);
    const key = options.client ?? this;
    if (method === 'logging/setLevel') {
      this.levels.set(key, params?.level);
      return {};
    }
    const sdk = await this.clientFor(options.client);
    const sent = this.withLevel(params, this.levels.get(key) ?? this.levels.get(this));
    let retry = sent;
    for (let round = 0; ; round++) {
      const result = await this.send(sdk, method, retry, options);
      if (result.resultType !== 'input_required') return withoutHints(result);
      if (round === MAX_INPUT_ROUNDS)
        throw new UpstreamRpcError({ code: -32603, message: `upstream ${this.name} asked for input more than ${MAX_INPUT_ROUNDS} times` });
      retry = await this.answer(result as InputRequired, sent, options);
    }
  }

  /**
   * Listens for the upstream's list changes, which it declared it tells (subscriptions/listen, on
   * the shared side): they reach the handlers as a 2025-11-25 session's notifications would. A stream
   * that drops is opened again after a pause.
   */
  async listen(): Promise<void> {
    const { tools, prompts, resources } = this.discovered.capabilities as Record<string, { listChanged?: boolean } | undefined>;
    const filter = { toolsListChanged: !!tools?.listChanged, promptsListChanged: !!prompts?.listChanged, resourcesListChanged: !!resources?.listChanged };
    if (!Object.values(filter).some(Boolean) || this.closed) return;
    const subscription = await (await this.clientFor(undefined)).listen(filter);
    this.subscription = subscription;
    void subscription.closed.then((why) => {
      if (why === 'remote' && !this.closed) setTimeout(() => void this.listen().catch(() => undefined), RELISTEN_MS).unref();
    });
  }

  /** Notifications go nowhere: the revision has no client-to-server notification a gateway forwards (cancellation closes the stream). */
  notify(): void {}

  /** Closed by toolgate: later requests are refused, and the upstream is told it went down (as a closed session would). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscription?.close().catch(() => undefined);
    this.handlers.closed();
  }

  dispose(): void {}

  get stderr(): string {
    return '';
  }

  /** The SDK client for a client session: its envelope declares what that client declared of what toolgate routes. */
  private clientFor(owner: ClientSide | undefined): Promise<Client> {
    const key = owner ?? this;
    let client = this.clients.get(key);
    if (!client) {
      const side = owner ? routedSide(owner) : this.shared;
      const sdk = new Client(side.clientInfo as { name: string; version: string }, { capabilities: side.capabilities, inputRequired: { autoFulfill: false } });
      // Notifications on a request's stream (log messages): the upstream's, as any other's.
      sdk.fallbackNotificationHandler = async (notification) => this.handlers.notification({ jsonrpc: '2.0', ...notification });
      // Progress too: the request carries the gateway's token as it was sent (the SDK would put its own in
      // its place, and the upstream would see a token its client never chose), so it comes back on it.
      sdk.setNotificationHandler('notifications/progress', (notification) => this.handlers.notification({ jsonrpc: '2.0', ...notification }));
      client = sdk.connect(transportOf(this.config), { prior: { kind: 'modern', discover: this.discovered } }).then(() => sdk);
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  private withLevel(params: Params | undefined, level: unknown): Params | undefined {
    if (level === undefined) return params;
    return { ...params, _meta: { ...(params?._meta as Params | undefined), [LOG_LEVEL_META_KEY]: level } };
  }

  private async send(sdk: Client, method: string, params: Params | undefined, options: RequestOptions): Promise<Params> {
    try {
      const request = params === undefined ? { method } : { method, params };
      return (await sdk.request(request, ANY_RESULT, {
        timeout: options.timeoutMs,
        signal: options.signal,
        allowInputRequired: true,
      })) as Params;
    } catch (err) {
      throw this.faultOf(method, err, options);
    }
  }

  /**
   * Each input the upstream asks for, asked of the client (all at once, as the upstream asked them);
   * the retry carries the answers and the upstream's state as it was sent.
   */
  private async answer(asked: InputRequired, original: Params | undefined, options: RequestOptions): Promise<Params> {
    const signal = options.signal ?? new AbortController().signal;
    // Untrusted: the upstream's input requests; each is a request the gateway routes and checks like any other it sends.
    const answers = Object.entries(asked.inputRequests ?? {}).map(async ([key, request]) => {
      const { method, params } = (request ?? {}) as { method?: unknown; params?: Params };
      if (typeof method !== 'string') throw new UpstreamRpcError({ code: -32603, message: `upstream ${this.name} asked for input without a method` });
      // The key goes with the request (docs/gateway.md): a 2026-07-28 client is asked under the same key.
      const named = { ...params, _meta: { ...(params?._meta as Params | undefined), [INPUT_KEY_META_KEY]: key } };
      return [key, await this.handlers.request({ jsonrpc: '2.0', id: `input:${key}`, method, params: named }, signal, options.owner)] as const;
    });
    const inputResponses = Object.fromEntries(await Promise.all(answers));
    return { ...original, inputResponses, ...(typeof asked.requestState === 'string' ? { requestState: asked.requestState } : {}) };
  }

  /** The SDK's errors in this area's terms: the upstream's own JSON-RPC errors are forwarded as they are. */
  private faultOf(method: string, err: unknown, options: RequestOptions): Error {
    if (err instanceof ProtocolError) return new UpstreamRpcError(rpcErrorOf({ code: err.code, message: err.message, data: err.data }));
    if (err instanceof SdkError && err.code === SdkErrorCode.MethodNotSupportedByProtocolVersion)
      return new UpstreamRpcError({ code: -32601, message: `Method not found: upstream ${this.name} speaks ${MODERN_REVISION}, which has no ${method}` });
    if (options.signal?.aborted) {
      const why = typeof options.signal.reason === 'string' ? options.signal.reason : 'request cancelled';
      return new UpstreamError('upstream_cancelled', `upstream ${this.name}: ${why}`);
    }
    if (err instanceof SdkError && err.code === SdkErrorCode.RequestTimeout)
      return new UpstreamError('upstream_timeout', `upstream ${this.name} did not answer ${method} within ${options.timeoutMs} ms`);
    if (err instanceof SdkHttpError)
      return new UpstreamError('upstream_closed', `upstream ${this.name}: answered HTTP ${err.data?.status ?? 'error'}`, { cause: err });
    return new UpstreamError('upstream_closed', `upstream ${this.name}: cannot reach the upstream`, { cause: err });
  }
}

function transportOf(config: HttpUpstreamConfig): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(config.url), { requestInit: { headers: config.headers } });
}

function withoutHints(result: Params): Params {
  if (!CACHE_HINTS.some((key) => key in result)) return result;
  const out = { ...result };
  for (const key of CACHE_HINTS) delete out[key];
  return out;
}
