// `toolgate ledger prove` for a receipt newer than the latest checkpoint (issue 15 section 5): it says
// so and how checkpoints come; with --wait it waits for the next checkpoint and proves against it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir, testSigner } from './helpers.js';
import { grow } from './truncation-and-forks.js';

const signer = testSigner('prove-waits');
const root = fileURLToPath(new URL('../..', import.meta.url));
beforeAll(() => requireBuiltCli());

/** Runs `toolgate ledger prove --wait`, calling `onWaiting` once it says it waits. */
function proveWaiting(id: string, dir: string, onWaiting: () => Promise<unknown>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/toolgate.js', 'ledger', 'prove', id, '--dir', dir, '--wait', '60'], { cwd: root });
  let stdout = '';
  let stderr = '';
  let told = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    if (!told && stderr.includes('waiting up to 60s')) {
      told = true;
      void onWaiting();
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('ledger prove of a receipt newer than the latest checkpoint', { timeout: 90_000 }, () => {
  it('says why it cannot prove yet, and --wait proves it once a checkpoint covers it', async () => {
    const dir = join(tempDir(), 'ledger');
    await grow(dir, signer, 0, 2);
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointEvery: 2 });
    try {
      const fresh = await ledger.append(draft(7));
      const now = await toolgate(['ledger', 'prove', fresh.body.id, '--dir', dir]);
      expect(now.code).toBe(1);
      expect(now.stderr).toMatch(
        /is newer than the latest checkpoint, which covers 2 receipts: a checkpoint is written every .* or wait for the next with --wait/,
      );
      const waited = await proveWaiting(fresh.body.id, dir, () => ledger.append(draft(8)));
      expect(waited.code).toBe(0);
      expect(JSON.parse(waited.stdout)).toMatchObject({ leaf_index: 2, tree_size: 4 });
    } finally {
      await ledger.close();
    }
  });
});
