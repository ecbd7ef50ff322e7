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

/** A JSON-RPC error answered by the upstream itself: forwarded to the client as it was sent. */
export class UpstreamRpcError extends Error {
  constructor(readonly rpcError: { code: number; message: string; data?: unknown }) {
    super(rpcError.message);
  }
}
