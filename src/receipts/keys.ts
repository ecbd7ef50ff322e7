// Key management in a keys directory: one PKCS#8 PEM private key file per key (mode 0600) and
// keyring.json with the public keys and their validity windows. Rotation hands over from the old key
// to a new one through a receipt signed by the old key, so the chain of trust is in the ledger itself.
// A current key whose private file is missing is never replaced silently (receipts would change keys
// with no hand-over on record): the file is restored, or the key is retired on purpose (rotateLostKey).
import { randomBytes } from 'node:crypto';
import { syncDirectory } from '../core/durable.js';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ReceiptDraft, ReceiptBody } from './body.js';
import { keyIdOf, pemFromSeed, seedFromPem, type Signer } from './ed25519.js';
import { threadedSigner } from './threaded-signer.js';
import { ReceiptError } from './errors.js';
import { Keyring, KEYRING_VERSION, type KeyringEntry } from './keyring.js';

export const KEYRING_FILE = 'keyring.json';

/** Where a rotation records its hand-over receipt (the ledger); it signs `draft` with the old key, then switches. */
export interface RotationSink {
  rotateSigner(draft: ReceiptDraft, next: Signer): Promise<{ body: ReceiptBody }>;
}

/** Where the hand-over from a lost key is recorded: a ledger opened with the new key. */
export interface AppendSink {
  append(draft: ReceiptDraft): Promise<{ body: ReceiptBody }>;
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

/** The current key: not closed (not_after null), latest not_before; its private file may be missing. */
function currentEntry(keyring: Keyring | undefined): KeyringEntry | undefined {
  const open = (keyring?.file.keys ?? []).filter((k) => k.not_after === null);
  return open.sort((a, b) => Date.parse(b.not_before) - Date.parse(a.not_before))[0];
}

function keyFileOf(dir: string, entry: KeyringEntry): string {
  return join(dir, keyFileName(entry.key_id));
}

function keyFileMissing(dir: string, entry: KeyringEntry): ReceiptError {
  const file = keyFileOf(dir, entry);
  return new ReceiptError(
    'key_missing',
    `the signing key ${entry.key_id} is the current key in ${keyringPath(dir)}, but its private key file ${file} is missing. ` +
      'toolgate does not start a new key silently: receipts would change keys with no hand-over on record. ' +
      `Restore ${file} from your backup (mode 0600). If the key is lost for good, retire it on purpose with ` +
      '"toolgate keys rotate --lost -c toolgate.yaml" (the gateway stopped): a new key starts and the hand-over receipt, signed by the new key, names the lost one.',
  );
}

function loadSigner(dir: string, entry: KeyringEntry): Signer {
  const file = keyFileOf(dir, entry);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw keyFileMissing(dir, entry);
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

/** Replace keyring.json atomically (write, fsync, rename, fsync dir); its witnesses stay as they are. */
function writeKeyring(dir: string, keys: KeyringEntry[], witnesses = readKeyring(dir)?.file.witnesses): void {
  const text = `${JSON.stringify({ version: KEYRING_VERSION, keys, ...(witnesses && { witnesses }) }, null, 2)}\n`;
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
  return { signer, entry: entryOf(signer.publicKey, notBefore), file };
}

/** A keyring entry for a key that starts at `notBefore` and is current. */
function entryOf(publicKey: Uint8Array, notBefore: string): KeyringEntry {
  return { key_id: keyIdOf(publicKey), algorithm: 'ed25519', public_key: Buffer.from(publicKey).toString('base64'), not_before: notBefore, not_after: null };
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
  const current = currentEntry(keyring);
  if (current && !existsSync(keyFileOf(dir, current))) throw keyFileMissing(dir, current);
  if (current) throw new ReceiptError('key_io', `${dir} already has the signing key ${current.key_id}; use "toolgate keys rotate" to replace it`);
  const { signer, entry, file } = newKey(dir, now.toISOString());
  writeKeyring(dir, [...(keyring?.file.keys ?? []), entry]);
  return { signer, keyFile: file, keyringFile: keyringPath(dir) };
}

/** The id of the current key of a keys directory's keyring (its private half may be elsewhere: a token). */
export function currentKeyId(dir: string): string | undefined {
  return currentEntry(readKeyring(dir))?.key_id;
}

/**
 * Make a key whose private half lives elsewhere (a PKCS#11 token) the current key of a keys
 * directory's keyring; nothing to do when it already is. Refuses when another key is current (that
 * is a rotation).
 */
export function enrollKey(dir: string, publicKey: Uint8Array, now: Date = new Date()): { keyId: string; keyringFile: string; added: boolean } {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyring = readKeyring(dir);
  const current = currentEntry(keyring);
  const keyId = keyIdOf(publicKey);
  if (current?.key_id === keyId) return { keyId, keyringFile: keyringPath(dir), added: false };
  if (current) throw new ReceiptError('key_io', `${dir} already has the current key ${current.key_id}; use "toolgate keys rotate" to replace it`);
  writeKeyring(dir, [...(keyring?.file.keys ?? []), entryOf(publicKey, now.toISOString())]);
  return { keyId, keyringFile: keyringPath(dir), added: true };
}

/** The current signer of a keys directory, or undefined when it holds none. */
export function loadCurrentSigner(dir: string): Signer | undefined {
  const current = currentEntry(readKeyring(dir));
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
  const { keyring, old } = currentOf(dir);
  loadSigner(dir, old); // the old key must be there to sign the hand-over (the sink signs with it)
  const rotation = await handOver(dir, keyring, old, newKey(dir, now.toISOString()), (draft, next) => sink.rotateSigner(draft, next), false);
  rmSync(keyFileOf(dir, old), { force: true });
  return rotation;
}

/**
 * Hand over from the current key to `next`, a key whose private half lives elsewhere (a PKCS#11
 * token): the sink signs the hand-over with the current key, then `next` signs. Nothing private is
 * written or deleted here (the old key stays where it is; it signs nothing after its hand-over).
 */
export async function rotateToKey(dir: string, sink: RotationSink, next: Signer, now: Date = new Date()): Promise<Rotation> {
  const { keyring, old } = currentOf(dir);
  if (keyring.get(next.keyId))
    throw new ReceiptError('key_io', `${next.keyId} is already in ${keyringPath(dir)}: a key is handed over to once, when it is new`);
  const entry = entryOf(next.publicKey, now.toISOString());
  return handOver(dir, keyring, old, { signer: next, entry }, (draft, signer) => sink.rotateSigner(draft, signer), false);
}

/**
 * Retire a current key whose private file is lost: start a new key and record the hand-over as a
 * `rotate` receipt signed by the new key (the lost one cannot sign), appended to the sink that
 * `sinkFor` opens with the new key. The lost key's window closes at that receipt's time, so the
 * receipts it signed before stay valid. Refused while the key file is present (use rotateKey).
 */
export async function rotateLostKey(dir: string, sinkFor: (next: Signer) => Promise<AppendSink>, now: Date = new Date()): Promise<Rotation> {
  const { keyring, old } = currentOf(dir);
  if (existsSync(keyFileOf(dir, old))) {
    throw new ReceiptError(
      'key_io',
      `the private key file of ${old.key_id} is present: use "toolgate keys rotate" without --lost, so that the old key signs the hand-over`,
    );
  }
  return handOver(dir, keyring, old, newKey(dir, now.toISOString()), async (draft, next) => (await sinkFor(next)).append(draft), true);
}

function currentOf(dir: string): { keyring: Keyring; old: KeyringEntry } {
  const keyring = readKeyring(dir);
  const old = currentEntry(keyring);
  if (!keyring || !old) throw new ReceiptError('key_io', `${dir} has no current signing key to rotate; use "toolgate keys generate"`);
  return { keyring, old };
}

/**
 * New key in the keyring, the hand-over receipt recorded, the old key's window closed at its time; a
 * lost key is marked so (a verifier accepts a hand-over signed by the new key only from such a keyring).
 */
async function handOver(
  dir: string,
  keyring: Keyring,
  old: KeyringEntry,
  next: { signer: Signer; entry: KeyringEntry },
  record: (draft: ReceiptDraft, next: Signer) => Promise<{ body: ReceiptBody }>,
  lost: boolean,
): Promise<Rotation> {
  const notBefore = next.entry.not_before;
  writeKeyring(dir, [...keyring.file.keys, next.entry]);
  const { body } = await record(
    { event: 'rotate', rotation: { from_key_id: old.key_id, to_key_id: next.signer.keyId, to_public_key: next.entry.public_key, not_before: notBefore } },
    next.signer,
  );
  const closed = keyring.file.keys.map((k) => (k.key_id === old.key_id ? { ...k, not_after: body.ts, ...(lost && { lost }) } : k));
  writeKeyring(dir, [...closed, next.entry]);
  return { from: old.key_id, to: next.signer, receipt: body };
}

/**
 * Trust a witness for `ledger verify --witnesses`: add its C2SP vkey (checked by the caller) to the
 * keyring's `witnesses`; nothing to do when the keyring names it already.
 */
export function addWitness(dir: string, vkey: string): { keyringFile: string; added: boolean } {
  const keyring = readKeyring(dir);
  if (!keyring) throw new ReceiptError('key_io', `${keyringPath(dir)} does not exist: a witness is added to a keyring of signing keys (copy the gateway's)`);
  const witnesses = keyring.file.witnesses ?? [];
  if (witnesses.includes(vkey)) return { keyringFile: keyringPath(dir), added: false };
  writeKeyring(dir, keyring.file.keys, [...witnesses, vkey]);
  return { keyringFile: keyringPath(dir), added: true };
}
