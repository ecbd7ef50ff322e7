// Evidence records on disk: encrypted under a key of their own (mode 0600, created on first use),
// bound to their hash, unreadable with another key, purged after the retention period.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { EvidenceStore } from '../../src/evidence/index.js';
import { canonicalSha256 } from '../../src/receipts/index.js';
import { tempDir } from './helpers.js';

const DAY = 86_400_000;
const args = { sql: 'SELECT secret_column FROM payroll', limit: 10 };
const sha = canonicalSha256(args);

function store(dir = tempDir(), keyFile = join(dir, 'keys', 'evidence.key')) {
  return { dir, keyFile, evidence: new EvidenceStore({ dir: join(dir, 'evidence'), keyFile, retentionMs: 90 * DAY }) };
}

const recordFile = (dir: string, hash: string) => join(dir, 'evidence', hash.slice(0, 2), hash);

describe('evidence at rest', () => {
  it('round-trips arguments by hash while the file holds no plaintext, under a 0600 key made on first use', () => {
    const { dir, keyFile, evidence } = store();
    evidence.put(sha, args);
    expect(evidence.get(sha)).toEqual(args);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const raw = readFileSync(recordFile(dir, sha));
    expect(raw.subarray(0, 4).toString()).toBe('TGE1');
    expect(raw.toString('latin1')).not.toContain('payroll');
    expect(new EvidenceStore({ dir: join(dir, 'evidence'), keyFile, retentionMs: DAY }).get(sha)).toEqual(args);
  });

  it('refuses arguments that do not hash to the name they are stored under', () => {
    const { evidence } = store();
    expect(() => evidence.put('0'.repeat(64), args)).toThrow(/do not hash/);
    expect(() => evidence.get('../../etc/passwd')).toThrow(/not an args_sha256/);
  });

  it('fails to open an altered record, a record moved under another hash, or a record under another key', () => {
    const { dir, evidence } = store();
    const other = { sql: 'SELECT 1' };
    evidence.put(sha, args);
    evidence.put(canonicalSha256(other), other);
    const file = recordFile(dir, sha);
    copyFileSync(file, recordFile(dir, canonicalSha256(other)));
    expect(() => evidence.get(canonicalSha256(other))).toThrow(/cannot open/);
    const raw = readFileSync(file);
    raw[raw.length - 1]! ^= 1;
    writeFileSync(file, raw);
    expect(() => evidence.get(sha)).toThrow(/cannot open/);
    const elsewhere = store();
    elsewhere.evidence.put(sha, args);
    mkdirSync(join(dir, 'evidence', sha.slice(0, 2)), { recursive: true });
    copyFileSync(recordFile(elsewhere.dir, sha), file);
    expect(() => evidence.get(sha)).toThrow(/wrong key/);
  });

  it('purges records not seen within the retention period, and refreshes a record seen again', () => {
    const { evidence } = store();
    const old = { q: 'old' };
    const seenAgain = { q: 'again' };
    const start = new Date('2026-01-01T00:00:00Z');
    evidence.put(canonicalSha256(old), old, start);
    evidence.put(canonicalSha256(seenAgain), seenAgain, start);
    evidence.put(canonicalSha256(seenAgain), seenAgain, new Date(start.getTime() + 60 * DAY));
    expect(evidence.purgeExpired(new Date(start.getTime() + 91 * DAY))).toBe(1);
    expect(evidence.has(canonicalSha256(old))).toBe(false);
    expect(evidence.get(canonicalSha256(seenAgain))).toEqual(seenAgain);
  });

  it('keeps a record for 400 days by default, so a year of calls can be replayed', () => {
    const dir = tempDir();
    const { config } = parseConfig(
      join(dir, 'toolgate.yaml'),
      `evidence: { store_arguments: true, dir: evidence }\nkeys: { dir: ${JSON.stringify(join(dir, 'keys'))} }\n`,
    );
    const evidence = EvidenceStore.fromConfig(config, dir)!;
    const start = new Date('2026-01-01T00:00:00Z');
    evidence.put(sha, args, start);
    expect(evidence.purgeExpired(new Date(start.getTime() + 399 * DAY))).toBe(0);
    expect(evidence.purgeExpired(new Date(start.getTime() + 401 * DAY))).toBe(1);
  });

  it('refuses a key file that others can read', () => {
    const { dir, keyFile } = store();
    chmodSync(keyFile, 0o644);
    expect(() => new EvidenceStore({ dir: join(dir, 'evidence'), keyFile, retentionMs: DAY })).toThrow(/chmod 600/);
  });
});
