// Fail closed: when receipts cannot be made durable (a full disk, a directory that cannot be written)
// appends reject with a clear error, nothing half-written stays behind, and the ledger carries on
// without a gap once writes succeed again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, verifyLedger } from '../../src/ledger/index.js';
import { draft, fillDisk, keyringOf, silentLog, tempDir, testSigner, tryMountTmpfs } from './helpers.js';

const signer = testSigner('fail-closed');
const keyring = keyringOf({ signer });

describe('fail closed', () => {
  it('rejects appends on a full disk and recovers, without a gap, when space returns', async (ctx) => {
    const mnt = join(tempDir(), 'mnt');
    mkdirSync(mnt);
    if (!tryMountTmpfs(mnt, '1m')) return ctx.skip(); // needs root: mount a small tmpfs for a real ENOSPC
    try {
      const dir = join(mnt, 'ledger');
      const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointEvery: 1000 });
      for (let i = 0; i < 3; i++) await ledger.append(draft(i));
      fillDisk(join(mnt, 'filler'));
      let refusal: unknown;
      for (let i = 0; i < 20 && !refusal; i++) await ledger.append(draft(10 + i)).catch((err: unknown) => (refusal = err));
      expect(refusal).toMatchObject({ code: 'ledger_io', message: expect.stringMatching(/receipt not written, the call is refused: .*ENOSPC/) });
      const sizeWhenFull = ledger.size;
      rmSync(join(mnt, 'filler'));
      const after = await ledger.append(draft(99));
      expect(after.body.chain.seq).toBe(sizeWhenFull);
      await ledger.close();
      expect(await verifyLedger(dir, keyring)).toMatchObject({ ok: true, receipts: sizeWhenFull + 1 });
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('refuses to open a ledger whose directory cannot be created', async () => {
    const file = join(tempDir(), 'not-a-directory');
    writeFileSync(file, '');
    await expect(Ledger.open({ dir: join(file, 'ledger'), signer, issuerId: 'gate', log: silentLog })).rejects.toMatchObject({
      code: 'ledger_io',
      message: expect.stringMatching(/cannot create ledger directory/),
    });
  });

  it('rejects appends when the next segment cannot be created, then carries on', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, segmentReceipts: 2 });
    await ledger.append(draft(0));
    await ledger.append(draft(1));
    const blocker = join(dir, 'receipts-000000000002.jsonl');
    mkdirSync(blocker); // the segment's name is taken by a directory: open fails with EISDIR
    await expect(ledger.append(draft(2))).rejects.toMatchObject({ code: 'ledger_io', message: expect.stringMatching(/cannot create .*receipts-000000000002/) });
    rmdirSync(blocker);
    expect((await ledger.append(draft(3))).body.chain.seq).toBe(2);
    await ledger.close();
    expect(await verifyLedger(dir, keyring)).toMatchObject({ ok: true, receipts: 3 });
  });
});
