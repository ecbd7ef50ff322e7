// Counts from the ledger index (docs/ledger-index.md): every receipt's event, surface and time read
// from the records give what a full scan gives, on a ledger with every event kind over six weeks;
// `ledger stats` through an index opened read-only (as a CLI opens it) answers as the scan does,
// without writing the file; a missing, damaged or lagging index is rebuilt or caught up first.
import { existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_FILE, LedgerIndex, ledgerStats, scanFacts, withReadOnlyIndex, type FactSource, type ReceiptFact } from '../../src/ledger/index.js';
import { ledgerOverWeeks, recordingLog, silentLog, tempDir } from './helpers.js';

async function factsOf(source: FactSource): Promise<{ answered: boolean; facts: ReceiptFact[] }> {
  const facts: ReceiptFact[] = [];
  const answered = await source((f) => facts.push({ ...f, surface: f.surface && { ...f.surface } }));
  return { answered, facts };
}

async function receiptsIn(dir: string): Promise<number> {
  return (await factsOf(scanFacts(dir))).facts.length;
}

/** The index's facts equal the scan's; false when the index could not answer. */
async function expectFactsOfScan(index: LedgerIndex, dir: string): Promise<boolean> {
  const byIndex = await factsOf((visit) => index.visitFacts(visit));
  if (byIndex.answered) expect(byIndex.facts).toEqual((await factsOf(scanFacts(dir))).facts);
  return byIndex.answered;
}

const statsText = async (dir: string, index: LedgerIndex | null) => JSON.stringify(await ledgerStats(dir, index));

describe('counts from the ledger index', () => {
  it('give every receipt the event, surface and time a scan gives, and ledger stats the same answer, on a ledger with every event kind', async () => {
    const dir = await ledgerOverWeeks();
    const size = await receiptsIn(dir);
    const facts = (await factsOf(scanFacts(dir))).facts;
    expect(new Set(facts.map((f) => f.event)).size).toBeGreaterThanOrEqual(19);
    expect(new Set(facts.map((f) => Math.floor(f.tsMs / 86_400_000))).size).toBeGreaterThan(40);
    const index = new LedgerIndex(dir, () => size, silentLog);
    expect(await expectFactsOfScan(index, dir)).toBe(true);
    expect(await statsText(dir, index)).toBe(await statsText(dir, null));
    await index.close();
  });

  it('are counted after the index is rebuilt when its file is deleted, its header is wrong, or a record names a surface no receipt has', async () => {
    const dir = await ledgerOverWeeks();
    const size = await receiptsIn(dir);
    const first = new LedgerIndex(dir, () => size, silentLog);
    await first.current();
    await first.close();
    const good = readFileSync(join(dir, INDEX_FILE));
    const otherSurface = (b: Buffer) => {
      const c = Buffer.from(b);
      c.writeUInt32LE(0x12345678, 64 + 64 * 50 + 48); // record 50's server hash
      return c;
    };
    const damages = [
      { damage: null, answered: true },
      { damage: (b: Buffer) => Buffer.concat([Buffer.from('not an index'), b.subarray(12)]), answered: true },
      // Found while counting: that count is not answered (the caller scans), the index is rebuilt.
      { damage: otherSurface, answered: false },
    ];
    for (const { damage, answered } of damages) {
      if (damage) writeFileSync(join(dir, INDEX_FILE), damage(good));
      else rmSync(join(dir, INDEX_FILE));
      const index = new LedgerIndex(dir, () => size, silentLog);
      expect(await expectFactsOfScan(index, dir)).toBe(answered);
      expect(await expectFactsOfScan(index, dir)).toBe(true);
      expect(await statsText(dir, index)).toBe(await statsText(dir, null));
      await index.close();
      expect(readFileSync(join(dir, INDEX_FILE)).equals(good)).toBe(true);
    }
  });

  it('answer ledger stats through an index opened read-only: built in memory when missing, caught up in memory when behind, the file never written', async () => {
    const dir = await ledgerOverWeeks();
    const size = await receiptsIn(dir);
    const scanned = await statsText(dir, null);
    rmSync(join(dir, INDEX_FILE));
    expect(await withReadOnlyIndex(dir, (index) => statsText(dir, index), silentLog)).toBe(scanned);
    expect(existsSync(join(dir, INDEX_FILE))).toBe(false);

    const writer = new LedgerIndex(dir, () => size, silentLog);
    await writer.close();
    truncateSync(join(dir, INDEX_FILE), 64 + 64 * (size - 11) - 32);
    const behind = readFileSync(join(dir, INDEX_FILE));
    const index = LedgerIndex.readOnly(dir, silentLog);
    expect(await expectFactsOfScan(index, dir)).toBe(true);
    expect(await statsText(dir, index)).toBe(scanned);
    expect(index.size).toBe(size);
    await index.close();
    expect(readFileSync(join(dir, INDEX_FILE)).equals(behind)).toBe(true);
    expect(statSync(join(dir, INDEX_FILE)).size).toBe(behind.length);
  });

  it('leave a missing ledger to the scan, which says it is missing, without warnings of their own', async () => {
    const { log, records } = recordingLog();
    const missing = join(tempDir(), 'no-ledger');
    await expect(withReadOnlyIndex(missing, (index) => ledgerStats(missing, index), log)).rejects.toThrow(/ENOENT/);
    expect(records).toEqual([]);
  });
});
