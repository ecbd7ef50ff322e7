// The ledger index (docs/ledger-index.md) against the ledger it indexes: it finds what a full scan
// finds, for every event kind, and it is rebuilt or caught up whenever it is missing, wrong or behind.
import { cpSync, existsSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECEIPT_EVENTS } from '../../src/core/index.js';
import { INDEX_FILE, Ledger, LedgerIndex, readReceipts, scanNeighbours, scanSearch, type ReceiptQuery, type SearchResult } from '../../src/ledger/index.js';
import { isCallReceipt, type ReceiptBody } from '../../src/receipts/index.js';
import { draft, silentLog, tempDir, testSigner } from './helpers.js';

const VECTORS = join(import.meta.dirname, '../vectors/ledger');

async function bodies(dir: string): Promise<ReceiptBody[]> {
  const all: ReceiptBody[] = [];
  for await (const r of readReceipts(dir)) all.push(r.body);
  return all;
}

/** A copy of the golden vectors' ledger (every event kind, five segments) and its size. */
async function vectorsLedger(): Promise<{ dir: string; size: number }> {
  const dir = tempDir();
  cpSync(VECTORS, dir, { recursive: true });
  return { dir, size: (await bodies(dir)).length };
}

const seqs = (r: SearchResult) => ({ seqs: r.receipts.map((x) => x.body.chain.seq), total: r.total });

/** Every query a console user can make on this ledger: each id, call id, principal, surface, event, and time windows. */
function queriesOf(all: ReceiptBody[]): ReceiptQuery[] {
  const calls = all.filter(isCallReceipt);
  const times = all.map((b) => Date.parse(b.ts));
  const mid = times[Math.floor(times.length / 2)]!;
  return [
    ...all.map((b) => ({ id: b.id })),
    ...[...new Set(calls.map((b) => b.call.id))].map((call_id) => ({ call_id })),
    ...[...new Set(calls.map((b) => b.principal.id))].map((principal) => ({ principal })),
    ...[...new Set(calls.map((b) => `${b.call.server}\n${b.call.tool}`))].map((s) => ({ server: s.split('\n')[0], tool: s.split('\n')[1] })),
    ...RECEIPT_EVENTS.map((event) => ({ event })),
    { from: mid },
    { to: mid },
    { call_id: 'call_none' },
    { id: 'rcpt_none', event: 'permit' },
  ];
}

async function expectAgreesWithScan(index: LedgerIndex, dir: string): Promise<void> {
  for (const q of queriesOf(await bodies(dir))) {
    for (const limit of [1, 100]) expect(seqs(await index.search(q, limit)), JSON.stringify(q)).toEqual(seqs(await scanSearch(dir, q, limit)));
  }
}

describe('the ledger index', () => {
  it('finds what a full scan finds, by receipt id, call id, principal, surface, event and time, on a ledger with every event kind', async () => {
    const { dir, size } = await vectorsLedger();
    const events = new Set((await bodies(dir)).map((b) => b.event));
    expect(events.size).toBeGreaterThanOrEqual(10);
    const index = new LedgerIndex(dir, () => size, silentLog);
    await expectAgreesWithScan(index, dir);
    expect(index.size).toBe(size);
    await index.close();
    expect(statSync(join(dir, INDEX_FILE)).size).toBe(64 + 64 * size);
  });

  it('is built again when its file is deleted', async () => {
    const { dir, size } = await vectorsLedger();
    await new LedgerIndex(dir, () => size, silentLog).current().then(() => undefined);
    rmSync(join(dir, INDEX_FILE));
    const index = new LedgerIndex(dir, () => size, silentLog);
    await expectAgreesWithScan(index, dir);
    await index.close();
    expect(existsSync(join(dir, INDEX_FILE))).toBe(true);
  });

  it('is rebuilt when its header or last record is wrong, and when it has more records than the ledger has receipts', async () => {
    const { dir, size } = await vectorsLedger();
    const first = new LedgerIndex(dir, () => size, silentLog);
    await first.current();
    await first.close();
    const good = readFileSync(join(dir, INDEX_FILE));
    const damages: Array<(b: Buffer) => Buffer> = [
      (b) => Buffer.concat([Buffer.from('not an index'), b.subarray(12)]),
      (b) => {
        const c = Buffer.from(b);
        c.writeDoubleLE(3, 64 + 64 * (size - 1)); // the last record's offset
        return c;
      },
      (b) => Buffer.concat([b, b.subarray(64, 128)]), // one record more than the ledger
    ];
    for (const damage of damages) {
      writeFileSync(join(dir, INDEX_FILE), damage(good));
      const index = new LedgerIndex(dir, () => size, silentLog);
      await expectAgreesWithScan(index, dir);
      await index.close();
      expect(readFileSync(join(dir, INDEX_FILE)).equals(good)).toBe(true);
    }
  });

  it('answers from a scan and rebuilds itself when a record in the middle points at the wrong receipt (a result or a neighbour)', async () => {
    const { dir, size } = await vectorsLedger();
    const first = new LedgerIndex(dir, () => size, silentLog);
    await first.current();
    await first.close();
    const good = readFileSync(join(dir, INDEX_FILE));
    // Record 5 gets record 4's position: a search that hits record 5 reads receipt 4 back.
    const bad = Buffer.from(good);
    good.copy(bad, 64 + 64 * 5, 64 + 64 * 4, 64 + 64 * 4 + 12);
    writeFileSync(join(dir, INDEX_FILE), bad);
    const all = await bodies(dir);
    const index = new LedgerIndex(dir, () => size, silentLog);
    const q = { id: all[5]!.id };
    expect(seqs(await index.search(q, 10))).toEqual({ seqs: [5], total: 1 });
    await index.current();
    await index.close();
    expect(readFileSync(join(dir, INDEX_FILE)).equals(good)).toBe(true);
    // The same damage met as a neighbour: receipt 4's next is answered from the ledger.
    writeFileSync(join(dir, INDEX_FILE), bad);
    const again = new LedgerIndex(dir, () => size, silentLog);
    const shown = await again.withNeighbours(all[4]!.id);
    expect([shown?.prev?.body.chain.seq, shown?.receipt.body.chain.seq, shown?.next?.body.chain.seq]).toEqual([3, 4, 5]);
    expect(shown).toEqual(await scanNeighbours(dir, all[4]!.id));
    await again.current();
    await again.close();
    expect(readFileSync(join(dir, INDEX_FILE)).equals(good)).toBe(true);
  });

  it('catches up on receipts the ledger made durable but the index never recorded (a crash between the two)', async () => {
    const { dir, size } = await vectorsLedger();
    const first = new LedgerIndex(dir, () => size, silentLog);
    await first.current();
    await first.close();
    // The index lost its last 11 records (and half of one more), as after a crash before its write.
    truncateSync(join(dir, INDEX_FILE), 64 + 64 * (size - 11) - 32);
    const index = new LedgerIndex(dir, () => size, silentLog);
    await expectAgreesWithScan(index, dir);
    expect(index.size).toBe(size);
    await index.close();
  });

  it('indexes what the real writer appends, as reading the ledger would, and a search sees every acknowledged receipt', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer: testSigner('idx'), issuerId: 'gw', log: silentLog, segmentReceipts: 7 });
    for (let i = 0; i < 20; i++) await ledger.append(draft(i % 6, i % 3 === 2 ? 'complete' : 'permit'));
    await Promise.all(Array.from({ length: 30 }, (_, i) => ledger.append(draft(100 + i, 'deny'))));
    expect(seqs(await ledger.index!.search({ call_id: 'call_3' }, 100))).toEqual(seqs(await scanSearch(dir, { call_id: 'call_3' }, 100)));
    expect((await ledger.index!.search({ event: 'deny' }, 100)).total).toBe(30);
    await expectAgreesWithScan(ledger.index!, dir);
    await ledger.close();
    // The records the writer made from the receipts in memory are those made by reading the ledger.
    const handedOver = readFileSync(join(dir, INDEX_FILE));
    rmSync(join(dir, INDEX_FILE));
    await new LedgerIndex(dir, () => 50, silentLog).close();
    expect(readFileSync(join(dir, INDEX_FILE)).equals(handedOver)).toBe(true);
    // Reopened with index records missing: the ledger's own index catches up.
    truncateSync(join(dir, INDEX_FILE), 64 + 64 * 10);
    const again = await Ledger.open({ dir, signer: testSigner('idx'), issuerId: 'gw', log: silentLog, segmentReceipts: 7 });
    await again.append(draft(999));
    expect(seqs(await again.index!.search({ call_id: 'call_999' }, 10))).toEqual({ seqs: [50], total: 1 });
    await expectAgreesWithScan(again.index!, dir);
    await again.close();
  });
});
