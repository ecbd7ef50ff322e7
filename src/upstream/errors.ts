// The upstream area's one error class. Its messages are safe to show to a client: they name the
// upstream and what went wrong, never an argument value, a credential or the upstream's stderr.
import { ToolgateError } from '../core/errors.js';

export type UpstreamErrorCode =
  | 'upstream_unavailable'
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
