// The running ledger signs a checkpoint when asked (the admin API's "checkpoint now"): over every
// durable receipt, also when asked in the middle of a burst of appends, and the ledger verifies.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, prove, verifyLedger } from '../../src/ledger/index.js';
import { draft, keyringOf, silentLog, tempDir, testSigner } from './helpers.js';

const signer = testSigner('checkpoint-on-demand');

describe('a checkpoint on demand', () => {
  it('covers every durable receipt, asked between writes or during one', async () => {
    const dir = join(tempDir(), 'ledger');
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointEvery: 1000, checkpointIntervalMs: 3_600_000 });
    try {
      const first = await ledger.append(draft(0));
      expect(await ledger.checkpointNow()).toBe(1);
      expect((await prove(dir, first.body.id)).tree_size).toBe(1);
      const burst = Array.from({ length: 200 }, (_, i) => ledger.append(draft(i + 1)));
      const asked = ledger.checkpointNow();
      const written = await Promise.all(burst);
      const covered = await asked;
      expect(covered).toBeGreaterThanOrEqual(1);
      expect(covered).toBeLessThanOrEqual(201);
      expect(await ledger.checkpointNow()).toBe(201);
      expect((await prove(dir, written.at(-1)!.body.id)).tree_size).toBe(201);
    } finally {
      await ledger.close();
    }
    expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: 201 });
  });
});
