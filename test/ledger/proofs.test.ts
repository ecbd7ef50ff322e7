// Inclusion proofs from a real ledger: every receipt proves against the latest checkpoint offline,
// a receipt newer than the latest checkpoint says so, and a forged checkpoint is refused.
import { describe, expect, it } from 'vitest';
import { Ledger, prove, verifyProof } from '../../src/ledger/index.js';
import { draft, keyringOf, silentLog, tempDir, testSigner } from './helpers.js';

const signer = testSigner('proofs');
const keyring = keyringOf({ signer });

describe('inclusion proofs', () => {
  it('prove every receipt of a 13-receipt ledger against its checkpoint', async () => {
    const dir = tempDir();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog, checkpointEvery: 1000 });
    const ids: string[] = [];
    for (let i = 0; i < 13; i++) ids.push((await ledger.append(draft(i))).body.id);
    await ledger.close();
    for (const [i, id] of ids.entries()) {
      const proof = await prove(dir, id);
      expect(proof).toMatchObject({ leaf_index: i, tree_size: 13 });
      expect(verifyProof(JSON.parse(JSON.stringify(proof)), keyring).receipt.body.id).toBe(id);
    }
  });

  it('says when a receipt is newer than the latest checkpoint, and refuses forged checkpoints', async () => {
    const dir = tempDir();
    let ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const old = await ledger.append(draft(1));
    await ledger.close();
    ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
    const fresh = await ledger.append(draft(2));
    await expect(prove(dir, fresh.body.id)).rejects.toThrow(/is newer than the latest checkpoint, which covers 1 receipts/);
    await expect(prove(dir, 'rcpt_nothere')).rejects.toThrow(/no receipt rcpt_nothere in the ledger/);
    await ledger.close();
    const proof = await prove(dir, old.body.id);
    const forged = { ...proof, checkpoint: proof.checkpoint.replace('\n2\n', '\n3\n') };
    expect(() => verifyProof(forged, keyring)).toThrow(/checkpoint: signature by .* does not verify/);
    expect(() => verifyProof(proof, keyringOf({ signer: testSigner('stranger') }))).toThrow(/not in the keyring/);
  });
});
