// The upstream area's one error class. Its messages are safe to show to a client: they name the
// upstream and what went wrong, never an argument value, a credential or the upstream's stderr.
import { ToolgateError } from '../core/errors.js';

export type UpstreamErrorCode =
  | 'upstream_unavailable'
  | 'upstream_not_sent'
  | 'upstream_timeout'
  | 'upstream_closed'
  | 'upstream_start_failed'
  | 'upstream_cancelled'
  | 'tool_name_collision';

export class UpstreamError extends ToolgateError<UpstreamErrorCode> {}

export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}

/** Codes of a request that never left toolgate (the upstream was unavailable, or the request was cancelled first). */
const NOT_SENT: ReadonlySet<UpstreamErrorCode> = new Set(['upstream_unavailable', 'upstream_not_sent']);

/**
 * What became of a request that got no result: never sent (it did not run), answered by the upstream
 * with an error, or sent and never answered (a timeout, a dropped connection, a cancellation; and
 * any fault this area cannot place): then it may have run.
 */
export function fateOf(err: unknown): 'not_sent' | 'answered' | 'unanswered' {
  if (err instanceof UpstreamRpcError) return 'answered';
  if (err instanceof UpstreamError && NOT_SENT.has(err.code)) return 'not_sent';
  return 'unanswered';
}

/** A JSON-RPC error answered by the upstream itself: forwarded to the client as it was sent. */
export class UpstreamRpcError extends Error {
  constructor(readonly rpcError: RpcError) {
    super(rpcError.message);
  }
}

/** Untrusted: an upstream's `error` member, read as the SDK reads one (an integer code and a message, else an internal error). */
export function rpcErrorOf(error: unknown): RpcError {
  const { code, message, data } = (error !== null && typeof error === 'object' ? error : {}) as Partial<Record<keyof RpcError, unknown>>;
  return {
    code: Number.isSafeInteger(code) ? (code as number) : -32603,
    message: typeof message === 'string' ? message : 'Internal error',
    ...(data === undefined ? {} : { data }),
  };
}
