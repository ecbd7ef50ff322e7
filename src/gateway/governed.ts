// resources/read, resources/subscribe, prompts/get and completion/complete: requests that read from
// an upstream, so each passes the gate exactly as a tools/call does (decide, charge, hold, record,
// dispatch, record, answer). The gateway resolves what a request is about, describes it to the gate
// and carries it upstream when the gate dispatches it; the client gets the result with its receipt,
// or a JSON-RPC error (REFUSED_CODE) whose data holds the receipt; an upstream's own error answer
// reaches it as the upstream sent it (answer.ts).
import { ErrorCode, McpError, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Quarantine, ToolCall } from '../gate/index.js';
import type { Upstream } from '../upstream/index.js';
import { methodResult } from './answer.js';
import { describeRequest, recordedItem, type Subject } from './call-request.js';
import type { Extra, GatewayContext, MethodHandler, Result } from './context.js';
import type { Directory } from './directory.js';
import { forward, type Origin } from './forward.js';
import { subscriptionKey } from './routes.js';
import type { ClientSession } from './session.js';
import { DRAINING_MESSAGE } from './tool-calls.js';

type Params = Record<string, unknown>;

/** A resolved request: what it is about, its arguments, and how to forward it (absent when it cannot be). */
interface Resolved {
  subject: Subject;
  args: Params;
  /** Why it cannot be forwarded (unknown prompt, no upstream lists the resource). */
  unknown?: string;
  forward?: (args: Params, signal: AbortSignal) => Promise<Result>;
}

type Resolver = (origin: Origin, params: Params, signal: AbortSignal) => Promise<Resolved>;

export function governedMethods(ctx: GatewayContext, directory: Directory): [string, MethodHandler][] {
  // What the upstream does instead of answering goes to the gate as it is: it records what became of the request (`fail` or `unknown`) and answers the client.
  const ask = (origin: Origin, upstream: Upstream, method: string, params: Params, signal: AbortSignal) =>
    forward(ctx, origin, upstream, method, params, signal);

  /** A request about the resource `uri`, forwarded as `forward` says once the gate lets it. */
  async function aboutResource(
    method: Subject['method'],
    uri: unknown,
    args: Params,
    signal: AbortSignal,
    forward: (u: Upstream, args: Params, signal: AbortSignal) => Promise<Result>,
  ): Promise<Resolved> {
    if (typeof uri !== 'string') throw new McpError(ErrorCode.InvalidParams, 'the resource uri must be a string');
    const upstream = await directory.resourceOwner(uri, signal);
    const subject: Subject = { method, server: upstream?.name ?? 'unknown', tool: method, uri };
    if (!upstream) return { subject, args, unknown: `no upstream lists the resource ${recordedItem(uri)}` };
    return { subject, args, forward: (a, s) => forward(upstream, a, s) };
  }

  /** A request about the prompt exposed as `name`. */
  async function aboutPrompt(
    method: Subject['method'],
    name: unknown,
    args: Params,
    signal: AbortSignal,
    forward: (owner: { upstream: Upstream; name: string }, args: Params, signal: AbortSignal) => Promise<Result>,
  ): Promise<Resolved> {
    if (typeof name !== 'string') throw new McpError(ErrorCode.InvalidParams, 'the prompt name must be a string');
    const owner = await directory.prompt(name, signal);
    const subject: Subject = {
      method,
      server: owner?.upstream.name ?? ctx.catalog.ownerByPrefix(name)?.name ?? 'unknown',
      tool: owner?.name ?? recordedItem(name),
    };
    if (!owner) return { subject, args, unknown: `unknown prompt "${recordedItem(name)}"` };
    return { subject, args, forward: (a, s) => forward(owner, a, s) };
  }

  const read: Resolver = (origin, params, signal) =>
    aboutResource('resources/read', params.uri, {}, signal, (u, _a, s) => ask(origin, u, 'resources/read', params, s));

  const subscribe: Resolver = (origin, params, signal) =>
    aboutResource('resources/subscribe', params.uri, {}, signal, async (upstream, _a, s) => {
      // A client's own upstream session (per-client) is subscribed for it alone; a shared one once for all.
      if (upstream.perClient) {
        await ask(origin, upstream, 'resources/subscribe', params, s);
        return {};
      }
      const key = subscriptionKey(upstream, params.uri as string);
      if (!ctx.routes.subscribersOf(key).size) await ask(origin, upstream, 'resources/subscribe', params, s);
      ctx.routes.subscribe(key, origin.session);
      return {};
    });

  const getPrompt: Resolver = (origin, params, signal) =>
    aboutPrompt('prompts/get', params.name, objectParam(params.arguments, 'prompts/get params.arguments'), signal, (owner, args, s) =>
      ask(
        origin,
        owner.upstream,
        'prompts/get',
        { ...params, name: owner.name, ...(params.arguments === undefined && Object.keys(args).length === 0 ? {} : { arguments: args }) },
        s,
      ),
    );

  const complete: Resolver = (origin, params, signal) => {
    const ref = objectParam(params.ref, 'completion/complete params.ref');
    // What a completion asks about besides its reference: the argument typed so far, and the context.
    const args: Params = { argument: params.argument, ...(params.context === undefined ? {} : { context: params.context }) };
    const forward = (upstream: Upstream, ownRef: Params, a: Params, s: AbortSignal) =>
      ask(origin, upstream, 'completion/complete', { ...params, ...a, ref: ownRef }, s);
    if (ref.type === 'ref/prompt')
      return aboutPrompt('completion/complete', ref.name, args, signal, (owner, a, s) => forward(owner.upstream, { ...ref, name: owner.name }, a, s));
    return aboutResource('completion/complete', ref.uri, args, signal, (upstream, a, s) => forward(upstream, ref, a, s));
  };

  // A request that arrives while the gateway drains is refused at once, with its receipt like any refusal.
  const governed =
    (resolve: Resolver): MethodHandler =>
    async (session, request, extra) => {
      const draining = ctx.inFlight.draining;
      return ctx.inFlight.track(async () => methodResult(await ctx.handler.handle(await toGate(ctx, session, request, extra, resolve, draining))));
    };

  return [
    ['resources/read', governed(read)],
    ['resources/subscribe', governed(subscribe)],
    ['prompts/get', governed(getPrompt)],
    ['completion/complete', governed(complete)],
  ];
}

/** The request as the gate takes it: described, with progress on the client's token and the way upstream. */
async function toGate(
  ctx: GatewayContext,
  session: ClientSession,
  request: JSONRPCRequest,
  extra: Extra,
  resolve: Resolver,
  draining: boolean,
): Promise<ToolCall> {
  const params = (request.params ?? {}) as Params;
  const resolved = await resolve({ session, requestId: request.id }, params, extra.signal);
  const { request: described, refused } = describeRequest(ctx, session, request.id, resolved.subject, resolved.args);
  const quarantine: Quarantine | undefined = draining
    ? { action: 'deny', reason: DRAINING_MESSAGE }
    : resolved.unknown
      ? { action: 'silence', reason: resolved.unknown }
      : refused;
  const forward = quarantine ? undefined : resolved.forward;
  const call: ToolCall = {
    request: described,
    quarantine,
    signal: extra.signal,
    dispatch: (args, signal) => (forward ? forward(args, signal) : Promise.reject(new Error(`${quarantine?.reason}: not forwarded`))),
  };
  const token = (params._meta as { progressToken?: unknown } | undefined)?.progressToken;
  if (typeof token === 'string' || typeof token === 'number') {
    call.progress = (progress, message) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, message } });
  }
  return call;
}

/** Untrusted: a client's params member that must be an object when present. */
function objectParam(value: unknown, what: string): Params {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new McpError(ErrorCode.InvalidParams, `${what} must be an object`);
  return value as Params;
}
