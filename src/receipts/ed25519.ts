// ed25519 for receipts: key ids, signing with libsodium (ed25519 signatures are deterministic, so the
// bytes equal node:crypto's and noble's; libsodium signs in about half of OpenSSL's time), the one
// signature check every verification path uses (libsodium), and the public-key check (noble) that
// every key passes before that check may be used with it.
import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import * as ed from '@noble/ed25519';
import sodium from 'sodium-native';
import { asBuffer } from './bytes.js';
import type { KeyCertificate } from './body.js';
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
  /** A receipt key certified by a long-term key: the certificate every receipt it signs carries. */
  readonly certificate?: KeyCertificate;
  /** The long-term key behind a certified receipt key: it signs checkpoints and key hand-overs name it. */
  readonly authority?: Signer;
  /** A certified key whose certificate nears its end returns its certified successor here. */
  renewed?(): Signer | undefined;
  /** The signer is done: what it holds (a worker thread) goes once its last batch is signed. */
  retire?(): void;
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
 * The public-key check every key passes before any signature is checked with it (keyring entries and
 * the keys that rotate receipts hand over to): the canonical encoding of a point in the prime-order
 * subgroup, not the neutral point. Honest keys (a clamped scalar times B) always pass; a key with a
 * small-order part would let the cofactored and the cofactorless equations disagree, and a small-order
 * key lets anyone forge. Throws a typed error naming the problem.
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
  if (!point.isTorsionFree()) throw new ReceiptError('keyring_invalid', 'public key has a small-order component (it is not in the prime-order subgroup)');
}

/**
 * THE signature check, the one equation of every verification path (single receipts, proofs,
 * checkpoints, `ledger verify`): libsodium's crypto_sign_verify_detached, for keys that passed
 * `assertStrictPublicKey`. It accepts exactly when S < L, R is not of small order, and the encoding of
 * [S]B - [k]A equals the 32 bytes of R, k = SHA-512(R || A || M) mod L: the cofactorless equation
 * that RFC 8032 section 5.1.7 allows in place of the cofactored one, and the one libsodium, Go's
 * crypto/ed25519 and OpenSSL check. Chosen over the cofactored [8][S]B = [8]R + [8][k]A (noble's, and
 * ZIP 215's) because it is what most independent verifiers an auditor would reach for already do, and
 * because it is the fast one (several times noble's speed, what `ledger verify` needs). The two differ
 * only on signatures whose R has a small-order component, which no honest signer makes; with A in the
 * prime-order subgroup (the key check) the cofactorless equation rejects all of them, so a verifier
 * written from the spec rejects them too.
 */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  return signature.length === 64 && publicKey.length === 32 && sodium.crypto_sign_verify_detached(asBuffer(signature), asBuffer(message), asBuffer(publicKey));
}
