// Call arguments kept for replay, by args_sha256, encrypted at rest with AES-256-GCM. A record is
// `TGE1 | iv(12) | tag(16) | ciphertext`; the authenticated data binds it to its hash, so a record
// moved under another name fails to open. Retention runs on the file's mtime (refreshed whenever
// the same arguments are seen again), so purging never needs the key.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDuration } from '../core/duration.js';
import type { Config } from '../config/index.js';
import { canonicalJson, canonicalSha256 } from '../receipts/index.js';
import { EvidenceError } from './errors.js';
import { loadOrCreateKey } from './key.js';

const MAGIC = Buffer.from('TGE1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SHA = /^[0-9a-f]{64}$/;

export interface EvidenceStoreOptions {
  dir: string;
  keyFile: string;
  retentionMs: number;
}

export class EvidenceStore {
  private readonly key: Buffer;

  constructor(private readonly options: EvidenceStoreOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.key = loadOrCreateKey(options.keyFile);
  }

  /** The store the config describes (relative paths against the config's folder), or undefined when off. */
  static fromConfig(config: Pick<Config, 'evidence' | 'keys'>, configDir: string): EvidenceStore | undefined {
    const { evidence } = config;
    if (!evidence.store_arguments) return undefined;
    return new EvidenceStore({
      dir: resolve(configDir, evidence.dir),
      keyFile: evidence.key_file ? resolve(configDir, evidence.key_file) : join(config.keys.dir, 'evidence.key'),
      retentionMs: parseDuration(evidence.retention),
    });
  }

  /** Keeps `args` under its hash; seen again, the record's retention starts over. */
  put(argsSha256: string, args: Record<string, unknown>, now: Date = new Date()): void {
    const file = this.fileOf(argsSha256);
    if (canonicalSha256(args) !== argsSha256) throw new EvidenceError('bad_hash', `arguments do not hash to ${argsSha256}`);
    try {
      if (!this.has(argsSha256)) this.write(file, argsSha256, Buffer.from(canonicalJson(args), 'utf8'));
      utimesSync(file, now, now);
    } catch (err) {
      throw new EvidenceError('io', `cannot store evidence ${argsSha256}: ${(err as Error).message}`, { cause: err });
    }
  }

  has(argsSha256: string): boolean {
    try {
      statSync(this.fileOf(argsSha256));
      return true;
    } catch {
      return false;
    }
  }

  /** The arguments, decrypted and checked against their hash. */
  get(argsSha256: string): Record<string, unknown> {
    const file = this.fileOf(argsSha256);
    let record: Buffer;
    try {
      record = readFileSync(file);
    } catch (err) {
      throw new EvidenceError('not_found', `no evidence for ${argsSha256}`, { cause: err });
    }
    let args: unknown;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, record.subarray(MAGIC.length, MAGIC.length + IV_BYTES));
      decipher.setAAD(aad(argsSha256));
      decipher.setAuthTag(record.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(record.subarray(MAGIC.length + IV_BYTES + TAG_BYTES)), decipher.final()]);
      if (!record.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an evidence record');
      args = JSON.parse(plain.toString('utf8'));
    } catch (err) {
      throw new EvidenceError('record_corrupt', `${file}: cannot open (wrong key, or the record was altered): ${(err as Error).message}`, { cause: err });
    }
    if (args === null || typeof args !== 'object' || Array.isArray(args) || canonicalSha256(args) !== argsSha256) {
      throw new EvidenceError('record_corrupt', `${file}: content does not hash to ${argsSha256}`);
    }
    return args as Record<string, unknown>;
  }

  /** Deletes records last seen before `now - retention`; returns how many. */
  purgeExpired(now: Date = new Date()): number {
    const cutoff = now.getTime() - this.options.retentionMs;
    let purged = 0;
    for (const shard of readdirSync(this.options.dir)) {
      if (!/^[0-9a-f]{2}$/.test(shard)) continue;
      const dir = join(this.options.dir, shard);
      for (const name of readdirSync(dir)) {
        const file = join(dir, name);
        if (statSync(file).mtimeMs < cutoff) {
          unlinkSync(file);
          purged++;
        }
      }
    }
    return purged;
  }

  private fileOf(argsSha256: string): string {
    // Untrusted when it comes from a receipt file: only a hash may become a path.
    if (!SHA.test(argsSha256)) throw new EvidenceError('bad_hash', `not an args_sha256: ${JSON.stringify(argsSha256)}`);
    return join(this.options.dir, argsSha256.slice(0, 2), argsSha256);
  }

  private write(file: string, argsSha256: string, plain: Buffer): void {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(aad(argsSha256));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    mkdirSync(join(this.options.dir, argsSha256.slice(0, 2)), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]), { mode: 0o600 });
    renameSync(tmp, file);
  }
}

function aad(argsSha256: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(argsSha256, 'ascii')]);
}
