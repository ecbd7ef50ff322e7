// Key files and rotation on real directories: private keys are 0600, a fresh directory gets a key
// when serve asks for one, and a rotation is a receipt signed by the old key after which old and new
// receipts all verify against the updated keyring. A current key whose private file is missing is
// never replaced silently: start-up refuses, and a rotation away from the lost key is on purpose.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, verifyLedger } from '../../src/ledger/index.js';
import { generateKey, Keyring, keyringPath, loadOrCreateSigner, rotateKey, rotateLostKey, verifyReceipt } from '../../src/receipts/index.js';
import { draft, recordingLog, silentLog, tempDir } from '../ledger/helpers.js';

describe('signing keys', () => {
  it('writes the private key with mode 0600 and a keyring with its key id and open window', () => {
    const dir = tempDir();
    const { signer, keyFile } = generateKey(dir);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const keyring = Keyring.load(keyringPath(dir));
    expect(keyring.file.keys).toEqual([expect.objectContaining({ key_id: signer.keyId, not_after: null })]);
    expect(() => generateKey(dir)).toThrow(/already has the signing key/);
  });

  it('creates and logs a key when the directory holds none, then keeps using it', () => {
    const dir = join(tempDir(), 'keys');
    const { log, records } = recordingLog();
    const first = loadOrCreateSigner(dir, log);
    expect(records.find((r) => r.msg === 'created a new receipt signing key')).toMatchObject({ key_id: first.keyId });
    expect(loadOrCreateSigner(dir, log).keyId).toBe(first.keyId);
  });

  it('rotates: the hand-over is signed by the old key, later receipts by the new one, all verify', async () => {
    const base = tempDir();
    const keys = join(base, 'keys');
    const old = generateKey(keys).signer;
    const ledger = await Ledger.open({ dir: join(base, 'ledger'), signer: old, issuerId: 'gate', log: silentLog });
    const before = await ledger.append(draft(1));
    const rotation = await rotateKey(keys, ledger);
    const after = await ledger.append(draft(2));
    await ledger.close();

    expect(rotation.receipt).toMatchObject({
      event: 'rotate',
      issuer: { key_id: old.keyId },
      rotation: { from_key_id: old.keyId, to_key_id: rotation.to.keyId },
    });
    expect(after.body.issuer.key_id).toBe(rotation.to.keyId);
    const keyring = Keyring.load(keyringPath(keys));
    expect(keyring.get(old.keyId)!.entry.not_after).toBe(rotation.receipt.ts);
    expect(keyring.get(rotation.to.keyId)!.entry.not_after).toBeNull();
    expect(existsSync(join(keys, `${old.keyId.replace(':', '-')}.pem`))).toBe(false);
    expect(verifyReceipt(before.envelope, keyring).keyId).toBe(old.keyId);
    expect(verifyReceipt(after.envelope, keyring).keyId).toBe(rotation.to.keyId);
    expect(await verifyLedger(join(base, 'ledger'), keyring)).toMatchObject({ ok: true, receipts: 3 });
    expect(loadOrCreateSigner(keys, silentLog).keyId).toBe(rotation.to.keyId);
    expect(JSON.parse(readFileSync(keyringPath(keys), 'utf8')).keys).toHaveLength(2);
  });

  it('refuses to start when the keyring lists a current key whose private file is missing, saying how to restore or rotate', async () => {
    const dir = tempDir();
    const { signer, keyFile } = generateKey(dir);
    rmSync(keyFile);
    const before = readFileSync(keyringPath(dir), 'utf8');
    expect(() => loadOrCreateSigner(dir, silentLog)).toThrow(
      new RegExp(`${signer.keyId}.*${keyFile}.* is missing.*Restore .*toolgate keys rotate --lost`, 's'),
    );
    expect(() => generateKey(dir)).toThrow(/is missing/);
    expect(readFileSync(keyringPath(dir), 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.pem'))).toEqual([]);
  });

  it('rotates away from a lost key on purpose: the hand-over names it, is signed by the new key, and the ledger verifies', async () => {
    const base = tempDir();
    const keys = join(base, 'keys');
    const { signer: lost, keyFile } = generateKey(keys);
    const ledgerDir = join(base, 'ledger');
    let ledger = await Ledger.open({ dir: ledgerDir, signer: lost, issuerId: 'gate', log: silentLog });
    await ledger.append(draft(1));
    await ledger.close();
    rmSync(keyFile);
    await expect(rotateKey(keys, ledger)).rejects.toThrow(/is missing/);

    const rotation = await rotateLostKey(keys, async (next) => {
      ledger = await Ledger.open({ dir: ledgerDir, signer: next, issuerId: 'gate', log: silentLog });
      return ledger;
    });
    await ledger.append(draft(2));
    await ledger.close();
    expect(rotation.receipt).toMatchObject({
      event: 'rotate',
      issuer: { key_id: rotation.to.keyId },
      rotation: { from_key_id: lost.keyId, to_key_id: rotation.to.keyId },
    });
    const keyring = Keyring.load(keyringPath(keys));
    expect(keyring.get(lost.keyId)!.entry.not_after).toBe(rotation.receipt.ts);
    expect(await verifyLedger(ledgerDir, keyring)).toMatchObject({ ok: true, receipts: 3 });
    expect(loadOrCreateSigner(keys, silentLog).keyId).toBe(rotation.to.keyId);
  });
});
