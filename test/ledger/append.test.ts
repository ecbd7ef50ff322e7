// Appending: seq order is the order of the calls, a promise resolves only when its line is on disk,
// concurrent appends share flushes, checkpoints come every N receipts and at close, segments roll
// over, and arguments never reach the ledger (only hashes).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Ledger, readReceipts, verifyLedger, ledgerStats } from '../../src/ledger/index.js';
import { draft, keyringOf, silentLog, tempDir, testSigner } from './helpers.js';

const signer = testSigner('append');

describe('appending receipts', () => {
  it('assigns seq in call order under concurrency and resolves only once the line is in the file', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, segmentReceipts: 7, checkpointEvery: 10 });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        ledger.append(draft(i)).then((r) => {
          const files = readdirSync(dir).filter((f) => f.startsWith('receipts-'));
          const text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
          expect(text).toContain(JSON.stringify(r.envelope));
          return r;
        }),
      ),
    );
    expect(results.map((r) => r.body.chain.seq)).toEqual(results.map((_, i) => i));
    expect(results.map((r) => ('call' in r.body ? r.body.call.id : undefined))).toEqual(results.map((_, i) => `call_${i}`));
    expect(results[1]!.body.chain.prev).toBe(results[0]!.leafHash);
    for (let i = 50; i < 75; i++) await ledger.append(draft(i));
    await ledger.close();
    expect(readdirSync(dir).filter((f) => f.startsWith('receipts-'))).toHaveLength(11);
    // The 50 concurrent appends are written as batches of at most 32: a checkpoint after each of
    // them, at 60 and 70 (one flush each), and one at close for 75.
    const sizes = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).note.split('\n')[1]);
    expect(sizes).toEqual(['32', '50', '60', '70', '75']);
    expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: 75, checkpoints: 5 });
  });

  it('continues the chain after reopening, and reading it back finds receipts by id and call id', async () => {
    const dir = tempDir();
    let ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const first = await ledger.append(draft(1));
    await ledger.close();
    ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const second = await ledger.append(draft(2, 'complete'));
    await ledger.close();
    expect(second.body.chain).toEqual({ id: first.body.chain.id, seq: 1, prev: first.leafHash });
    const read = [];
    for await (const r of readReceipts(dir)) read.push(r);
    expect(read.find((r) => r.body.id === second.body.id)?.body).toEqual(second.body);
    expect(read.filter((r) => 'call' in r.body && r.body.call.id === 'call_1').map((r) => r.body.id)).toEqual([first.body.id]);
    expect(await ledgerStats(dir)).toMatchObject({
      receipts: 2,
      byEvent: { permit: 1, complete: 1 },
      bySurface: { 'fs/read_file': { permit: 1, complete: 1 } },
    });
  });

  it('refuses a malformed draft without disturbing the receipts around it', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const bad = { ...draft(2), arguments: { secret: 'x' } } as never;
    const [a, b, c] = await Promise.allSettled([ledger.append(draft(1)), ledger.append(bad), ledger.append(draft(3))]);
    expect(b.status).toBe('rejected');
    expect(String((b as PromiseRejectedResult).reason)).toMatch(/unknown key|Unrecognized key/i);
    expect([a, c].map((r) => (r as PromiseFulfilledResult<{ body: { chain: { seq: number } } }>).value.body.chain.seq)).toEqual([0, 1]);
    await ledger.close();
    const lines: string[] = [];
    for await (const r of readReceipts(dir)) lines.push(JSON.stringify(r.body));
    expect(lines.join('\n')).not.toContain('secret');
    await expect(ledger.append(draft(4))).rejects.toThrow(/closed/);
  });

  it("leaves the caller's draft as given, so the same draft can be appended again", async () => {
    const ledger = await Ledger.open({ dir: tempDir(), signer, issuerId: 'gate', log: silentLog });
    const given = draft(5);
    const before = JSON.stringify(given);
    const first = await ledger.append(given);
    const second = await ledger.append(given);
    expect(JSON.stringify(given)).toBe(before);
    expect([first.body.chain.seq, second.body.chain.seq]).toEqual([0, 1]);
    expect(second.envelope.payload).not.toBe(first.envelope.payload);
    await ledger.close();
  });
  it('signs a checkpoint after the interval when receipts arrived since the last one', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointIntervalMs: 50 });
    await ledger.append(draft(1));
    await ledger.append(draft(2));
    await vi.waitFor(() => expect(existsSync(join(dir, 'checkpoints.jsonl'))).toBe(true), { timeout: 5000 });
    expect(JSON.parse(readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8')).note.split('\n')[1]).toBe('2');
    await ledger.close();
  });

  it('refuses to open with an issuer id that no receipt may carry, naming the field', async () => {
    const dir = tempDir();
    await expect(Ledger.open({ dir, signer, issuerId: '', log: silentLog })).rejects.toMatchObject({
      code: 'ledger_config',
      message: expect.stringMatching(/issuer\.id: /),
    });
    // The directory is released: a valid configuration opens it.
    await (await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog })).close();
  });

  it('allows one writer per directory', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    await expect(Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog })).rejects.toThrow(/already open/);
    await ledger.close();
  });
});
