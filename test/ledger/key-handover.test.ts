// Key hand-overs checked by ledger verification: a new key signs only after a rotate receipt signed
// by its predecessor, a retired key signs nothing after it (receipts or checkpoints), a hand-over
// names a valid key, and a signature is judged the same by `toolgate verify` and `ledger verify`.
// Each forgery below carries real signatures and links into the chain correctly.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signCheckpoint, parseCheckpoint } from '../../src/ledger/checkpoint.js';
import { CHECKPOINTS_FILE } from '../../src/ledger/files.js';
import { Ledger, verifyLedger } from '../../src/ledger/index.js';
import { Keyring, keyIdOf, verifyReceipt, type Signer } from '../../src/receipts/index.js';
import { appendMixedOrder, appendSigned } from './forgeries.js';
import { draft, silentLog, tempDir, testSigner } from './helpers.js';

const a = testSigner('handover-a');
const b = testSigner('handover-b');
const b64 = (key: Uint8Array) => Buffer.from(key).toString('base64');

function keyring(...keys: Array<{ signer: Signer; notAfter?: string | null; lost?: boolean }>): Keyring {
  return new Keyring({
    version: 'toolgate.keyring/v1',
    keys: keys.map(({ signer, notAfter, lost }) => ({
      key_id: signer.keyId,
      algorithm: 'ed25519' as const,
      public_key: b64(signer.publicKey),
      not_before: '2020-01-01T00:00:00.000Z',
      not_after: notAfter ?? null,
      ...(lost ? { lost } : {}),
    })),
  });
}

function handOver(from: Signer, to: { keyId: string; publicKey: Uint8Array }) {
  return {
    event: 'rotate' as const,
    rotation: { from_key_id: from.keyId, to_key_id: to.keyId, to_public_key: b64(to.publicKey), not_before: '2026-01-01T00:00:00.000Z' },
  };
}

/** A ledger signed by `a`: one receipt, the hand-over to `b`, one receipt by `b`. */
async function rotatedLedger() {
  const dir = join(tempDir(), 'ledger');
  const ledger = await Ledger.open({ dir, signer: a, issuerId: 'gate', log: silentLog });
  await ledger.append(draft(1));
  const rotate = await ledger.rotateSigner(handOver(a, b), b);
  await ledger.append(draft(2));
  await ledger.close();
  return { dir, rotatedAt: rotate.body.ts, keyring: keyring({ signer: a, notAfter: rotate.body.ts }, { signer: b }) };
}

/** A ledger of `n` receipts signed by `a` alone. */
async function ledgerOfA(n: number) {
  const dir = join(tempDir(), 'ledger');
  const ledger = await Ledger.open({ dir, signer: a, issuerId: 'gate', log: silentLog });
  for (let i = 0; i < n; i++) await ledger.append(draft(i));
  await ledger.close();
  return dir;
}

describe('key hand-overs in ledger verification', () => {
  it('accepts an honest rotation: the old key signs up to its hand-over, the new key after it', async () => {
    const { dir, keyring } = await rotatedLedger();
    expect(await verifyLedger(dir, keyring)).toMatchObject({ ok: true, receipts: 3 });
  });

  it('rejects the old key signing after its rotate receipt, even inside its validity window', async () => {
    const { dir, rotatedAt, keyring } = await rotatedLedger();
    appendSigned(dir, a, draft(3), rotatedAt);
    expect(await verifyLedger(dir, keyring)).toMatchObject({
      ok: false,
      problem: { seq: 3, code: 'key_retired', message: expect.stringContaining(`${a.keyId} was retired`) },
    });
  });

  it('rejects a checkpoint signed by the old key after its rotate receipt', async () => {
    const { dir, rotatedAt, keyring } = await rotatedLedger();
    const lines = readFileSync(join(dir, CHECKPOINTS_FILE), 'utf8').trimEnd().split('\n');
    const record = JSON.parse(lines.at(-1)!) as { note: string };
    const { checkpoint } = parseCheckpoint(record.note);
    const forged = { ...record, note: signCheckpoint({ ...checkpoint, time: rotatedAt }, a) };
    appendFileSync(join(dir, CHECKPOINTS_FILE), `${JSON.stringify(forged)}\n`);
    expect(await verifyLedger(dir, keyring)).toMatchObject({ ok: false, problem: { code: 'key_retired' } });
  });

  it('rejects a new key signing with no rotate receipt before it', async () => {
    const dir = await ledgerOfA(2);
    appendSigned(dir, b, draft(2));
    expect(await verifyLedger(dir, keyring({ signer: a }, { signer: b }))).toMatchObject({
      ok: false,
      problem: { seq: 2, code: 'key_not_handed_over', message: expect.stringContaining(b.keyId) },
    });
  });

  it('rejects a rotate receipt signed by the new key unless the keyring marks the old key lost', async () => {
    const dir = await ledgerOfA(1);
    appendSigned(dir, b, handOver(a, b));
    appendSigned(dir, b, draft(2));
    expect(await verifyLedger(dir, keyring({ signer: a }, { signer: b }))).toMatchObject({
      ok: false,
      problem: { seq: 1, code: 'key_not_handed_over' },
    });
    expect(await verifyLedger(dir, keyring({ signer: a, lost: true }, { signer: b }))).toMatchObject({ ok: true, receipts: 3 });
  });

  it('rejects a rotate receipt naming a small-order key, in both verifiers', async () => {
    const identity = Buffer.alloc(32);
    identity[0] = 1; // the neutral point: small order, and every signature under it is forgeable
    const dir = await ledgerOfA(1);
    const envelope = appendSigned(dir, a, handOver(a, { keyId: keyIdOf(identity), publicKey: identity }));
    const ring = keyring({ signer: a });
    expect(() => verifyReceipt(envelope, ring)).toThrow(/rotation.to_public_key.*small order/);
    expect(await verifyLedger(dir, ring)).toMatchObject({ ok: false, problem: { seq: 1, code: 'rotation_invalid' } });
  });

  it('rejects a rotate receipt whose key id does not match its public key, or that hands over to a key the keyring holds differently', async () => {
    const dir = await ledgerOfA(1);
    const envelope = appendSigned(dir, a, handOver(a, { keyId: b.keyId, publicKey: testSigner('other').publicKey }));
    expect(() => verifyReceipt(envelope, keyring({ signer: a }, { signer: b }))).toThrow(/to_key_id/);
  });

  it('judges a signature whose R has a small-order component the same way for one receipt and for the ledger', async () => {
    const dir = await ledgerOfA(1);
    const envelope = appendMixedOrder(dir, createHash('sha256').update('handover-a').digest(), a.keyId, draft(1));
    const ring = keyring({ signer: a });
    expect(() => verifyReceipt(envelope, ring)).toThrow(/does not verify/);
    expect(await verifyLedger(dir, ring)).toMatchObject({ ok: false, problem: { seq: 1, code: 'signature_invalid' } });
  });
});
