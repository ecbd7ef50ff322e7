// The keyring file: the public keys a verifier trusts, each with its key id and validity window.
// A verifier holds its own copy; it never fetches keys from the gateway it audits.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Rfc3339Utc } from './body.js';
import { KEY_ID_PATTERN } from './dsse.js';
import { assertStrictPublicKey, keyIdOf } from './ed25519.js';
import { ReceiptError } from './errors.js';

export const KEYRING_VERSION = 'toolgate.keyring/v1';

export const KeyringEntrySchema = z.strictObject({
  key_id: z.string().regex(KEY_ID_PATTERN, 'ed25519:<16 hex digits>'),
  algorithm: z.literal('ed25519'),
  /** base64 of the raw 32-byte public key. */
  public_key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
  not_before: Rfc3339Utc,
  /** null while the key is current. */
  not_after: Rfc3339Utc.nullable(),
  /**
   * The key's private half was lost and it was retired with `toolgate keys rotate --lost`: its
   * hand-over is signed by the new key, which a verifier accepts only from a keyring that says so.
   */
  lost: z.literal(true).optional(),
});

export const KeyringSchema = z.strictObject({
  version: z.literal(KEYRING_VERSION),
  keys: z.array(KeyringEntrySchema).max(1000),
  /** Witnesses whose cosignatures `ledger verify --witnesses` counts: C2SP vkeys (docs/witness.md). Never receipt signers. */
  witnesses: z.array(z.string().max(300)).max(100).optional(),
});

export type KeyringEntry = z.infer<typeof KeyringEntrySchema>;
export type KeyringFile = z.infer<typeof KeyringSchema>;

export interface TrustedKey {
  entry: KeyringEntry;
  publicKey: Uint8Array;
  notBefore: number;
  notAfter: number;
}

/** A validated keyring: every key's id matches its public key and passed the strict point check. */
export class Keyring {
  private readonly byId = new Map<string, TrustedKey>();

  constructor(readonly file: KeyringFile) {
    for (const [index, entry] of file.keys.entries()) {
      const publicKey = new Uint8Array(Buffer.from(entry.public_key, 'base64'));
      const where = `keys[${index}] (${entry.key_id})`;
      try {
        assertStrictPublicKey(publicKey);
      } catch (err) {
        throw new ReceiptError('keyring_invalid', `${where}: ${(err as Error).message}`, { cause: err });
      }
      if (keyIdOf(publicKey) !== entry.key_id) {
        throw new ReceiptError('keyring_invalid', `${where}: key_id does not match the public key (expected ${keyIdOf(publicKey)})`);
      }
      if (this.byId.has(entry.key_id)) throw new ReceiptError('keyring_invalid', `${where}: duplicate key_id`);
      const notBefore = Date.parse(entry.not_before);
      const notAfter = entry.not_after === null ? Infinity : Date.parse(entry.not_after);
      if (notAfter < notBefore) throw new ReceiptError('keyring_invalid', `${where}: not_after is before not_before`);
      this.byId.set(entry.key_id, { entry, publicKey, notBefore, notAfter });
    }
  }

  /** Untrusted input (a file from disk): parse and validate. `source` names it in errors. */
  static parse(text: string, source = 'keyring'): Keyring {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ReceiptError('keyring_invalid', `${source}: not JSON: ${(err as Error).message}`, { cause: err });
    }
    const parsed = KeyringSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ReceiptError('keyring_invalid', `${source}: ${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message}`);
    }
    try {
      return new Keyring(parsed.data);
    } catch (err) {
      throw new ReceiptError('keyring_invalid', `${source}: ${(err as Error).message}`, { cause: err });
    }
  }

  static load(path: string): Keyring {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ReceiptError('key_io', `cannot read keyring ${path}: ${(err as Error).message}`, { cause: err });
    }
    return Keyring.parse(text, path);
  }

  get(keyId: string): TrustedKey | undefined {
    return this.byId.get(keyId);
  }

  /** The key with this id, provided its validity window contains `ts`; otherwise a typed error. */
  keyAt(keyId: string, ts: string): TrustedKey {
    const key = this.byId.get(keyId);
    if (!key) throw new ReceiptError('key_unknown', `key ${keyId} is not in the keyring`);
    const t = Date.parse(ts);
    if (!(t >= key.notBefore && t <= key.notAfter)) {
      const window = `${key.entry.not_before} .. ${key.entry.not_after ?? 'now'}`;
      throw new ReceiptError('key_not_valid_at_ts', `key ${keyId} was not valid at ${ts} (valid ${window})`);
    }
    return key;
  }
}
