// `toolgate ledger consistency` on real ledgers: an auditor's kept checkpoint is a prefix of the grown
// ledger; a ledger cut back with its checkpoint lines, which `ledger verify` still passes, and a fork
// are both caught; a proof file checks offline and a tampered one does not.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { tempDir, testSigner } from './helpers.js';
import { forkOf, grow, latestNote, truncateWithCheckpoints, writeKeyring } from './truncation-and-forks.js';

const signer = testSigner('consistency-cli');
beforeAll(() => requireBuiltCli());

async function keptAt(dir: string): Promise<string> {
  const file = join(tempDir(), 'kept.txt');
  writeFileSync(file, latestNote(dir));
  return file;
}

describe('toolgate ledger consistency', { timeout: 60_000 }, () => {
  it("proves a kept checkpoint is a prefix of today's ledger, and the proof checks offline", async () => {
    const dir = join(tempDir(), 'ledger');
    const keyring = writeKeyring(signer);
    await grow(dir, signer, 0, 5);
    const kept = await keptAt(dir);
    await grow(dir, signer, 5, 9, 4);
    const proofFile = join(tempDir(), 'proof.json');
    const ok = await toolgate(['ledger', 'consistency', '--dir', dir, '--keyring', keyring, '--old', kept, '-o', proofFile]);
    expect(ok.stdout).toMatch(/^ok: the checkpoint of 5 receipts .* is a prefix of the checkpoint of 14 receipts/);
    expect(ok.code).toBe(0);
    expect((await toolgate(['ledger', 'consistency', '--keyring', keyring, '--proof', proofFile])).code).toBe(0);
    expect((await toolgate(['ledger', 'consistency', '--dir', dir, '--keyring', keyring, '--from', '9', '--to', '13'])).stdout).toMatch(
      /^ok: .* 9 receipts .* 13 receipts/,
    );
    const proof = JSON.parse(readFileSync(proofFile, 'utf8')) as { proof: string[] };
    proof.proof[0] = proof.proof[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    writeFileSync(proofFile, JSON.stringify(proof));
    const bad = await toolgate(['ledger', 'consistency', '--keyring', keyring, '--proof', proofFile]);
    expect(bad.stdout).toMatch(/^FAIL: consistency proof: the tree of 5 receipts is not a prefix of the tree of 14/);
    expect(bad.code).toBe(1);
  });

  it('catches receipts removed together with their checkpoint lines, which ledger verify passes', async () => {
    const dir = join(tempDir(), 'ledger');
    const keyring = writeKeyring(signer);
    await grow(dir, signer, 0, 6, 3);
    await grow(dir, signer, 6, 6, 3);
    const kept = await keptAt(dir);
    truncateWithCheckpoints(dir, 9);
    expect((await toolgate(['ledger', 'verify', '--dir', dir, '--keyring', keyring])).stdout).toMatch(/^ok: 9 receipts/);
    const cut = await toolgate(['ledger', 'consistency', '--dir', dir, '--keyring', keyring, '--old', kept]);
    expect(cut.stdout).toMatch(/^FAIL: the old checkpoint covers 12 receipts but the ledger's checkpoint only 9: receipts were removed from the end/);
    expect(cut.code).toBe(1);
  });

  it('catches a fork: a ledger that parted from the one the kept checkpoint saw', async () => {
    const dir = join(tempDir(), 'ledger');
    const keyring = writeKeyring(signer);
    await grow(dir, signer, 0, 4);
    const other = forkOf(dir);
    await grow(dir, signer, 4, 3);
    const kept = await keptAt(dir);
    await grow(other, signer, 100, 5);
    expect((await toolgate(['ledger', 'verify', '--dir', other, '--keyring', keyring])).stdout).toMatch(/^ok: 9 receipts/);
    const forked = await toolgate(['ledger', 'consistency', '--dir', other, '--keyring', keyring, '--old', kept]);
    expect(forked.stdout).toMatch(/^FAIL: consistency proof: the tree of 7 receipts is not a prefix of the tree of 9: history was rewritten or cut/);
    expect(forked.code).toBe(1);
  });
});
