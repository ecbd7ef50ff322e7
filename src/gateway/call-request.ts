// How a client's request is described to the gate: the CallRequest every receipt is made of and,
// when the request cannot be forwarded as asked, the quarantine the gate decides it by. Unknown
// names, unavailable upstreams, oversized arguments, arguments with prototype keys, drifted tools
// and URIs a pattern cannot judge all reach the gate, so every refusal is recorded with a receipt
// the client gets back.
import { createHash, randomUUID } from 'node:crypto';
import { ErrorCode, McpError, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { canonicalJson, type CallRequest, type GovernedMethod } from '../core/index.js';
import type { Quarantine } from '../gate/index.js';
import { MAX_RECEIPT_URI } from '../receipts/index.js';
import type { CatalogEntry } from '../upstream/index.js';
import type { GatewayContext } from './context.js';
import { findPrototypeKey } from './prototype-keys.js';
import type { ClientSession } from './session.js';

/** Receipts hold names and request ids of at most this many characters. */
const MAX_NAME = 256;
/** A path into the arguments named in a receipt's reason (which holds 4096 characters) is cut beyond this. */
const MAX_PATH = 1024;
/** What marks a value cut to fit a receipt: the marker, then the sha256 of the whole value. */
const CUT_MARKER = '…sha256:';

export interface DescribedCall {
  request: CallRequest;
  quarantine?: Quarantine;
  /** False for an unknown tool, oversized arguments or arguments with prototype keys: such a call is never sent upstream. */
  forwardable: boolean;
}

/** What a request is about, once the gateway resolved it (or failed to). */
export interface Subject {
  method: GovernedMethod;
  server: string;
  /** The upstream's own name of the tool or prompt; the method for a request about a resource. */
  tool: string;
  /** Untrusted: the client's URI, for a request about a resource. */
  uri?: string;
  toolSha256?: string | null;
  annotations?: Record<string, unknown>;
}

/** Untrusted: `name` and `args` are the client's. */
export function describeCall(
  ctx: GatewayContext,
  session: ClientSession,
  rpcId: RequestId,
  name: string,
  args: Record<string, unknown>,
  entry: CatalogEntry | undefined,
): DescribedCall {
  const surfaced = entry && ctx.surface.of(entry.upstream, entry.tool.name);
  const owner = entry ? undefined : ctx.catalog.ownerByPrefix(name);
  const subject: Subject = {
    method: 'tools/call',
    server: entry ? entry.upstream.name : (owner?.name ?? 'unknown'),
    tool: entry ? entry.tool.name : recordedName(name, owner?.prefix ?? ''),
    toolSha256: surfaced?.pin ?? null,
    annotations: (entry?.tool.annotations as Record<string, unknown> | undefined) ?? {},
  };
  const { request, refused } = describeRequest(ctx, session, rpcId, subject, args);
  if (!entry) {
    const reason =
      owner && owner.state !== 'ready'
        ? `upstream ${owner.name} is unavailable (${owner.lastError}); toolgate is retrying it`
        : `unknown tool "${fitted(name)}"`;
    return { request, quarantine: { action: 'silence', reason }, forwardable: false };
  }
  if (refused) return { request, quarantine: refused, forwardable: false };
  return { request, quarantine: surfaced?.quarantine, forwardable: true };
}

/**
 * The CallRequest of any governed request, and a refusal when its arguments or its URI cannot be
 * judged: arguments over max_argument_bytes or with prototype keys, a URI too long to record, or
 * one with dot segments or encoded separators (a URI pattern cannot tell where such a URI points).
 */
export function describeRequest(
  ctx: GatewayContext,
  session: ClientSession,
  rpcId: RequestId,
  subject: Subject,
  args: Record<string, unknown>,
): { request: CallRequest; refused?: Quarantine } {
  const canonical = canonicalArgs(args);
  const limit = ctx.config.max_argument_bytes;
  // A UTF-16 unit is at most 3 UTF-8 bytes: only long strings need their bytes counted.
  const oversized = canonical.length * 3 > limit && Buffer.byteLength(canonical) > limit;
  const request: CallRequest = {
    callId: randomUUID(),
    session: session.id,
    rpcId: typeof rpcId === 'string' ? fitted(rpcId) : rpcId,
    principal: session.principal,
    method: subject.method,
    server: subject.server,
    tool: subject.tool,
    ...(subject.uri === undefined ? {} : { uri: subject.uri.slice(0, MAX_RECEIPT_URI) }),
    toolSha256: subject.toolSha256 ?? null,
    annotations: subject.annotations ?? {},
    // Oversized arguments are neither kept nor hashed whole: args_sha256 is then a placeholder, the
    // sha256 of the first max_argument_bytes bytes of their canonical JSON, and args are empty.
    args: oversized ? {} : args,
    argsSha256: createHash('sha256')
      .update(oversized ? Buffer.from(canonical.slice(0, limit)).subarray(0, limit) : canonical)
      .digest('hex'),
    now: new Date(),
    ...(session.protocolVersion ? { protocolVersion: session.protocolVersion } : {}),
  };
  return { request, refused: refusedArguments(args, canonical, oversized, limit) ?? refusedUri(subject.uri) };
}

/** Named items of a request (a prompt, an unknown name) as receipts hold them. */
export function recordedItem(name: string): string {
  return fitted(name) || '(empty name)';
}

function refusedArguments(args: Record<string, unknown>, canonical: string, oversized: boolean, limit: number): Quarantine | undefined {
  if (oversized) return { action: 'deny', reason: `the arguments exceed the limit of ${limit} bytes (max_argument_bytes)` };
  const prototypeKey = findPrototypeKey(args, canonical);
  if (!prototypeKey) return undefined;
  const reason = `the arguments hold the key "${prototypeKey.key}" at ${fitted(prototypeKey.path, MAX_PATH)}; keys named __proto__, constructor or prototype are refused at any depth, since an upstream may take them for an object's prototype`;
  return { action: 'deny', reason };
}

/** Dot segments, encoded dots and separators, and backslashes: a server may resolve them past any pattern. */
const SLIPPERY_URI = /(^|[/\\])\.\.?([/\\?#]|$)|%2e|%2f|%5c|\\/i;

function refusedUri(uri: string | undefined): Quarantine | undefined {
  if (uri === undefined) return undefined;
  if (uri.length > MAX_RECEIPT_URI) return { action: 'deny', reason: `the URI is longer than ${MAX_RECEIPT_URI} characters (the receipt holds its beginning)` };
  if (SLIPPERY_URI.test(uri))
    return { action: 'deny', reason: 'the URI has dot segments, encoded dots or separators, or backslashes; ask for the resource by its plain URI' };
  return undefined;
}

/**
 * An unknown name as receipts, logs and stats record it: like a known tool, the upstream's own name
 * (without the prefix of the upstream it names), so `server/tool` never repeats the prefix.
 */
function recordedName(exposed: string, prefix: string): string {
  return fitted(exposed.slice(prefix.length)) || '(empty name)';
}

/**
 * Untrusted text as a receipt field of at most `max` characters. A longer value, or one that holds
 * the marker already, is cut: its start, the marker and the sha256 (hex) of its UTF-8, so a receipt
 * says when a value was cut and the whole value can still be checked against it.
 */
function fitted(value: string, max = MAX_NAME): string {
  if (value.length <= max && !value.includes(CUT_MARKER)) return value;
  let keep = max - CUT_MARKER.length - 64;
  // Never keep half of a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(value.charAt(keep - 1))) keep -= 1;
  return `${value.slice(0, keep)}${CUT_MARKER}${createHash('sha256').update(value).digest('hex')}`;
}

function canonicalArgs(args: Record<string, unknown>): string {
  try {
    return canonicalJson(args) ?? '{}';
  } catch (err) {
    throw new McpError(ErrorCode.InvalidParams, `the arguments cannot be put in canonical JSON: ${(err as Error).message}`);
  }
}
