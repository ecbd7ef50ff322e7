// What a `rotate` receipt must say to be a hand-over at all, checked on the receipt alone (both
// verifiers): the key it hands over to is a valid key (the same check as a keyring entry) whose id
// matches, it is not the key it hands over from, and the receipt is signed by one of the two. Whether
// it is signed by the right one (the old key, or the new one when the keyring marks the old one lost)
// and whether the keys then sign in turn is the ledger's key timeline (ledger/key-timeline.ts).
import type { RotateReceiptBody } from './body.js';
import { assertStrictPublicKey, keyIdOf } from './ed25519.js';
import { ReceiptError } from './errors.js';

function invalid(message: string, cause?: unknown): never {
  throw new ReceiptError('rotation_invalid', `rotate receipt: ${message}`, cause ? { cause } : undefined);
}

/**
 * Untrusted input (a verified body, signed by or under the keyring key `authority`): the checks above,
 * or a typed error; returns the new key's bytes.
 */
export function assertRotation(body: RotateReceiptBody, authority: string): Uint8Array {
  const { from_key_id: from, to_key_id: to, to_public_key } = body.rotation;
  const publicKey = new Uint8Array(Buffer.from(to_public_key, 'base64'));
  try {
    assertStrictPublicKey(publicKey);
  } catch (err) {
    invalid(`rotation.to_public_key: ${(err as Error).message}`, err);
  }
  if (keyIdOf(publicKey) !== to) invalid(`rotation.to_key_id ${to} is not the id of rotation.to_public_key (${keyIdOf(publicKey)})`);
  if (from === to) invalid('hands over from a key to itself');
  if (authority !== from && authority !== to) invalid(`signed by ${authority}, neither the old key ${from} nor the new key ${to}`);
  return publicKey;
}
