// The gateway's one ed25519 equation, in the browser (src/receipts/ed25519.ts says why this one): a
// key is a canonical point of the prime-order subgroup other than the neutral point; a signature
// verifies when S < L, R is not of small order, and the encoding of [S]B - [k]A is R's 32 bytes,
// k = SHA-512(R || A || M) mod L. noble's own verify checks the cofactored equation, which also
// accepts an R with a small-order part; so the points are combined here, with noble's arithmetic.
import * as ed from '@noble/ed25519';
import { concat } from './bytes.js';

const L = ed.Point.CURVE().n;

function scalarLE(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x;
}

/** Throws naming the problem unless `publicKey` passes the gateway's key check. */
export function assertStrictKey(publicKey: Uint8Array): void {
  if (publicKey.length !== 32) throw new Error(`an ed25519 public key has 32 bytes, not ${publicKey.length}`);
  const point = ed.Point.fromBytes(publicKey, false);
  if (point.isSmallOrder()) throw new Error('public key is of small order');
  if (!point.isTorsionFree()) throw new Error('public key has a small-order component');
}

/** For a key that passed `assertStrictKey`. */
export async function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64) return false;
  const rBytes = signature.subarray(0, 32);
  const s = scalarLE(signature.subarray(32));
  if (s >= L) return false;
  let R: ed.Point;
  try {
    R = ed.Point.fromBytes(rBytes, false);
  } catch {
    return false;
  }
  if (R.isSmallOrder()) return false;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-512', concat(rBytes, publicKey, message) as Uint8Array<ArrayBuffer>));
  const k = scalarLE(digest) % L;
  // Public values only: noble's variable-time multiplication (which also takes 0) is right here.
  const check = ed.Point.BASE.multiply(s, false).subtract(ed.Point.fromBytes(publicKey, false).multiply(k, false));
  return check.toBytes().every((byte, i) => byte === rBytes[i]);
}
