// Keys that never sit in a file: an ed25519 key generated in a real SoftHSM2 token signs certificates
// for in-memory receipt keys and the checkpoints; the ledger it writes verifies offline, receipt by
// receipt and as a whole, from a keyring that holds only the token's public key. Forged or stretched
// certificates are refused, and a wrong PIN is reported without the PIN.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger, verifyLedger } from '../../src/ledger/index.js';
import { certifyKey, enrollKey, Keyring, keyringPath, verifyReceipt, verifySignature, type Envelope } from '../../src/receipts/index.js';
import { certifiedSigner, openOrGenerateTokenKey, openTokenSigner } from '../../src/signer/index.js';
import { appendSigned } from '../ledger/forgeries.js';
import { draft, silentLog, tempDir, testSigner } from '../ledger/helpers.js';
import { softHsmToken } from './softhsm.js';

function bodyOf(envelope: Envelope) {
  return JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { issuer: { key_id: string; cert?: { by: string } } };
}

describe('a signing key in a PKCS#11 token', () => {
  it('generates an ed25519 key in the token once, finds it after, and signs with it', () => {
    const { pkcs11 } = softHsmToken();
    const first = openOrGenerateTokenKey(pkcs11);
    first.signer.close();
    const again = openOrGenerateTokenKey(pkcs11);
    try {
      expect(first.generated).toBe(true);
      expect(again).toMatchObject({ generated: false, signer: { keyId: first.signer.keyId } });
      const message = Buffer.from('checkpoint text');
      expect(verifySignature(again.signer.sign(message), message, again.signer.publicKey)).toBe(true);
    } finally {
      again.signer.close();
    }
  });

  it('writes a ledger that verifies from a keyring holding only the token key, with no private key on disk', async () => {
    const { pkcs11 } = softHsmToken();
    const keys = join(tempDir(), 'keys');
    const { signer: token } = openOrGenerateTokenKey(pkcs11);
    try {
      enrollKey(keys, token.publicKey);
      const signer = certifiedSigner(token, 3_600_000);
      const dir = join(tempDir(), 'ledger');
      const ledger = await Ledger.open({ dir, signer, issuerId: 'gate', log: silentLog });
      const receipts = await Promise.all(Array.from({ length: 50 }, (_, i) => ledger.append(draft(i))));
      await ledger.close();
      const keyring = Keyring.load(keyringPath(keys));
      expect(keyring.file.keys.map((k) => k.key_id)).toEqual([token.keyId]);
      expect(readdirSync(keys)).toEqual(['keyring.json']);
      const one = verifyReceipt(receipts[7]!.envelope, keyring);
      expect(one).toMatchObject({ keyId: signer.keyId, authority: token.keyId });
      expect(await verifyLedger(dir, keyring)).toMatchObject({ ok: true, receipts: 50, checkpoints: 1 });
    } finally {
      token.close();
    }
  });

  it('hands over to a fresh certified receipt key past half the lifetime, with no receipt needed', async () => {
    const { pkcs11 } = softHsmToken();
    const keys = join(tempDir(), 'keys');
    const { signer: token } = openOrGenerateTokenKey(pkcs11);
    try {
      enrollKey(keys, token.publicKey, new Date(Date.now() - 60_000));
      let clock = Date.now() - 6_000; // the first receipt key's certificate started 6 s ago, renewal due at 5 s
      const first = certifiedSigner(token, 10_000, () => clock);
      const dir = join(tempDir(), 'ledger');
      const ledger = await Ledger.open({ dir, signer: first, issuerId: 'gate', log: silentLog });
      const before = await ledger.append(draft(1));
      clock = Date.now();
      const after = await ledger.append(draft(2));
      await ledger.close();
      expect(bodyOf(before.envelope).issuer.key_id).toBe(first.keyId);
      expect(bodyOf(after.envelope).issuer).toMatchObject({ key_id: expect.not.stringMatching(first.keyId), cert: { by: token.keyId } });
      expect(await verifyLedger(dir, Keyring.load(keyringPath(keys)))).toMatchObject({ ok: true, receipts: 2 });
    } finally {
      token.close();
    }
  });

  it('refuses a receipt key certified by a key outside the keyring, or outside its certificate window', async () => {
    const outsider = testSigner('not-in-keyring');
    const token = testSigner('stands-for-the-token');
    const keys = join(tempDir(), 'keys');
    enrollKey(keys, token.publicKey, new Date('2020-01-01T00:00:00.000Z'));
    const keyring = Keyring.load(keyringPath(keys));
    const dir = join(tempDir(), 'ledger');
    const ledger = await Ledger.open({ dir, signer: certifiedSigner(token, 3_600_000), issuerId: 'gate', log: silentLog });
    await ledger.append(draft(1));
    await ledger.close();

    const rogue = certifiedSigner(outsider, 3_600_000);
    const forged = appendSigned(dir, rogue, draft(2));
    expect(() => verifyReceipt(forged, keyring)).toThrow(/not in the keyring/);

    const receiptKey = testSigner('receipt-key');
    const expired = { ...receiptKey, certificate: certifyKey(token, receiptKey.publicKey, new Date('2021-01-01'), new Date('2021-01-02')) };
    expect(() => verifyReceipt(appendSigned(dir, expired, draft(3)), keyring)).toThrow(/outside 2021-01-01/);
    const stretched = { ...expired, certificate: { ...expired.certificate, not_after: '2099-01-01T00:00:00.000Z' } };
    expect(() => verifyReceipt(appendSigned(dir, stretched, draft(4)), keyring)).toThrow(/issuer.cert: signature by/);
  });

  it('reports a wrong PIN by its PKCS#11 code, never with the PIN', () => {
    const { pkcs11 } = softHsmToken();
    openOrGenerateTokenKey(pkcs11).signer.close();
    process.env[pkcs11.pin_env] = '9876';
    expect(() => openTokenSigner(pkcs11)).toThrow(/cannot log in to the token: .*CKR_PIN_INCORRECT/);
    try {
      openTokenSigner(pkcs11);
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('9876');
    }
  });
});
