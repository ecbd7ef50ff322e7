// Input-required results (MCP 2026-07-28, "Multi Round-Trip Requests") for clients of that revision in
// front of 2025-11-25 upstreams. An upstream asks for input by sending sampling/createMessage,
// elicitation/create or roots/list during the call; such a client gets no requests, so the gateway
// answers its tools/call, prompts/get or resources/read with an input-required result carrying those
// requests, keeps the upstream's call in flight, and answers the upstream's requests with the
// client's inputResponses when it retries with the requestState (docs/gateway.md, "Input-required
// results"). The state is the SDK's HMAC codec (signed, expiring) over the pending call's id and
// round; the call is bound to the principal and the request it started with, and a round is taken
// once, so a replayed state is refused. By hand because the SDK does the reverse only (a v2
// server's input-required result turned into requests to a 2025-11-25 client).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createRequestStateCodec } from '@modelcontextprotocol/server';
import {
  CreateMessageResultSchema,
  CreateMessageResultWithToolsSchema,
  ElicitResultSchema,
  ErrorCode,
  ListRootsResultSchema,
  type JSONRPCMessage,
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { canonicalJson, type Principal } from '../core/index.js';

/** Where an upstream may name the key its request gets in `inputRequests` (else the gateway names it). */
export const INPUT_KEY_META_KEY = 'dev.toolgate/input_key';
/** The requests the revision lets answer with an input-required result. */
const ROUND_TRIP_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);
/** Requests an upstream sends together (as the SDK's own shim does) reach the client as one round: the round closes this long after the last. */
const SETTLE_MS = 50;
const KEY = /^[A-Za-z0-9_.-]{1,64}$/;

/** One request on the internal session: its answer, and how to cancel it or answer a request it caused. */
export interface InternalRequest {
  answer: Promise<JSONRPCMessage | undefined>;
  cancel(reason: string): void;
  reply(message: JSONRPCMessage): void;
  /** Where the request's notifications go from now on (the response of the POST that waits on it); nowhere when undefined. */
  relay(notes: ((notification: JSONRPCNotification) => void) | undefined): void;
}

/** Where requests go: the internal session's transport, which hands the server's requests made during one to `asks`. */
export interface Dispatcher {
  begin(request: JSONRPCRequest, asks: (ask: JSONRPCRequest) => void): InternalRequest;
}

type Params = Record<string, unknown>;
type StatePayload = { c: string; r: number };
/** An upstream request waiting for the client: its id on the internal session, and as the client is shown it. */
type Ask = { id: RequestId; method: string; shown: Params };

/** Which result a response to each kind of request must be (the v1 SDK's schemas). */
const RESULT_OF: Record<string, (value: unknown) => boolean> = {
  'elicitation/create': (v) => ElicitResultSchema.safeParse(v).success,
  'sampling/createMessage': (v) => CreateMessageResultSchema.safeParse(v).success || CreateMessageResultWithToolsSchema.safeParse(v).success,
  'roots/list': (v) => ListRootsResultSchema.safeParse(v).success,
};

export class InputRounds {
  private readonly pending = new Map<string, PendingCall>();
  private readonly codec;

  constructor(private readonly waitMs: number) {
    // A per-gateway secret: a state is good only for the process that holds the call it names.
    this.codec = createRequestStateCodec<StatePayload>({ key: randomBytes(32), ttlSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
  }

  static answers(method: string): boolean {
    return ROUND_TRIP_METHODS.has(method);
  }

  /**
   * The answer to `request` (the envelope already taken out): the call's answer, an input-required
   * result, or an error about the round-trip params; undefined when the client went away first.
   * Untrusted: `request.params` (its requestState and inputResponses above all).
   */
  async serve(
    dispatcher: Dispatcher,
    principal: Principal,
    request: JSONRPCRequest,
    res: ServerResponse,
    notes?: (notification: JSONRPCNotification) => void,
  ): Promise<JSONRPCMessage | undefined> {
    const sent = (request.params ?? {}) as Params;
    const { requestState, inputResponses } = sent;
    // Most requests carry neither: they go on as they came, without copies.
    const params = requestState === undefined && inputResponses === undefined ? sent : withoutRoundTrip(sent);
    const refuse = (message: string) => ({
      jsonrpc: '2.0' as const,
      id: request.id,
      error: { code: ErrorCode.InvalidParams, message: `Invalid params: ${message}` },
    });
    const malformed = checkResponses(inputResponses);
    if (malformed) return refuse(malformed);
    // Hashed only when a retry is checked against it: most calls never ask for input.
    const binding = () => bindingOf(principal, request.method, params);
    let call: PendingCall;
    if (requestState === undefined) {
      // Responses without a state of toolgate's answer nothing the gateway asked: they go to the
      // upstream as sent, which may take them as answers to what it would ask (SEP-2322).
      const upstream = inputResponses === undefined ? params : { ...params, inputResponses };
      call = new PendingCall(dispatcher, upstream === request.params ? request : { ...request, params: upstream }, binding);
      this.pending.set(call.id, call);
    } else {
      const found = await this.resume(requestState, binding(), (inputResponses ?? {}) as Params);
      if (typeof found === 'string') return refuse(found);
      call = found;
    }
    const outcome = await call.settled(res, notes);
    if (outcome === 'gone') return this.end(call);
    if (outcome === 'answered') return { ...this.end(call)!, id: request.id } as JSONRPCMessage;
    const state = await this.codec.mint({ c: call.id, r: call.round });
    call.await(this.waitMs, () => this.end(call));
    return { jsonrpc: '2.0', id: request.id, result: { resultType: 'input_required', inputRequests: call.inputRequests(), requestState: state } };
  }

  /** The gateway stops: calls waiting for a retry are cancelled. */
  close(): void {
    for (const call of this.pending.values()) call.cancel('the gateway stopped');
    this.pending.clear();
  }

  private end(call: PendingCall): JSONRPCMessage | undefined {
    this.pending.delete(call.id);
    return call.ended();
  }

  /** The call a retry names, its round taken and the client's responses passed upstream; or why not. */
  private async resume(state: unknown, binding: string, responses: Params): Promise<PendingCall | string> {
    if (typeof state !== 'string') return 'requestState must be a string';
    let payload: StatePayload;
    try {
      payload = await this.codec.verify(state, undefined as never);
    } catch (err) {
      return (err as Error).message === 'expired' ? 'the requestState expired' : 'the requestState failed verification';
    }
    const call = this.pending.get(payload.c);
    // Another principal's state, or one for another request, reads as one that names nothing.
    if (!call || call.binding() !== binding) return 'the requestState names no call of this request';
    if (call.round !== payload.r) return 'the requestState was used already';
    const invalid = call.invalidResponse(responses);
    if (invalid) return invalid;
    call.answer(responses);
    return call;
  }
}

/** One client request that asked for input: its call on the internal session and the upstream requests it waits on. */
class PendingCall {
  readonly id = randomUUID();
  /** The round the client may answer next; a state names one round and is good for it alone. */
  round = 0;
  private readonly asked = new Map<string, Ask>();
  private readonly internal: InternalRequest;
  /** The call's answer once it came (undefined: none yet; null: the call went away). */
  private final: JSONRPCMessage | null | undefined;
  private waiters: Array<() => void> = [];
  private settle?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;
  private counter = 0;
  private bound?: string;

  constructor(
    dispatcher: Dispatcher,
    request: JSONRPCRequest,
    private readonly bindingOf: () => string,
  ) {
    this.internal = dispatcher.begin(request, (ask) => this.asks(ask));
    void this.internal.answer.then((answer) => {
      this.final = answer ?? null;
      clearTimeout(this.settle);
      this.wake();
    });
  }

  /** What binds a retry to this call (principal, method, params), computed once when first asked for. */
  binding(): string {
    this.bound ??= this.bindingOf();
    return this.bound;
  }

  /**
   * Until the call answered, or its requests of this round are all in, its notifications meanwhile
   * to `notes`; a client that goes away first cancels the call.
   */
  async settled(res: ServerResponse, notes?: (notification: JSONRPCNotification) => void): Promise<'answered' | 'asking' | 'gone'> {
    let gone = false;
    const leave = () => {
      gone = true;
      this.cancel('the client went away');
    };
    res.once('close', leave);
    this.internal.relay(notes);
    while (this.final === undefined && !gone && (this.asked.size === 0 || this.settle !== undefined)) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    res.off('close', leave);
    this.internal.relay(undefined);
    if (gone || this.final === null) return 'gone';
    return this.final === undefined ? 'asking' : 'answered';
  }

  ended(): JSONRPCMessage | undefined {
    clearTimeout(this.expiry);
    return this.final ?? undefined;
  }

  inputRequests(): Record<string, Params> {
    return Object.fromEntries([...this.asked].map(([key, ask]) => [key, ask.shown]));
  }

  /** Waits for the retry; when none comes in time the call is cancelled, and so are the requests it made. */
  await(waitMs: number, expired: () => void): void {
    this.expiry = setTimeout(() => {
      this.cancel(`no retry came within ${waitMs} ms`);
      expired();
    }, waitMs);
    this.expiry.unref();
  }

  /** Why a response the retry carries for a pending request is not one (extra keys are ignored). */
  invalidResponse(responses: Params): string | undefined {
    for (const [key, ask] of this.asked) {
      if (Object.hasOwn(responses, key) && !answersRequest(ask.method, responses[key]))
        return `inputResponses["${key}"] is not a valid result of ${ask.method}`;
    }
    return undefined;
  }

  /** The round is taken: each pending request the client answered is answered upstream; the others are asked again. */
  answer(responses: Params): void {
    this.round++;
    clearTimeout(this.expiry);
    for (const [key, ask] of this.asked) {
      if (!Object.hasOwn(responses, key)) continue;
      this.asked.delete(key);
      this.internal.reply({ jsonrpc: '2.0', id: ask.id, result: responses[key] as Params });
    }
    if (this.asked.size > 0) this.arm();
  }

  cancel(reason: string): void {
    clearTimeout(this.settle);
    clearTimeout(this.expiry);
    this.internal.cancel(reason);
    for (const ask of this.asked.values()) {
      this.internal.reply({ jsonrpc: '2.0', id: ask.id, error: { code: ErrorCode.RequestTimeout, message: `the client did not answer: ${reason}` } });
    }
    this.asked.clear();
  }

  private asks(ask: JSONRPCRequest): void {
    const { key, shown } = inputRequest(
      ask,
      (k) => this.asked.has(k),
      () => ++this.counter,
    );
    this.asked.set(key, { id: ask.id, method: ask.method, shown });
    this.arm();
  }

  private arm(): void {
    clearTimeout(this.settle);
    this.settle = setTimeout(() => {
      this.settle = undefined;
      this.wake();
    }, SETTLE_MS);
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/**
 * An upstream's request as the client is shown it in `inputRequests`, under the key the request
 * names for itself when free, else one of the gateway's (`serial` numbers them).
 */
export function inputRequest(ask: { method: string; params?: unknown }, taken: (key: string) => boolean, serial: () => number): { key: string; shown: Params } {
  const params = { ...(ask.params ?? {}) } as Params;
  const meta = { ...(params._meta as Params | undefined) };
  const named = meta[INPUT_KEY_META_KEY];
  delete meta[INPUT_KEY_META_KEY];
  if (Object.keys(meta).length > 0) params._meta = meta;
  else delete params._meta;
  // The revision's URL-mode elicitation has no elicitationId: retries name it by the key.
  if (ask.method === 'elicitation/create') delete params.elicitationId;
  const key = typeof named === 'string' && KEY.test(named) && !taken(named) ? named : `${ask.method.split('/')[0]}-${serial()}`;
  const shown = ask.method === 'roots/list' && Object.keys(params).length === 0 ? { method: ask.method } : { method: ask.method, params };
  return { key, shown };
}

/** Whether a client's response is a result of the request it answers. */
export function answersRequest(method: string, response: unknown): boolean {
  return Object.hasOwn(RESULT_OF, method) && RESULT_OF[method]!(response);
}

/** Why `inputResponses` is not a map of results (each an object); undefined when it is, or absent. */
export function checkResponses(responses: unknown): string | undefined {
  if (responses === undefined) return undefined;
  if (responses === null || typeof responses !== 'object' || Array.isArray(responses)) return 'inputResponses must be an object';
  for (const [key, value] of Object.entries(responses)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return `inputResponses["${key}"] must be an object (the result of the request it answers)`;
  }
  return undefined;
}

/** A request's params without the round-trip fields the gateway answers itself. */
function withoutRoundTrip(params: Params): Params {
  const { requestState: _state, inputResponses: _responses, ...rest } = params;
  return rest;
}

/** The principal and the request (method and params, without `_meta`) a state is good for. */
function bindingOf(principal: Principal, method: string, params: Params): string {
  const { _meta, ...salient } = params;
  return createHash('sha256')
    .update(canonicalJson({ principal: principal.id, method, params: salient }) ?? '')
    .digest('hex');
}
