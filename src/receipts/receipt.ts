// Sealing a receipt body into a signed DSSE envelope, and verifying one as a sequence of small named
// checks: envelope shape, payload decoding, canonical form, body schema, key, validity, signature.
import { isUtf8 } from 'node:buffer';
import { assertReceiptBody, type ReceiptBody } from './body.js';
import { certifiedKey } from './certificate.js';
import { canonicalJson, isCanonicalJsonOf, leafHash } from './canonical.js';
import { EnvelopeSchema, envelopeOf, pae, paeOfEnvelope, RECEIPT_MEDIA_TYPE, type Envelope } from './dsse.js';
import { verifySignature, type Signer } from './ed25519.js';
import { ReceiptError } from './errors.js';
import { parseJsonText } from './json-text.js';
import type { Keyring } from './keyring.js';
import { assertRotation } from './rotation.js';

export interface SealedReceipt {
  envelope: Envelope;
  body: ReceiptBody;
  /** The canonical body bytes P. */
  payload: Buffer;
  /** sha256(0x00 || P). */
  leafHash: Buffer;
}

/** A body made ready to sign: its canonical bytes P, the PAE to sign, and its leaf hash. */
interface PreparedReceipt {
  body: ReceiptBody;
  payload: Buffer;
  pae: Buffer;
  leafHash: Buffer;
}

function prepareReceipt(body: ReceiptBody): PreparedReceipt {
  const payload = Buffer.from(canonicalJson(body), 'utf8');
  return { body, payload, pae: pae(RECEIPT_MEDIA_TYPE, payload), leafHash: leafHash(payload) };
}

/** Canonicalize, sign PAE(type, P) and wrap. The body must already name `signer.keyId` as issuer key. */
export function sealReceipt(body: ReceiptBody, signer: Signer): SealedReceipt {
  const prepared = prepareReceipt(body);
  return { ...prepared, envelope: envelopeOf(prepared.payload, signer.keyId, signer.sign(prepared.pae)) };
}

/** Untrusted input: the envelope shape, or a typed error naming the first bad field. */
export function assertReceiptEnvelope(value: unknown): Envelope {
  const parsed = EnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReceiptError('envelope_invalid', `envelope: ${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** Untrusted input: one envelope as JSON text (one ledger line, one file). */
export function parseEnvelopeJson(text: string): Envelope {
  return assertReceiptEnvelope(parseJsonText(text));
}

/** P as bytes, the body parsed from it, and the check that P is exactly the canonical form of the body. */
export function openPayload(envelope: Envelope): { payload: Buffer; body: ReceiptBody } {
  const payload = Buffer.from(envelope.payload, 'base64');
  return { payload, body: bodyOf(payload) };
}

/** The body P holds: parsed, checked to be exactly P's canonical form, and checked against the schema. */
function bodyOf(payload: Buffer): ReceiptBody {
  const text = payload.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ReceiptError('payload_invalid', `payload is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isCanonicalPayload(payload, text, json)) {
    canonicalJson(json); // a value with no canonical form (a number out of range) is body_invalid, as it always was
    throw new ReceiptError('not_canonical', 'payload is not RFC 8785 canonical JSON');
  }
  return assertReceiptBody(json);
}

/**
 * Whether P is byte for byte the canonical text of `json`, parsed from P's `text`: that text is the
 * canonical one (checked without writing it), and P is UTF-8, so that it holds exactly that text's
 * bytes (a decoder reads bytes that are not UTF-8 as U+FFFD; the canonical text has no lone
 * surrogate, so its UTF-8 is always valid).
 */
function isCanonicalPayload(payload: Buffer, text: string, json: unknown): boolean {
  try {
    return isCanonicalJsonOf(json, text) && isUtf8(payload);
  } catch {
    return false; // not JSON numbers: canonicalJson names them
  }
}

export interface VerifiedReceipt extends SealedReceipt {
  keyId: string;
  /** The keyring key that vouches for the receipt: the signing key, or the one that certified it. */
  authority: string;
}

/** The public key that signs a receipt, and the keyring key behind it (certificate.ts). */
function signingKey(body: ReceiptBody, keyring: Keyring): { publicKey: Uint8Array; authority: string } {
  const { key_id, cert } = body.issuer;
  if (cert) return { publicKey: certifiedKey(key_id, cert, body.ts, keyring), authority: cert.by };
  return { publicKey: keyring.keyAt(key_id, body.ts).publicKey, authority: key_id };
}

/**
 * Verify one envelope against a keyring: shape, payload, canonical form, schema, the signing key
 * (known, named by the body, valid at the body's `ts`, or certified by such a key), the signature over PAE (the one equation of
 * ed25519.ts, the same for one receipt and for a whole ledger), and what a rotate receipt names.
 */
export function verifyReceipt(value: unknown, keyring: Keyring): VerifiedReceipt {
  return verifyEnvelope(assertReceiptEnvelope(value), keyring);
}

/** `verifyReceipt` from its second step on, for an envelope that already passed its schema. */
export function verifyEnvelope(envelope: Envelope, keyring: Keyring): VerifiedReceipt {
  const { pae: signed, payload } = paeOfEnvelope(envelope);
  const body = bodyOf(payload);
  const [signature] = envelope.signatures as [Envelope['signatures'][number]];
  if (signature.keyid !== body.issuer.key_id) {
    throw new ReceiptError('key_mismatch', `signature keyid ${signature.keyid} differs from issuer.key_id ${body.issuer.key_id}`);
  }
  const { publicKey, authority } = signingKey(body, keyring);
  const sig = Buffer.from(signature.sig, 'base64');
  if (!verifySignature(sig, signed, publicKey)) {
    throw new ReceiptError('signature_invalid', `signature by ${signature.keyid} does not verify`);
  }
  if (body.event === 'rotate') assertRotation(body, authority);
  return { envelope, body, payload, leafHash: leafHash(payload), keyId: signature.keyid, authority };
}
