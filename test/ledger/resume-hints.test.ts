// Reopening a ledger on real files: the resume hints of the last checkpoint record (segment,
// offset, frontier, last_leaf) are not signed, so they are checked against the ledger before the
// next receipt is appended. Altered hints are logged and ignored (the chain state is recomputed
// from the receipts), so the next receipts still link; receipts that no longer match the last
// signed checkpoint refuse the open.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, verifyLedger } from '../../src/ledger/index.js';
import { draft, keyringOf, recordingLog, silentLog, tempDir, testSigner } from './helpers.js';

const signer = testSigner('hints');
const open = (dir: string, log = silentLog) => Ledger.open({ dir, signer, issuerId: 'hints', log, checkpointEvery: 4 });

async function ledgerOf(receipts: number): Promise<string> {
  const dir = tempDir();
  const ledger = await open(dir);
  for (let i = 0; i < receipts; i++) await ledger.append(draft(i));
  await ledger.close();
  return dir;
}

/** Rewrites the last checkpoint record's unsigned fields. */
function alterLastRecord(dir: string, change: (record: Record<string, unknown>) => void): void {
  const path = join(dir, 'checkpoints.jsonl');
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  const record = JSON.parse(lines.at(-1)!) as Record<string, unknown>;
  change(record);
  lines[lines.length - 1] = JSON.stringify(record);
  writeFileSync(path, `${lines.join('\n')}\n`);
}

const alterations: Array<[string, (r: Record<string, unknown>) => void]> = [
  ['last_leaf', (r) => (r.last_leaf = 'f'.repeat(64))],
  ['frontier', (r) => (r.frontier = (r.frontier as string[]).map((h, i) => (i === 0 ? 'e'.repeat(64) : h)))],
  ['offset', (r) => (r.offset = (r.offset as number) - 10)],
  ['last_leaf and frontier of an empty tree', (r) => ((r.last_leaf = null), (r.frontier = []), (r.offset = 0))],
];

describe('resume hints', () => {
  for (const [what, change] of alterations) {
    it(`ignores an altered ${what} hint: the next receipts link and the ledger verifies`, async () => {
      const dir = await ledgerOf(7);
      alterLastRecord(dir, change);
      const { log, records } = recordingLog();
      const ledger = await open(dir, log);
      const next = await ledger.append(draft(100));
      await ledger.close();
      expect(next.body.chain.seq).toBe(7);
      expect(records).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringMatching(/resume hints .* recomputed/) }));
      expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: 8 });
    });
  }

  it('resumes from intact hints without a warning', async () => {
    const dir = await ledgerOf(7);
    const { log, records } = recordingLog();
    const ledger = await open(dir, log);
    await ledger.append(draft(100));
    await ledger.close();
    expect(records.filter((r) => String(r.msg).includes('resume hints'))).toEqual([]);
    expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: 8 });
  });

  it('refuses to open when the receipts no longer reach the last signed checkpoint', async () => {
    const dir = await ledgerOf(8);
    const segment = join(dir, 'receipts-000000000000.jsonl');
    const lines = readFileSync(segment, 'utf8').trim().split('\n');
    writeFileSync(segment, `${lines.slice(0, 6).join('\n')}\n`);
    await expect(open(dir)).rejects.toThrow(/last checkpoint covers 8 receipts/);
  });
});
