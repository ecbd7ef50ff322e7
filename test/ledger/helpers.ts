// Shared test fixtures for receipts and ledger tests: temporary directories, a silent logger, fixed
// test keys, keyrings, a receipt draft, a small full disk, and the built code (for worker threads).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, vi } from 'vitest';
import { type Logger, pino } from 'pino';
import { Ledger } from '../../src/ledger/index.js';
import { Keyring, signerFromSeed, type ReceiptBody, type ReceiptDraft, type Signer } from '../../src/receipts/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-test-'));
  dirs.push(dir);
  return dir;
}

export const silentLog: Logger = pino({ level: 'silent' });

/** A logger whose records can be inspected. */
export function recordingLog(): { log: Logger; records: Array<Record<string, unknown>> } {
  const records: Array<Record<string, unknown>> = [];
  const log: Logger = pino({ level: 'info' }, { write: (line: string) => void records.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, records };
}

export function testSigner(label: string): Signer {
  return signerFromSeed(createHash('sha256').update(label).digest());
}

export function keyringOf(...keys: Array<{ signer: Signer; notBefore?: string; notAfter?: string | null }>): Keyring {
  return new Keyring({
    version: 'toolgate.keyring/v1',
    keys: keys.map(({ signer, notBefore, notAfter }) => ({
      key_id: signer.keyId,
      algorithm: 'ed25519' as const,
      public_key: Buffer.from(signer.publicKey).toString('base64'),
      not_before: notBefore ?? '2020-01-01T00:00:00.000Z',
      not_after: notAfter ?? null,
    })),
  });
}

/** A call receipt as the gate writes it (a complete names a permit and a result by hash: their values are made up). */
export function draft(n = 0, event: 'permit' | 'deny' | 'complete' = 'permit'): ReceiptDraft {
  return {
    event,
    call: { id: `call_${n}`, session: 's1', rpc_id: n, server: 'fs', tool: 'read_file', tool_sha256: null, args_sha256: 'a'.repeat(64) },
    principal: { id: 'agent:test' },
    policy: { bundle_sha256: 'b'.repeat(64), rules: ['r1'], effect: event === 'deny' ? 'deny' : 'permit', reason: 'allowed by r1' },
    ...(event === 'complete' ? { ref: 'f'.repeat(64), result: { sha256: 'c'.repeat(64), is_error: false } } : {}),
  };
}

/** A complete receipt body (seq 0 of a chain) issued under `signer`'s key: what single-receipt tests sign. */
export function bodyFor(signer: Signer): ReceiptBody {
  return {
    ...draft(1),
    v: 1,
    id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YB',
    ts: '2026-03-04T05:06:07.089Z',
    issuer: { id: 'gate', key_id: signer.keyId },
    chain: { id: 'chain_x', seq: 0, prev: null },
  } as ReceiptBody;
}

/** Mount a small tmpfs at `dir` (needs root): false when that is not possible. */
export function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Fill the file system holding `path` until it refuses one more byte. */
export function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch {
    // ENOSPC: full
  } finally {
    closeSync(fd);
  }
}

const dist = join(dirname(fileURLToPath(import.meta.url)), '../../dist');

/** The built ledger and receipts modules: worker threads run compiled code only. */
export async function built() {
  if (!existsSync(join(dist, 'ledger/verify-worker.js'))) throw new Error('run "npm run build" first');
  const ledger = (await import(join(dist, 'ledger/index.js'))) as typeof import('../../src/ledger/index.js');
  const receipts = (await import(join(dist, 'receipts/index.js'))) as typeof import('../../src/receipts/index.js');
  return { ...ledger, ...receipts };
}

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 MTH over leaf hashes, written straight from the RFC (the reference the Merkle code is checked against). */
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const VECTORS_LEDGER = join(dirname(fileURLToPath(import.meta.url)), '../vectors/ledger');
const HOUR = 3_600_000;

/**
 * A copy of the golden vectors' ledger (every event kind, at one instant), continued by the real
 * writer over six weeks (a decision or execution every 17 hours, on three surfaces; only the clock
 * is set, the writer is the real one): what counts by day and surface are checked on.
 */
export async function ledgerOverWeeks(): Promise<string> {
  const dir = tempDir();
  cpSync(VECTORS_LEDGER, dir, { recursive: true });
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.parse('2026-12-02T14:00:00Z'));
    const ledger = await Ledger.open({ dir, signer: testSigner('toolgate test key B'), issuerId: 'acme-dev-gate', log: silentLog, segmentReceipts: 8 });
    const surfaces = [
      ['fs', 'read_file'],
      ['fs', 'write_file'],
      ['github', 'search'],
    ] as const;
    for (let i = 0; i < 60; i++) {
      vi.setSystemTime(Date.parse('2026-12-02T14:00:00Z') + i * 17 * HOUR);
      const d = draft(1000 + i, (['permit', 'deny', 'complete'] as const)[i % 3]);
      const [server, tool] = surfaces[i % 4 === 3 ? 2 : i % 2]!;
      await ledger.append({ ...d, call: { ...(d as { call: object }).call, server, tool } } as ReceiptDraft);
    }
    await ledger.close();
  } finally {
    vi.useRealTimers();
  }
  return dir;
}
