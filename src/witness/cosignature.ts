// C2SP tlog-cosignature v1 with Ed25519 (signature type 0x04): the witness signs "cosignature/v1",
// a "time <unix seconds>" line and the checkpoint's note text; the signature line carries the key
// id and the 8-byte big-endian timestamp before the signature. Verifier keys are C2SP vkeys:
// name+hex(key id)+base64(0x04 || public key). https://c2sp.org/tlog-cosignature
// (ML-DSA-44, which the spec prefers for new deployments, needs a Node version toolgate does not require.)
import { createHash } from 'node:crypto';
import { assertStrictPublicKey, verifySignature, type Signer } from '../receipts/index.js';
import { WitnessError } from './errors.js';

const COSIGNATURE_V1 = 0x04;
/** signed-note: key names are non-empty, without spaces or "+". */
const KEY_NAME = /^[^\s+\u2014]+$/;

/** A witness as its verifiers know it: a name and an Ed25519 public key. */
export interface WitnessKey {
  name: string;
  publicKey: Uint8Array;
}

/** SHA-256(name || "\n" || 0x04 || public key)[:4]. */
export function cosignerKeyId(key: WitnessKey): Buffer {
  return createHash('sha256').update(`${key.name}\n`).update(Uint8Array.of(COSIGNATURE_V1)).update(key.publicKey).digest().subarray(0, 4);
}

export function vkeyOf(key: WitnessKey): string {
  return `${key.name}+${cosignerKeyId(key).toString('hex')}+${Buffer.concat([Uint8Array.of(COSIGNATURE_V1), key.publicKey]).toString('base64')}`;
}

/** Untrusted input (a config or keyring entry): a vkey of an Ed25519 cosigner. */
export function parseVkey(vkey: string): WitnessKey {
  const bad = (why: string): never => {
    throw new WitnessError('witness_key_invalid', `witness key ${JSON.stringify(vkey.slice(0, 120))}: ${why}`);
  };
  // The key material is base64, which may itself hold "+": split at the first two only.
  const m = /^([^+]*)\+([0-9a-f]{8})\+(.*)$/.exec(vkey);
  if (!m) bad('not name+keyid+key');
  const [, name, id, material] = m as unknown as [string, string, string, string];
  if (!KEY_NAME.test(name)) bad('the name is empty or has spaces');
  const raw = Buffer.from(material, 'base64');
  if (raw.toString('base64') !== material || raw.length !== 33 || raw[0] !== COSIGNATURE_V1) bad('not a cosignature/v1 Ed25519 key (type 0x04, 32 bytes)');
  const key = { name, publicKey: new Uint8Array(raw.subarray(1)) };
  try {
    assertStrictPublicKey(key.publicKey);
  } catch (err) {
    bad((err as Error).message);
  }
  if (cosignerKeyId(key).toString('hex') !== id) bad('the key id does not match the name and key');
  return key;
}

/** The bytes a cosignature signs: header, time line, then the checkpoint's note text. */
export function cosignedMessage(noteText: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${noteText}`, 'utf8');
}

/** A note signature line ("— name base64(key id || timestamp || signature)"), with the newline. */
export function cosign(noteText: string, name: string, signer: Pick<Signer, 'publicKey' | 'sign'>, timestamp: number): string {
  if (!(Number.isSafeInteger(timestamp) && timestamp > 0)) throw new RangeError(`a cosignature needs a positive timestamp, not ${timestamp}`);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(timestamp));
  const sig = signer.sign(cosignedMessage(noteText, timestamp));
  const blob = Buffer.concat([cosignerKeyId({ name, publicKey: signer.publicKey }), stamp, sig]);
  return `\u2014 ${name} ${blob.toString('base64')}\n`;
}

export interface Cosignature {
  witness: string;
  /** Unix seconds, as the witness stamped it. */
  timestamp: number;
}

/**
 * Untrusted input: the cosignatures among a note's signature lines (lines without "\n") that are
 * by `witnesses` and verify over `noteText`. Lines by other keys are skipped (signed-note); a line by
 * a known key that does not verify makes the whole note bad, as signed-note recommends.
 */
export function verifyCosignatures(noteText: string, lines: readonly string[], witnesses: readonly WitnessKey[]): Cosignature[] {
  const found: Cosignature[] = [];
  for (const line of lines) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
    if (!m) continue;
    const [, name, b64] = m as unknown as [string, string, string];
    const raw = Buffer.from(b64, 'base64');
    const key = witnesses.find((w) => w.name === name && raw.length === 76 && raw.subarray(0, 4).equals(cosignerKeyId(w)));
    if (!key) continue;
    const timestamp = Number(raw.readBigUInt64BE(4));
    if (!(timestamp > 0 && Number.isSafeInteger(timestamp)) || !verifySignature(raw.subarray(12), cosignedMessage(noteText, timestamp), key.publicKey)) {
      throw new WitnessError('cosignature_invalid', `the cosignature by witness ${name} does not verify`);
    }
    if (!found.some((f) => f.witness === name)) found.push({ witness: name, timestamp });
  }
  return found;
}
