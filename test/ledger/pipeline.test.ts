// The append pipeline: batches are sealed against the chain head before the batches in front of them
// are durable. When a batch in front is refused (its write or its signing failed), the batches
// sealed behind it are sealed again against the durable head and written: no gap, no dangling link,
// seq still in call order, and only the receipts the failed batch carried are refused.
import { mkdirSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, verifyLedger, type AppendedReceipt } from '../../src/ledger/index.js';
import { signPayloads, type Signer } from '../../src/receipts/index.js';
import { built, draft, fillDisk, keyringOf, silentLog, tempDir, testSigner, tryMountTmpfs } from './helpers.js';

/** 80 concurrent appends: several batches large enough for the worker thread, so later ones are sealed while the first is in flight. */
function appendMany(ledger: Pick<Ledger, 'append'>, first: number, onFirstRefused: () => void) {
  return Promise.allSettled(
    Array.from({ length: 80 }, (_, i) => {
      const p = ledger.append(draft(first + i));
      return i === 0 ? p.catch((err: unknown) => (onFirstRefused(), Promise.reject(err))) : p;
    }),
  );
}

/** The refused appends are a prefix (the batch in front); every later one is written, in call order, from `seq`. */
function expectRefusedThenWritten(results: PromiseSettledResult<AppendedReceipt>[], seq: number, first: number, reason: RegExp) {
  const cut = results.findIndex((r) => r.status === 'fulfilled');
  expect(cut).toBeGreaterThan(0);
  for (const r of results.slice(0, cut)) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ledger_io', message: expect.stringMatching(reason) } });
  const written = results.slice(cut).map((r) => (r as PromiseFulfilledResult<AppendedReceipt>).value.body);
  expect(written.map((b) => b.chain.seq)).toEqual(written.map((_, i) => seq + i));
  expect(written.map((b) => ('call' in b ? b.call.id : undefined))).toEqual(written.map((_, i) => `call_${first + cut + i}`));
  return written.length;
}

describe('the append pipeline', () => {
  it('seals the batches behind a failed write again and writes them once space returns', async (ctx) => {
    const { Ledger, threadedSigner, verifyLedger } = await built();
    const mnt = join(tempDir(), 'mnt');
    mkdirSync(mnt);
    if (!tryMountTmpfs(mnt, '1m')) return ctx.skip(); // needs root: mount a small tmpfs for a real ENOSPC
    try {
      const dir = join(mnt, 'ledger');
      // The worker signs each batch while the next one is sealed, so the second batch is sealed
      // against the first one's chain head before the first one's write fails.
      const signer = threadedSigner(Buffer.alloc(32, 9));
      const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
      for (let i = 0; i < 3; i++) await ledger.append(draft(i));
      fillDisk(join(mnt, 'filler'));
      const results = await appendMany(ledger, 100, () => rmSync(join(mnt, 'filler')));
      const written = expectRefusedThenWritten(results, 3, 100, /receipt not written, the call is refused: .*ENOSPC/);
      await ledger.close();
      expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: 3 + written });
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('refuses only the batch whose signing failed and seals the ones behind it again', async () => {
    const dir = tempDir();
    const real = testSigner('pipeline');
    let calls = 0;
    // A signer whose worker fails its first batch after a while (as a crashed worker thread would).
    const flaky: Signer = {
      ...real,
      async signBatch(batch) {
        if (calls++ === 0) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          throw new Error('sign worker exited');
        }
        return signPayloads(batch, real.keyId, real.sign);
      },
    };
    const ledger = await Ledger.open({ dir, signer: flaky, issuerId: 'gate', log: silentLog });
    const results = await appendMany(ledger, 0, () => undefined);
    const written = expectRefusedThenWritten(results, 0, 0, /receipt not signed, the call is refused: sign worker exited/);
    expect(calls).toBeGreaterThan(1);
    await ledger.close();
    expect(await verifyLedger(dir, keyringOf({ signer: real }))).toMatchObject({ ok: true, receipts: written });
  });
});
