// Which client session owns what on an upstream: forwarded requests in flight (to attribute the
// upstream's sampling/elicitation requests and progress), progress tokens of calls answered with a
// task (until the task ends), URL elicitations (so that their
// completion reaches the session that was asked), and resource subscriptions on a shared
// connection (to fan out updates only to subscribers). Messages never cross to another session.
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { Upstream } from '../upstream/index.js';
import type { ClientSession } from './session.js';

type ProgressToken = string | number;

/** One client request forwarded to an upstream and not yet answered. */
export interface Flight {
  upstream: Upstream;
  session: ClientSession;
  requestId: RequestId;
  /** The client's token, and the one sent upstream (the same unless another flight already used it). */
  clientToken?: ProgressToken;
  upstreamToken?: ProgressToken;
}

export class Routes {
  private readonly flights = new Map<Upstream, Set<Flight>>();
  private readonly tokens = new Map<Upstream, Map<ProgressToken, Flight>>();
  private readonly subscribers = new Map<string, Set<ClientSession>>();
  /** (upstream, elicitationId) -> the session asked to complete it. */
  private readonly elicitations = new Map<string, ClientSession>();
  /** (upstream, upstream task id) -> calls answered with that task whose progress token lives on until it ends. */
  private readonly taskTokens = new Map<string, Set<Flight>>();
  private substitute = 0;

  begin(upstream: Upstream, session: ClientSession, requestId: RequestId, clientToken?: ProgressToken): Flight {
    const flight: Flight = { upstream, session, requestId };
    let set = this.flights.get(upstream);
    if (!set) this.flights.set(upstream, (set = new Set()));
    set.add(flight);
    if (clientToken !== undefined) {
      let tokens = this.tokens.get(upstream);
      if (!tokens) this.tokens.set(upstream, (tokens = new Map()));
      // Tokens are chosen by clients (the SDK uses its request ids), so two sessions may pick the
      // same one: the later gets a token of toolgate's on the upstream side, mapped back on return.
      const upstreamToken = tokens.has(clientToken) ? `toolgate-${++this.substitute}` : clientToken;
      flight.clientToken = clientToken;
      flight.upstreamToken = upstreamToken;
      tokens.set(upstreamToken, flight);
    }
    return flight;
  }

  end(flight: Flight): void {
    this.flights.get(flight.upstream)?.delete(flight);
    if (flight.upstreamToken !== undefined) this.tokens.get(flight.upstream)?.delete(flight.upstreamToken);
  }

  /**
   * The call was answered with a task (MCP 2025-11-25): its progress token stays valid until the
   * task ends, so the token stays routed to its client; the call itself is no longer in flight.
   */
  toTask(flight: Flight, taskId: string): void {
    this.flights.get(flight.upstream)?.delete(flight);
    if (flight.upstreamToken === undefined) return;
    const key = subscriptionKey(flight.upstream, taskId);
    let set = this.taskTokens.get(key);
    if (!set) this.taskTokens.set(key, (set = new Set()));
    set.add(flight);
  }

  /** The task `session` has as `taskId` on `upstream` ended: its call's progress token is free. */
  taskEnded(upstream: Upstream, taskId: string, session: ClientSession): void {
    this.freeTaskTokens(subscriptionKey(upstream, taskId), session);
  }

  private freeTaskTokens(key: string, session: ClientSession): void {
    const set = this.taskTokens.get(key);
    if (!set) return;
    for (const flight of set) {
      if (flight.session !== session) continue;
      this.end(flight);
      set.delete(flight);
    }
    if (set.size === 0) this.taskTokens.delete(key);
  }

  byToken(upstream: Upstream, token: ProgressToken): Flight | undefined {
    return this.tokens.get(upstream)?.get(token);
  }

  /**
   * The one flight an upstream-initiated message belongs to (among those of `session` when the
   * upstream session is that client's own), or undefined when none is in flight or they are of
   * several sessions. Of several flights of one session the first is taken: a stdio upstream does
   * not say which of them a request belongs to.
   */
  attribute(upstream: Upstream, session?: ClientSession): Flight | undefined {
    const set = this.flights.get(upstream);
    if (!set || set.size === 0) return undefined;
    let found: Flight | undefined;
    for (const flight of set) {
      if (session && flight.session !== session) continue;
      if (found && found.session !== flight.session) return undefined;
      found ??= flight;
    }
    return found;
  }

  /** The one request in flight on `upstream` (of `session`, if given); none when there are several. */
  sole(upstream: Upstream, session?: ClientSession): Flight | undefined {
    let found: Flight | undefined;
    for (const flight of this.flights.get(upstream) ?? []) {
      if (session && flight.session !== session) continue;
      if (found) return undefined;
      found = flight;
    }
    return found;
  }

  /** A URL elicitation `id` that `session` was asked to complete (in a request, or a -32042 error). */
  elicited(upstream: Upstream, id: string, session: ClientSession): void {
    this.elicitations.set(subscriptionKey(upstream, id), session);
  }

  /** The session whose URL elicitation `id` completed; it is forgotten. */
  completed(upstream: Upstream, id: string): ClientSession | undefined {
    const key = subscriptionKey(upstream, id);
    const session = this.elicitations.get(key);
    this.elicitations.delete(key);
    return session;
  }

  /** Returns true when this is the first subscriber of `key` (so the upstream must be subscribed). */
  subscribe(key: string, session: ClientSession): boolean {
    let set = this.subscribers.get(key);
    if (!set) this.subscribers.set(key, (set = new Set()));
    const first = set.size === 0;
    set.add(session);
    return first;
  }

  /** Returns true when the last subscriber of `key` left (so the upstream may be unsubscribed). */
  unsubscribe(key: string, session: ClientSession): boolean {
    const set = this.subscribers.get(key);
    if (!set?.delete(session)) return false;
    if (set.size > 0) return false;
    this.subscribers.delete(key);
    return true;
  }

  /** The URIs some session holds a subscription to on `upstream`. */
  subscribedUris(upstream: Upstream): string[] {
    const prefix = subscriptionKey(upstream, '');
    return [...this.subscribers.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
  }

  subscribersOf(key: string): ReadonlySet<ClientSession> {
    return this.subscribers.get(key) ?? new Set();
  }

  /** Forget a closed session; returns the subscription keys nobody holds any more. */
  dropSession(session: ClientSession): string[] {
    const orphaned: string[] = [];
    for (const key of [...this.subscribers.keys()]) if (this.unsubscribe(key, session)) orphaned.push(key);
    for (const set of this.flights.values()) for (const flight of set) if (flight.session === session) this.end(flight);
    for (const [key, owner] of this.elicitations) if (owner === session) this.elicitations.delete(key);
    for (const key of [...this.taskTokens.keys()]) this.freeTaskTokens(key, session);
    return orphaned;
  }
}

/** Subscriptions (and elicitation ids) are per upstream: the same URI on two upstreams is two resources. */
export function subscriptionKey(upstream: Upstream, uri: string): string {
  return `${upstream.name}\u0000${uri}`;
}
