// Ledgers for the truncation and fork tests: a real ledger with checkpoints, a copy cut back together
// with its checkpoint lines (what issue 15 found passing every check), and two copies of one ledger
// that part ways (a fork: both valid on their own, with one origin and one key).
import { cpSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ledger } from '../../src/ledger/index.js';
import type { Signer } from '../../src/receipts/index.js';
import { draft, keyringOf, silentLog, tempDir } from './helpers.js';

/** Append `count` receipts (numbered from `from`), then close: every close writes a checkpoint. */
export async function grow(dir: string, signer: Signer, from: number, count: number, checkpointEvery = 1000): Promise<void> {
  const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointEvery });
  for (let i = from; i < from + count; i++) await ledger.append(draft(i));
  await ledger.close();
}

export function writeKeyring(signer: Signer, extra: Record<string, unknown> = {}): string {
  const file = join(tempDir(), 'keyring.json');
  writeFileSync(file, JSON.stringify({ ...keyringOf({ signer }).file, ...extra }));
  return file;
}

/** The signed note of the ledger's latest checkpoint, as an auditor would keep it. */
export function latestNote(dir: string): string {
  const lines = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n');
  return (JSON.parse(lines.at(-1)!) as { note: string }).note;
}

/** Cut the ledger back to `keep` receipts and drop every checkpoint line that covers more. */
export function truncateWithCheckpoints(dir: string, keep: number): void {
  const segment = join(dir, readdirSync(dir).find((n) => n.startsWith('receipts-'))!);
  const lines = readFileSync(segment, 'utf8').split('\n');
  truncateSync(
    segment,
    Buffer.byteLength(
      lines
        .slice(0, keep)
        .map((l) => `${l}\n`)
        .join(''),
    ),
  );
  const file = join(dir, 'checkpoints.jsonl');
  const kept = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter((l) => Number((JSON.parse(l) as { note: string }).note.split('\n')[1]) <= keep);
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}

/** A copy of the ledger in `dir` at its present state, to grow apart from the original. */
export function forkOf(dir: string): string {
  const copy = join(tempDir(), 'fork');
  cpSync(dir, copy, { recursive: true });
  return copy;
}
