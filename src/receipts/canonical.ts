// RFC 8785 (JCS) canonical JSON and the sha256 helpers built on it: the same JSON value always
// yields the same bytes, so hashes of arguments, results and receipt bodies are reproducible.
import * as crypto from 'node:crypto';
import { canonicalJson as canonicalText } from '../core/index.js';
export { isCanonicalJsonOf } from '../core/index.js';
import { ReceiptError } from './errors.js';

/** The RFC 8785 canonical JSON text of a JSON value (throws for undefined, NaN, BigInt and cycles); `known` as in core's canonicalJson. */
export function canonicalJson(value: unknown, known?: WeakMap<object, string>): string {
  let text: string | undefined;
  try {
    text = canonicalText(value, known);
  } catch (err) {
    throw new ReceiptError('body_invalid', `value cannot be canonicalized: ${(err as Error).message}`, { cause: err });
  }
  if (text === undefined) throw new ReceiptError('body_invalid', 'value cannot be canonicalized: it is undefined');
  return text;
}

/**
 * Node's one-shot hash (Node >= 20.12) skips the Hash object, a third cheaper per hash on the hottest
 * paths (leaf and Merkle node hashes, the verifier's pending-permit table, argument and result
 * hashes); older Node 20 releases, which toolgate also runs on, get the same digests through createHash.
 */
type OneShot = <E extends 'buffer' | 'hex'>(algorithm: string, data: Uint8Array | string, outputEncoding: E) => E extends 'hex' ? string : Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export const sha256: (data: Uint8Array | string) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data).digest();

export const sha256Hex: (data: Uint8Array | string) => string = oneShot
  ? (data) => oneShot('sha256', data, 'hex')
  : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** `sha256Hex(canonical(value))`: the hash used for `args_sha256` and `result.sha256`. */
export function canonicalSha256(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/**
 * The RFC 6962 leaf hash of a receipt payload: sha256(0x00 || P), P as bytes or as its text (UTF-8).
 * A Hash object here: the one-shot hash of a copy of P with its prefix measured no faster (BENCHMARKS.md).
 */
export function leafHash(payload: Uint8Array | string): Buffer {
  return crypto.createHash('sha256').update(LEAF_PREFIX).update(payload).digest();
}

const LEAF_PREFIX = Uint8Array.of(0);
