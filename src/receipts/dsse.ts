// DSSE envelopes: the media type, the pre-authentication encoding (PAE) that is actually signed,
// and the envelope schema. https://github.com/secure-systems-lab/dsse/blob/master/protocol.md
import { z } from 'zod';
import { asBuffer } from './bytes.js';
import { ReceiptError } from './errors.js';

export const RECEIPT_MEDIA_TYPE = 'application/vnd.toolgate.receipt.v1+json';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Whether padded base64 is the one encoding of its bytes: the bits a padded last group leaves over
 * are zero. Decoders ignore those bits, so without this check one receipt has several byte forms.
 */
export function isCanonicalBase64(text: string): boolean {
  if (text.endsWith('==')) return (ALPHABET.indexOf(text[text.length - 3]!) & 0b1111) === 0;
  if (text.endsWith('=')) return (ALPHABET.indexOf(text[text.length - 2]!) & 0b11) === 0;
  return true;
}

/** Standard base64 with padding, as DSSE uses (no URL alphabet, no whitespace): groups of four, "=" only to pad the last. */
function isPaddedBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

/** Padded standard base64 in its one encoding (what the envelope's `payload` and `sig` must be). */
function isStrictBase64(text: string): boolean {
  return isPaddedBase64(text) && isCanonicalBase64(text);
}

const base64 = z.string().refine(isPaddedBase64, 'standard base64 with padding').refine(isCanonicalBase64, 'not canonical base64 (padding bits must be zero)');

const MAX_PAYLOAD = 1_000_000;

export const KEY_ID_PATTERN = /^ed25519:[0-9a-f]{16}$/;

export const EnvelopeSchema = z.strictObject({
  payloadType: z.literal(RECEIPT_MEDIA_TYPE),
  payload: base64.max(MAX_PAYLOAD),
  // toolgate writes exactly one signature; more would leave open which one vouches for the receipt.
  signatures: z.array(z.strictObject({ keyid: z.string().regex(KEY_ID_PATTERN, 'ed25519:<16 hex digits>'), sig: base64.length(88) })).length(1),
});

export type Envelope = z.infer<typeof EnvelopeSchema>;

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in ASCII decimal bytes. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(paeHead(payloadType, payload.length), 'utf8'), payload]);
}

/**
 * PAE(type, P) for the `payload` of an envelope that passed its schema (strict base64): P decoded
 * straight into its place in the PAE, one buffer for both (verifying allocates no other copy of P).
 */
export function paeOfEnvelope({ payloadType, payload }: Envelope): { pae: Buffer; payload: Buffer } {
  const length = Buffer.byteLength(payload, 'base64');
  const head = paeHead(payloadType, length);
  const headLength = Buffer.byteLength(head, 'utf8');
  const bytes = Buffer.allocUnsafe(headLength + length);
  bytes.write(head, 0, 'utf8');
  if (bytes.write(payload, headLength, 'base64') !== length) throw new ReceiptError('envelope_invalid', 'envelope: payload: standard base64 with padding');
  return { pae: bytes, payload: bytes.subarray(headLength) };
}

function paeHead(payloadType: string, payloadLength: number): string {
  return `DSSEv1 ${Buffer.byteLength(payloadType, 'utf8')} ${payloadType} ${payloadLength} `;
}

/**
 * Canonical receipt payloads, one after the other in `bytes`, to be signed together. `bytes` must be
 * a buffer of its own (not a view into a shared one): a threaded signer transfers it to its worker.
 */
export interface PayloadBatch {
  bytes: Uint8Array;
  lengths: number[];
}

/** A signed batch: 64 bytes of signature per payload, and the envelope lines to append to a ledger. */
export interface SignedBatch {
  signatures: Uint8Array;
  /** One `envelopeLine` per payload, in order, as bytes. */
  lines: Uint8Array;
  lineLengths: number[];
}

/** Sign each payload of a batch and build its envelope line: on the signer's worker or inline. */
export function signPayloads(batch: PayloadBatch, keyId: string, sign: (message: Uint8Array) => Uint8Array): SignedBatch {
  const signatures = new Uint8Array(64 * batch.lengths.length);
  const lines: string[] = [];
  let offset = 0;
  for (const [i, length] of batch.lengths.entries()) {
    const payload = batch.bytes.subarray(offset, offset + length);
    const signature = sign(pae(RECEIPT_MEDIA_TYPE, payload));
    signatures.set(signature, i * 64);
    lines.push(envelopeLine(payload, keyId, signature));
    offset += length;
  }
  // Lines are ASCII (base64 and a key id): one byte per character. A buffer of its own, so that it
  // can be transferred between threads.
  const text = lines.join('');
  const bytes = Buffer.allocUnsafeSlow(text.length);
  bytes.write(text, 'latin1');
  return { signatures, lines: bytes, lineLengths: lines.map((l) => l.length) };
}

/**
 * One ledger line: the envelope's JSON and a newline, exactly `JSON.stringify(envelopeOf(...))` (the
 * key id matches KEY_ID_PATTERN and base64 needs no escaping), built without the object.
 */
export function envelopeLine(payload: Uint8Array, keyId: string, signature: Uint8Array): string {
  return `${envelopeText(envelopeOf(payload, keyId, signature))}\n`;
}

/**
 * The one text of a valid envelope on a ledger line (without its newline): compact, members in this
 * order, no escapes. Its strings need none (a constant, a key id, base64), so this is exactly
 * `JSON.stringify(envelope)`; a verifier compares a line with it to refuse every other spelling.
 */
export function envelopeText({ payloadType, payload, signatures }: Envelope): string {
  return `{"payloadType":"${payloadType}","payload":"${payload}","signatures":[{"keyid":"${signatures[0]!.keyid}","sig":"${signatures[0]!.sig}"}]}`;
}

/**
 * Untrusted input: the envelope of a line that is exactly `envelopeText` of a valid envelope, read
 * without a JSON parser or the schema (the fast path of `ledger verify`); undefined for any other
 * text, which the caller then checks the slow way to name what is wrong. Equivalent to parsing and
 * EnvelopeSchema for such a line: its strings are checked by the schema's own tests.
 */
export function envelopeOfText(text: string): Envelope | undefined {
  if (!text.startsWith(LINE_HEAD) || !text.endsWith(LINE_TAIL)) return undefined;
  const payloadEnd = text.indexOf('"', LINE_HEAD.length);
  if (payloadEnd < 0 || !text.startsWith(LINE_KEYID, payloadEnd)) return undefined;
  const keyidStart = payloadEnd + LINE_KEYID.length;
  const keyidEnd = text.indexOf('"', keyidStart);
  if (keyidEnd < 0 || !text.startsWith(LINE_SIG, keyidEnd)) return undefined;
  const sigStart = keyidEnd + LINE_SIG.length;
  if (sigStart + 88 + LINE_TAIL.length !== text.length) return undefined;
  const payload = text.slice(LINE_HEAD.length, payloadEnd);
  const keyid = text.slice(keyidStart, keyidEnd);
  const sig = text.slice(sigStart, sigStart + 88);
  if (payload.length > MAX_PAYLOAD || !KEY_ID_PATTERN.test(keyid) || !isStrictBase64(payload) || !isStrictBase64(sig)) return undefined;
  return { payloadType: RECEIPT_MEDIA_TYPE, payload, signatures: [{ keyid, sig }] };
}

const LINE_HEAD = `{"payloadType":"${RECEIPT_MEDIA_TYPE}","payload":"`;
const LINE_KEYID = '","signatures":[{"keyid":"';
const LINE_SIG = '","sig":"';
const LINE_TAIL = '"}]}';

export function envelopeOf(payload: Uint8Array, keyId: string, signature: Uint8Array): Envelope {
  return {
    payloadType: RECEIPT_MEDIA_TYPE,
    payload: asBuffer(payload).toString('base64'),
    signatures: [{ keyid: keyId, sig: asBuffer(signature).toString('base64') }],
  };
}
