// What the 2026-07-28 revision asks of each request before it is served, and the wire forms of its
// refusals: whether a POST claims the revision at all, the request as the v2 SDK's classifier takes
// it (the body's envelope claim decides; the header is a cross-check), the envelope's protocol
// version, and the request metadata headers of SEP-2243 against the body. Routing what passes is
// era-2026.ts's. By hand where the SDK's own checks of these rungs are not exported.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  classifyInboundRequest,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import { LATEST_PROTOCOL_VERSION, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { sendJson } from '../http/index.js';
import { TASK_METHODS } from './era-2026-tasks.js';
import { KnownEnvelopes } from './known-envelopes.js';

export const MODERN_REVISION = '2026-07-28';
/** What server/discover and an unsupported-version error name: this revision per request, the 2025-11-25 one by initialize. */
export const SUPPORTED_VERSIONS = [MODERN_REVISION, LATEST_PROTOCOL_VERSION];
/** SEP-2243's code for request headers that disagree with the body (HTTP 400). */
const HEADER_MISMATCH = -32020;
/** The methods whose `Mcp-Name` header mirrors a body field (the tasks extension's name their task). */
const NAME_SOURCE: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  ...Object.fromEntries([...TASK_METHODS].map((method) => [method, 'taskId'])),
};
const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY];

/** A request of this era that passed the checks, with its `_meta` (the envelope among it). */
export interface Admitted {
  request: JSONRPCRequest;
  meta: Record<string, unknown>;
}

export class EnvelopeChecks {
  private readonly envelopes = new KnownEnvelopes();

  /**
   * The request of this era in `body`, checked; 'legacy' for traffic of the session era, which the
   * caller serves as before; 'answered' when it was refused (or was a notification) on `res`.
   * Untrusted: `body` is parsed JSON, and the headers.
   */
  admit(req: IncomingMessage, res: ServerResponse, body: unknown): Admitted | 'legacy' | 'answered' {
    // Session-era traffic names no revision of this era: it is left to the session path (and its checks) at once.
    if (!claimsModern(req, body)) return 'legacy';
    const request = this.envelopes.request(req, body) ?? this.classify(req, res, body);
    if (typeof request === 'string') return request;
    const meta = (request.params?._meta ?? {}) as Record<string, unknown>;
    const version = meta[PROTOCOL_VERSION_META_KEY];
    if (version !== MODERN_REVISION) {
      sendJson(
        res,
        400,
        errorOf(request.id, ProtocolErrorCode.UnsupportedProtocolVersion, `Unsupported protocol version: ${JSON.stringify(version)}`, {
          supported: SUPPORTED_VERSIONS,
          requested: version,
        }),
      );
      return 'answered';
    }
    const mismatch = headerProblem(req, request);
    if (mismatch) {
      sendJson(res, 400, errorOf(request.id, HEADER_MISMATCH, `Bad Request: the request headers and body disagree: ${mismatch}`));
      return 'answered';
    }
    return { request, meta };
  }

  /** The request as the v2 SDK's classifier takes it; 'legacy' for the session era, 'answered' when refused or a notification. */
  private classify(req: IncomingMessage, res: ServerResponse, body: unknown): JSONRPCRequest | 'legacy' | 'answered' {
    const route = classifyInboundRequest({
      httpMethod: 'POST',
      body,
      protocolVersionHeader: header(req, 'mcp-protocol-version'),
      mcpMethodHeader: header(req, 'mcp-method'),
      mcpNameHeader: header(req, 'mcp-name'),
    });
    if (route.kind === 'legacy') return 'legacy';
    if (route.kind === 'reject') {
      sendJson(res, route.httpStatus, errorOf(requestIdOf(body), route.code, route.message, route.data));
      return 'answered';
    }
    if (route.messageKind === 'notification') {
      res.writeHead(202).end();
      return 'answered';
    }
    const request = route.message as JSONRPCRequest;
    this.envelopes.remember(request);
    return request;
  }
}

/** Whether the body's `_meta` claims the per-request envelope, or the header names this revision. */
function claimsModern(req: IncomingMessage, body: unknown): boolean {
  const meta = (body as { params?: { _meta?: unknown } } | null)?.params?._meta;
  return (isObject(meta) && PROTOCOL_VERSION_META_KEY in meta) || header(req, 'mcp-protocol-version')?.trim() === MODERN_REVISION;
}

/**
 * Where the headers SEP-2243 requires on every request disagree with the body: MCP-Protocol-Version and
 * Mcp-Method present (the classifier checked their values), and Mcp-Name equal to the name or URI the
 * body carries. The SDK's own check of this rung is not exported.
 */
function headerProblem(req: IncomingMessage, request: JSONRPCRequest): string | undefined {
  if (header(req, 'mcp-protocol-version') === undefined) return 'the required MCP-Protocol-Version header is absent';
  if (header(req, 'mcp-method') === undefined) return `the body names method ${request.method} but the required Mcp-Method header is absent`;
  const field = Object.hasOwn(NAME_SOURCE, request.method) ? NAME_SOURCE[request.method]! : undefined;
  const value = field && (request.params as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string') return undefined;
  const name = header(req, 'mcp-name');
  if (name === undefined) return `the body carries params.${field}=${JSON.stringify(value)} but the required Mcp-Name header is absent`;
  const decoded = decodeHeaderValue(name.trim());
  if (decoded === undefined) return 'the Mcp-Name header carries an invalid Base64 sentinel value';
  if (decoded !== value) return `the body carries params.${field}=${JSON.stringify(value)} but the Mcp-Name header names ${JSON.stringify(decoded)}`;
  return undefined;
}

/** A header value as sent, or its `=?base64?…?=` form decoded (for values a header cannot carry). */
function decodeHeaderValue(value: string): string | undefined {
  if (!value.startsWith('=?base64?') || !value.endsWith('?=')) return value;
  const b64 = value.slice(9, -2);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(b64, 'base64'));
  } catch {
    return undefined;
  }
}

/**
 * The request as the session era knows it: the envelope is the internal session's, not the upstream's.
 * Built from the keys kept rather than copied and deleted from: an object that had keys deleted is slower to
 * read on every path it travels after (the gate, the session, the upstream's writer).
 */
export function withoutEnvelope(request: JSONRPCRequest): JSONRPCRequest {
  const params = request.params as Record<string, unknown> | undefined;
  if (!params || !isObject(params._meta)) return request;
  const { _meta, ...rest } = params;
  const kept = Object.entries(_meta as Record<string, unknown>).filter(([key]) => !ENVELOPE_KEYS.includes(key));
  return { ...request, params: kept.length > 0 ? { ...rest, _meta: Object.fromEntries(kept) } : rest };
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function requestIdOf(body: unknown): string | number | null {
  const id = (body as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

export function errorOf(id: string | number | null, code: number, message: string, data?: unknown) {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } };
}

export function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
