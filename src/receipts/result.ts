// The hash of an upstream's answer as receipts record it (docs/receipts.md §1.3). The client gets a
// result with the call's receipt added under `_meta[RECEIPT_META_KEY]`, or an upstream's JSON-RPC
// error with it added under `data[RECEIPT_META_KEY]`; the hash leaves that member out (and the
// holder, when nothing else is in it), so the client can recompute it from what it holds.
import { canonicalSha256 } from './canonical.js';

/** Where a result or a refusal carries its receipt. */
export const RECEIPT_META_KEY = 'dev.toolgate/receipt';

/** `result.sha256` of a `complete`: the result without toolgate's receipt member and without an empty `_meta`. */
export function resultSha256(result: Record<string, unknown>): string {
  return canonicalSha256(withoutReceipt(result, '_meta'));
}

/** `result.sha256` of a `fail` whose upstream answered a JSON-RPC error: the error, likewise, in its `data`. */
export function errorSha256(error: { code: number; message: string; data?: unknown }): string {
  return canonicalSha256(withoutReceipt(error, 'data'));
}

function withoutReceipt(value: Record<string, unknown>, holder: string): Record<string, unknown> {
  const { [holder]: held, ...rest } = value;
  if (held === null || typeof held !== 'object' || Array.isArray(held)) return value;
  const { [RECEIPT_META_KEY]: _receipt, ...kept } = held as Record<string, unknown>;
  return Object.keys(kept).length ? { ...rest, [holder]: kept } : rest;
}
