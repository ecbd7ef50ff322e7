// What a client holds after a governed request: the JSON-RPC response, or the result or error in
// it, carrying the call's receipt under RECEIPT_META_KEY (docs/receipts.md §1.3), or a bare receipt.
// Verifying it checks the receipt, then that the receipt's `result.sha256` is the hash of what came
// with it: a receipt proves nothing about a result it does not hash.
import type { ReceiptBody } from './body.js';
import { ReceiptError } from './errors.js';
import type { Keyring } from './keyring.js';
import { verifyReceipt, type VerifiedReceipt } from './receipt.js';
import { errorSha256, RECEIPT_META_KEY, resultSha256 } from './result.js';

/** A receipt with what it came with: a result, a JSON-RPC error, or nothing (a bare receipt). */
type Held =
  | { kind: 'receipt'; envelope: unknown }
  | { kind: 'result'; envelope: unknown; result: Record<string, unknown> }
  | { kind: 'error'; envelope: unknown; error: { code: number; message: string; data?: unknown } };

export interface VerifiedHolding {
  receipt: VerifiedReceipt;
  /** Whether the receipt hashes the result or error it came with, which matched. */
  bound: boolean;
  /** What the receipt says of what came with it, in words (a bare receipt: undefined). */
  binding?: string;
}

/** Untrusted input: anything a client holds. Verifies the receipt, then binds it to its result or error. */
export function verifyHeld(value: unknown, keyring: Keyring): VerifiedHolding {
  const held = heldOf(value);
  const receipt = verifyReceipt(held.envelope, keyring);
  if (held.kind === 'receipt') return { receipt, bound: false };
  const binding = bindingOf(receipt.body, held);
  return { receipt, bound: 'result' in receipt.body && receipt.body.result !== undefined, binding };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const carried = (holder: unknown): unknown => (isObject(holder) ? holder[RECEIPT_META_KEY] : undefined);

function heldOf(value: unknown): Held {
  if (!isObject(value)) throw noReceipt();
  if ('payloadType' in value) return { kind: 'receipt', envelope: value };
  if ('jsonrpc' in value && ('result' in value || 'error' in value)) return heldOf(value.result ?? value.error);
  if (carried(value._meta) !== undefined) return { kind: 'result', envelope: carried(value._meta), result: value };
  if (typeof value.code === 'number' && typeof value.message === 'string' && carried(value.data) !== undefined) {
    return { kind: 'error', envelope: carried(value.data), error: value as Extract<Held, { kind: 'error' }>['error'] };
  }
  throw noReceipt();
}

function noReceipt(): ReceiptError {
  return new ReceiptError(
    'no_receipt',
    `neither a receipt nor a tool result or JSON-RPC response carrying one (in _meta["${RECEIPT_META_KEY}"], or an error's data["${RECEIPT_META_KEY}"])`,
  );
}

/** Whether the receipt hashes exactly what it came with; a receipt that hashes nothing binds nothing, and says so. */
function bindingOf(body: ReceiptBody, held: Exclude<Held, { kind: 'receipt' }>): string {
  const hashed = 'result' in body ? body.result : undefined;
  if (!hashed) return unboundWords(body.event);
  if (held.kind === 'result') {
    if (body.event !== 'complete') throw mismatch(`the receipt (${body.event}) hashes the upstream's JSON-RPC error, but a result came with it`);
    const actual = resultSha256(held.result);
    if (actual !== hashed.sha256) throw mismatch(`the result does not match the receipt's result.sha256 ${hashed.sha256} (it hashes to ${actual})`);
    if ((held.result.isError === true) !== hashed.is_error) throw mismatch(`the result's isError is not the receipt's result.is_error ${hashed.is_error}`);
    return 'the result matches result.sha256';
  }
  if (body.event !== 'fail') throw mismatch(`the receipt (${body.event}) hashes a result, but a JSON-RPC error came with it`);
  const actual = errorSha256(held.error);
  if (actual !== hashed.sha256) throw mismatch(`the upstream's error does not match the receipt's result.sha256 ${hashed.sha256} (it hashes to ${actual})`);
  if (held.error.code !== hashed.error_code) throw mismatch(`the error's code ${held.error.code} is not the receipt's result.error_code ${hashed.error_code}`);
  return `the upstream's error matches result.sha256 (code ${held.error.code})`;
}

function unboundWords(event: string): string {
  if (event === 'permit') return 'a permit: its complete receipt could not be written, so no receipt binds this result';
  if (event === 'unknown' || event === 'fail') return `${event}: the upstream gave no result, and the receipt binds none`;
  return 'a refusal: the receipt binds no result';
}

const mismatch = (message: string) => new ReceiptError('result_mismatch', message);
