// Checkpoints: C2SP tlog-checkpoint bodies (origin, tree size, base64 RFC 6962 root, extension lines)
// signed as C2SP signed notes with ed25519 key hashes. https://c2sp.org/tlog-checkpoint, https://c2sp.org/signed-note
import { createHash } from 'node:crypto';
import { Rfc3339UtcText, verifySignature, type Keyring, type Signer } from '../receipts/index.js';
import { LedgerError } from './errors.js';

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
  /** From the "time" extension line: when the checkpoint was signed (the signing key must be valid then). */
  time: string;
}

export interface VerifiedCheckpoint extends Checkpoint {
  keyId: string;
}

/** The origin line names the log: one chain of one issuer. */
export function originOf(chainId: string): string {
  return `toolgate/${chainId}`;
}

/** signed-note key hash: the first 4 bytes of sha256(key name || "\n" || 0x01 || public key). */
export function noteKeyHash(name: string, publicKey: Uint8Array): Buffer {
  return createHash('sha256').update(`${name}\n`).update(Uint8Array.of(1)).update(publicKey).digest().subarray(0, 4);
}

export function signCheckpoint(cp: Checkpoint, signer: Signer): string {
  const text = `${cp.origin}\n${cp.size}\n${cp.root.toString('base64')}\ntime ${cp.time}\n`;
  const sig = signer.sign(Buffer.from(text, 'utf8'));
  const blob = Buffer.concat([noteKeyHash(signer.keyId, signer.publicKey), sig]).toString('base64');
  return `${text}\n\u2014 ${signer.keyId} ${blob}\n`;
}

function bad(message: string): never {
  throw new LedgerError('checkpoint_invalid', `checkpoint: ${message}`);
}

/** Untrusted input: parse a signed note's checkpoint body without checking signatures. */
export function parseCheckpoint(note: string): { checkpoint: Checkpoint; text: string; signatures: string[] } {
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) bad('not a signed note (text, blank line, signature lines)');
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2, -1).split('\n');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (!origin) bad('empty origin line');
  if (!size || !/^(0|[1-9]\d{0,15})$/.test(size)) bad(`tree size ${JSON.stringify(size)} is not a decimal number`);
  const rootBytes = Buffer.from(root ?? '', 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root) bad('root hash is not base64 of 32 bytes');
  const time = extensions.find((e) => e.startsWith('time '))?.slice(5);
  if (!time || !Rfc3339UtcText.test(time)) bad('missing or malformed "time" extension line');
  return { checkpoint: { origin, size: Number(size), root: rootBytes, time }, text, signatures };
}

/** Parse and check: at least one signature line by a keyring key that was valid at the checkpoint's time. */
export function verifyCheckpoint(note: string, keyring: Keyring): VerifiedCheckpoint {
  const { checkpoint, text, signatures } = parseCheckpoint(note);
  for (const line of signatures) {
    const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!m) bad(`malformed signature line ${JSON.stringify(line)}`);
    const [, name, blob] = m as unknown as [string, string, string];
    const key = keyring.get(name);
    const raw = Buffer.from(blob, 'base64');
    // Lines by keys the verifier does not know are allowed by signed-note and skipped.
    if (!key || raw.length !== 68 || !raw.subarray(0, 4).equals(noteKeyHash(name, key.publicKey))) continue;
    try {
      keyring.keyAt(name, checkpoint.time);
    } catch (err) {
      bad((err as Error).message);
    }
    if (!verifySignature(raw.subarray(4), Buffer.from(text, 'utf8'), key.publicKey)) bad(`signature by ${name} does not verify`);
    return { ...checkpoint, keyId: name };
  }
  return bad('no signature by a key in the keyring');
}
