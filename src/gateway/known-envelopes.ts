// The v2 SDK's classifier of 2026-07-28 requests validates each request's `_meta` envelope against
// the revision's schemas, which costs more per call than the rest of toolgate's modern edge. A client
// sends the same `_meta` with every request, so an envelope the classifier accepted is remembered
// (as serialized) and a request carrying it again gets only the checks that do not depend on it: a
// JSON-RPC request's shape and the headers the classifier cross-checks with the body. Anything else
// (a new envelope, a progress token, a notification) goes to the classifier as before.
import type { IncomingMessage } from 'node:http';
import { PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';

/** Envelopes remembered at most; past that the memory starts afresh (a client's next request refills it). */
const MAX_KNOWN = 1000;

export class KnownEnvelopes {
  private readonly known = new Set<string>();

  /** The request, when `body` is a request whose envelope the classifier accepted before and whose headers agree; else undefined. Untrusted: `body`. */
  request(req: IncomingMessage, body: unknown): JSONRPCRequest | undefined {
    if (!isObject(body) || body.jsonrpc !== '2.0' || 'result' in body || 'error' in body) return undefined;
    const { id, method, params } = body;
    if (typeof method !== 'string' || !(typeof id === 'string' || Number.isSafeInteger(id)) || !isObject(params) || !isObject(params._meta)) return undefined;
    if (!this.known.has(JSON.stringify(params._meta))) return undefined;
    const version = req.headers['mcp-protocol-version'];
    const named = req.headers['mcp-method'];
    if (version !== undefined && (typeof version !== 'string' || version.trim() !== params._meta[PROTOCOL_VERSION_META_KEY])) return undefined;
    if (named !== undefined && (typeof named !== 'string' || named.trim() !== method)) return undefined;
    return body as unknown as JSONRPCRequest;
  }

  /** A request the classifier took as one of this era: its envelope is known from now on. */
  remember(request: JSONRPCRequest): void {
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.add(JSON.stringify(request.params?._meta));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
