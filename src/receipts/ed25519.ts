// ed25519 for receipts: key ids, signing with libsodium (ed25519 signatures are deterministic, so the
// bytes equal node:crypto's and noble's; libsodium signs in about half of OpenSSL's time), strict
// RFC 8032 verification with @noble/ed25519, and the strict public-key check that must pass before
// the libsodium bulk verification path may be used for a key.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import sodium from 'sodium-native';
import { asBuffer } from './bytes.js';
import type { PayloadBatch, SignedBatch } from './dsse.js';
import { ReceiptError } from './errors.js';

// noble's synchronous API needs a sha512; node's is the fastest at hand.
ed.hashes.sha512 = (message: Uint8Array) => new Uint8Array(createHash('sha512').update(message).digest());

/** Signs messages with one key; the ledger and checkpoints sign through this seam. */
export interface Signer {
  readonly keyId: string;
  /** Raw 32-byte public key. */
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
  /**
   * Optional: sign a batch of receipt payloads off the calling thread and build their envelope lines
   * there too (see threaded-signer.ts); the same result as `signPayloads(batch, keyId, sign)`.
   */
  signBatch?(batch: PayloadBatch): Promise<SignedBatch>;
}

/** `ed25519:` + the first 16 hex digits of sha256(raw 32-byte public key). */
export function keyIdOf(publicKey: Uint8Array): string {
  return `ed25519:${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
}

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function assertSeed(seed: Uint8Array): void {
  if (seed.length !== 32) throw new ReceiptError('key_file_invalid', `an ed25519 seed has 32 bytes, not ${seed.length}`);
}

function privateKeyObject(seed: Uint8Array): KeyObject {
  assertSeed(seed);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** A signer from a 32-byte RFC 8032 seed (the "secret key" of RFC 8032). */
export function signerFromSeed(seed: Uint8Array): Signer {
  assertSeed(seed);
  const publicKey = Buffer.alloc(sodium.crypto_sign_PUBLICKEYBYTES);
  // libsodium's secret key is seed || public key. An ordinary buffer: the seed was read from the key
  // file into the heap anyway, and guarded allocations run out of memory mappings after some 16,000 keys.
  const secretKey = Buffer.alloc(sodium.crypto_sign_SECRETKEYBYTES);
  sodium.crypto_sign_seed_keypair(publicKey, secretKey, asBuffer(seed));
  return {
    keyId: keyIdOf(publicKey),
    publicKey: new Uint8Array(publicKey),
    sign: (message) => {
      const signature = Buffer.alloc(sodium.crypto_sign_BYTES);
      sodium.crypto_sign_detached(signature, asBuffer(message), secretKey);
      return signature;
    },
  };
}

/** The seed of a PKCS#8 PEM ed25519 private key (the key file format). */
export function seedFromPem(pem: string): Uint8Array {
  let der: Buffer;
  try {
    der = createPrivateKey({ key: pem, format: 'pem' }).export({ format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new ReceiptError('key_file_invalid', `not a PEM private key: ${(err as Error).message}`, { cause: err });
  }
  if (der.length !== 48 || !der.subarray(0, 16).equals(PKCS8_PREFIX)) {
    throw new ReceiptError('key_file_invalid', 'the private key is not an ed25519 key');
  }
  return new Uint8Array(der.subarray(16));
}

export function pemFromSeed(seed: Uint8Array): string {
  return privateKeyObject(seed).export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Strict public-key check (noble, RFC 8032 decoding): canonical encoding of a curve point that is not
 * of small order. Throws a typed error naming the problem.
 */
export function assertStrictPublicKey(publicKey: Uint8Array): void {
  if (publicKey.length !== 32) throw new ReceiptError('keyring_invalid', `an ed25519 public key has 32 bytes, not ${publicKey.length}`);
  let point: ed.Point;
  try {
    point = ed.Point.fromBytes(publicKey, false);
  } catch (err) {
    throw new ReceiptError('keyring_invalid', `public key is not a canonical ed25519 point: ${(err as Error).message}`, { cause: err });
  }
  if (point.isSmallOrder()) throw new ReceiptError('keyring_invalid', 'public key is of small order');
}

/** How one signature is checked: strict noble for single receipts, libsodium for bulk after key checks. */
export type SignatureCheck = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** RFC 8032 strict verification with @noble/ed25519 (`zip215: false`). */
export const strictVerify: SignatureCheck = (signature, message, publicKey) => {
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
};

/**
 * libsodium verification: several times faster than noble, twice OpenSSL's speed. Only for public keys
 * that passed `assertStrictPublicKey` (the keyring loader checks every key), so weak keys never reach
 * it. It is as strict as noble's RFC 8032 check on everything an honest signer can produce: it
 * rejects S >= L and non-canonical R (it compares R's bytes), and also small-order R.
 */
export const fastVerify: SignatureCheck = (signature, message, publicKey) =>
  signature.length === 64 && publicKey.length === 32 && sodium.crypto_sign_verify_detached(asBuffer(signature), asBuffer(message), asBuffer(publicKey));
