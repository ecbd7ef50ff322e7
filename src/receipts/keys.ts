// Key management in a keys directory: one PKCS#8 PEM private key file per key (mode 0600) and
// keyring.json with the public keys and their validity windows. Rotation hands over from the old key
// to a new one through a receipt signed by the old key, so the chain of trust is in the ledger itself.
import { randomBytes } from 'node:crypto';
import { syncDirectory } from '../core/durable.js';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ReceiptDraft, ReceiptBody } from './body.js';
import { pemFromSeed, seedFromPem, type Signer } from './ed25519.js';
import { threadedSigner } from './threaded-signer.js';
import { ReceiptError } from './errors.js';
import { Keyring, KEYRING_VERSION, type KeyringEntry } from './keyring.js';

export const KEYRING_FILE = 'keyring.json';

/** Where a rotation records its hand-over receipt (the ledger); it signs `draft` with the old key, then switches. */
export interface RotationSink {
  rotateSigner(draft: ReceiptDraft, next: Signer): Promise<{ body: ReceiptBody }>;
}

export function keyFileName(keyId: string): string {
  return `${keyId.replace(':', '-')}.pem`;
}

export function keyringPath(dir: string): string {
  return join(dir, KEYRING_FILE);
}

function readKeyring(dir: string): Keyring | undefined {
  return existsSync(keyringPath(dir)) ? Keyring.load(keyringPath(dir)) : undefined;
}

/** The current key: not closed (not_after null), private file present, latest not_before. */
function currentEntry(dir: string, keyring: Keyring | undefined): KeyringEntry | undefined {
  const open = (keyring?.file.keys ?? []).filter((k) => k.not_after === null && existsSync(join(dir, keyFileName(k.key_id))));
  return open.sort((a, b) => Date.parse(b.not_before) - Date.parse(a.not_before))[0];
}

function loadSigner(dir: string, entry: KeyringEntry): Signer {
  const file = join(dir, keyFileName(entry.key_id));
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ReceiptError('key_io', `cannot read key ${file}: ${(err as Error).message}`, { cause: err });
  }
  const signer = threadedSigner(seedFromPem(pem));
  if (signer.keyId !== entry.key_id) throw new ReceiptError('key_file_invalid', `${file} holds key ${signer.keyId}, not ${entry.key_id}`);
  return signer;
}

function writeDurably(path: string, data: string, mode: number, exclusive: boolean): void {
  const fd = openSync(path, exclusive ? 'wx' : 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replace keyring.json atomically (write, fsync, rename, fsync dir). */
function writeKeyring(dir: string, keys: KeyringEntry[]): void {
  const text = `${JSON.stringify({ version: KEYRING_VERSION, keys }, null, 2)}\n`;
  Keyring.parse(text, 'new keyring'); // never write a keyring that would not load
  const tmp = `${keyringPath(dir)}.tmp`;
  writeDurably(tmp, text, 0o644, false);
  renameSync(tmp, keyringPath(dir));
  syncDirectory(dir);
}

function newKey(dir: string, notBefore: string): { signer: Signer; entry: KeyringEntry; file: string } {
  const seed = randomBytes(32);
  const signer = threadedSigner(seed);
  const file = join(dir, keyFileName(signer.keyId));
  writeDurably(file, pemFromSeed(seed), 0o600, true);
  const entry: KeyringEntry = {
    key_id: signer.keyId,
    algorithm: 'ed25519',
    public_key: Buffer.from(signer.publicKey).toString('base64'),
    not_before: notBefore,
    not_after: null,
  };
  return { signer, entry, file };
}

export interface GeneratedKey {
  signer: Signer;
  keyFile: string;
  keyringFile: string;
}

/** Create the first signing key of a keys directory; refuses when a current key exists (use rotation). */
export function generateKey(dir: string, now: Date = new Date()): GeneratedKey {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyring = readKeyring(dir);
  const current = currentEntry(dir, keyring);
  if (current) throw new ReceiptError('key_io', `${dir} already has the signing key ${current.key_id}; use "toolgate keys rotate" to replace it`);
  const { signer, entry, file } = newKey(dir, now.toISOString());
  writeKeyring(dir, [...(keyring?.file.keys ?? []), entry]);
  return { signer, keyFile: file, keyringFile: keyringPath(dir) };
}

/** The current signer of a keys directory, or undefined when it holds none. */
export function loadCurrentSigner(dir: string): Signer | undefined {
  const current = currentEntry(dir, readKeyring(dir));
  return current ? loadSigner(dir, current) : undefined;
}

/** The current signer of a keys directory; creates one (and logs it) when the directory holds none. */
export function loadOrCreateSigner(dir: string, log: Logger): Signer {
  const current = loadCurrentSigner(dir);
  if (current) return current;
  const created = generateKey(dir);
  log.info({ key_id: created.signer.keyId, key_file: created.keyFile, keyring: created.keyringFile }, 'created a new receipt signing key');
  return created.signer;
}

export interface Rotation {
  from: string;
  to: Signer;
  receipt: ReceiptBody;
}

/**
 * Start a new key, record the hand-over in the ledger as a `rotate` receipt signed by the old key,
 * close the old key's validity window at that receipt's time and delete its private key file.
 * The keyring lists the new key before the receipt is written, so a crash in between leaves a
 * ledger that still verifies.
 */
export async function rotateKey(dir: string, sink: RotationSink, now: Date = new Date()): Promise<Rotation> {
  const keyring = readKeyring(dir);
  const old = currentEntry(dir, keyring);
  if (!keyring || !old) throw new ReceiptError('key_io', `${dir} has no current signing key to rotate; use "toolgate keys generate"`);
  const oldSigner = loadSigner(dir, old);
  const notBefore = now.toISOString();
  const next = newKey(dir, notBefore);
  writeKeyring(dir, [...keyring.file.keys, next.entry]);
  const { body } = await sink.rotateSigner(
    {
      event: 'rotate',
      rotation: { from_key_id: oldSigner.keyId, to_key_id: next.signer.keyId, to_public_key: next.entry.public_key, not_before: notBefore },
    },
    next.signer,
  );
  const closed = keyring.file.keys.map((k) => (k.key_id === old.key_id ? { ...k, not_after: body.ts } : k));
  writeKeyring(dir, [...closed, next.entry]);
  rmSync(join(dir, keyFileName(old.key_id)), { force: true });
  return { from: oldSigner.keyId, to: next.signer, receipt: body };
}
