// Receipt keys certified by a long-term key. A PKCS#11 token cannot sign 20,000 receipts a second,
// and its key must never sit in a file: so the token's key (in the keyring like any key) signs a
// certificate for a fresh receipt key that lives only in the gateway's memory for a few hours, and
// every receipt carries that certificate in `issuer.cert`. A verifier holding only the keyring checks
// the certificate, then the receipt's signature with the certified key: receipts stay verifiable
// offline, one by one. The certificate's signature is ed25519 by `by` over
// PAE("application/vnd.toolgate.key-certificate.v1+json", JCS({by, not_after, not_before, public_key})).
import type { KeyCertificate } from './body.js';
import { canonicalJson } from './canonical.js';
import { pae } from './dsse.js';
import { assertStrictPublicKey, keyIdOf, verifySignature, type Signer } from './ed25519.js';
import { ReceiptError } from './errors.js';
import type { Keyring } from './keyring.js';

export const KEY_CERTIFICATE_MEDIA_TYPE = 'application/vnd.toolgate.key-certificate.v1+json';

function signedBytes(cert: Omit<KeyCertificate, 'sig'>): Buffer {
  const { by, not_after, not_before, public_key } = cert;
  return pae(KEY_CERTIFICATE_MEDIA_TYPE, Buffer.from(canonicalJson({ by, not_after, not_before, public_key }), 'utf8'));
}

/** `authority` certifies `publicKey` for receipts dated from `notBefore` to `notAfter`. */
export function certifyKey(authority: Pick<Signer, 'keyId' | 'sign'>, publicKey: Uint8Array, notBefore: Date, notAfter: Date): KeyCertificate {
  const cert = {
    public_key: Buffer.from(publicKey).toString('base64'),
    not_before: notBefore.toISOString(),
    not_after: notAfter.toISOString(),
    by: authority.keyId,
  };
  return { ...cert, sig: Buffer.from(authority.sign(signedBytes(cert))).toString('base64') };
}

/** Certificates already checked (keyed by every field), per keyring: a ledger's receipts share a few. */
const checked = new WeakMap<Keyring, Map<string, { publicKey: Uint8Array; keyId: string }>>();
const CACHE_LIMIT = 1024;

function invalid(message: string): never {
  throw new ReceiptError('certificate_invalid', `issuer.cert: ${message}`);
}

/**
 * Untrusted input (a body that passed its schema): the public key that signs a receipt issued under
 * `keyId` at `ts` with certificate `cert`: the certifying key is in the keyring and valid at `ts`, its
 * signature verifies, the certified key passes the key check and has id `keyId`, and `ts` is inside
 * the certificate's window.
 */
export function certifiedKey(keyId: string, cert: KeyCertificate, ts: string, keyring: Keyring): Uint8Array {
  const authority = keyring.keyAt(cert.by, ts);
  const t = Date.parse(ts);
  if (!(t >= Date.parse(cert.not_before) && t <= Date.parse(cert.not_after)))
    invalid(`the receipt's ts ${ts} is outside ${cert.not_before} .. ${cert.not_after}`);
  let cache = checked.get(keyring);
  if (!cache) checked.set(keyring, (cache = new Map()));
  const whole = `${cert.by} ${cert.public_key} ${cert.not_before} ${cert.not_after} ${cert.sig}`;
  const known = cache.get(whole);
  if (known) {
    if (known.keyId !== keyId) invalid(`certifies ${known.keyId}, not the issuer's key ${keyId}`);
    return known.publicKey;
  }
  const publicKey = new Uint8Array(Buffer.from(cert.public_key, 'base64'));
  try {
    assertStrictPublicKey(publicKey);
  } catch (err) {
    invalid(`public_key: ${(err as Error).message}`);
  }
  if (keyIdOf(publicKey) !== keyId) invalid(`certifies ${keyIdOf(publicKey)}, not the issuer's key ${keyId}`);
  if (!verifySignature(Buffer.from(cert.sig, 'base64'), signedBytes(cert), authority.publicKey)) invalid(`signature by ${cert.by} does not verify`);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(whole, { publicKey, keyId });
  return publicKey;
}
