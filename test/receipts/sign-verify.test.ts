// Signatures cross-checked between libsodium (the signer), node:crypto and noble; ledger lines equal
// to the envelope's JSON; and each verification check refusing the input it exists for: tampered
// payload, wrong key, key outside its window, non-canonical payload, malleated signature, weak keys
// (small order, or with a small-order component).
import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import {
  assertStrictPublicKey,
  canonicalJson,
  envelopeLine,
  envelopeOf,
  pae,
  pemFromSeed,
  RECEIPT_MEDIA_TYPE,
  sealReceipt,
  signPayloads,
  verifySignature,
  verifyReceipt,
} from '../../src/receipts/index.js';
import { bodyFor, keyringOf, testSigner } from '../ledger/helpers.js';

const signer = testSigner('sign-verify');
const body = bodyFor(signer);
const keyring = keyringOf({ signer });
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('signing and verifying receipts', () => {
  it('libsodium, node:crypto and noble sign the same bytes, and each verifies the others', async () => {
    const message = pae(RECEIPT_MEDIA_TYPE, Buffer.from(canonicalJson(body)));
    const sodiumSig = signer.sign(message);
    const seed = createHash('sha256').update('sign-verify').digest();
    const nodeSig = nodeSign(null, message, createPrivateKey({ key: pemFromSeed(seed), format: 'pem' }));
    const nobleSig = ed.sign(message, seed);
    expect(Buffer.from(sodiumSig)).toEqual(Buffer.from(nobleSig));
    expect(Buffer.from(nodeSig)).toEqual(Buffer.from(nobleSig));
    expect(ed.verify(sodiumSig, message, signer.publicKey, { zip215: false })).toBe(true);
    expect(verifySignature(nobleSig, message, signer.publicKey)).toBe(true);
  });

  it('writes ledger lines that are exactly the JSON of the envelope', () => {
    const sealed = sealReceipt(body, signer);
    const [signature] = sealed.envelope.signatures;
    const line = envelopeLine(sealed.payload, signer.keyId, Buffer.from(signature!.sig, 'base64'));
    expect(line).toBe(`${JSON.stringify(sealed.envelope)}\n`);
    const batch = signPayloads(
      { bytes: Buffer.concat([sealed.payload, sealed.payload]), lengths: [sealed.payload.length, sealed.payload.length] },
      signer.keyId,
      signer.sign,
    );
    expect(Buffer.from(batch.lines).toString()).toBe(line + line);
    expect(batch.lineLengths).toEqual([line.length, line.length]);
    expect(Buffer.from(batch.signatures.subarray(64))).toEqual(Buffer.from(signature!.sig, 'base64'));
  });

  it('accepts a sealed receipt and returns its body', () => {
    expect(verifyReceipt(sealReceipt(body, signer).envelope, keyring).body).toEqual(body);
  });

  it('refuses a payload changed after signing', () => {
    const { envelope } = sealReceipt(body, signer);
    const changed = Buffer.from(canonicalJson({ ...body, id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YC' }));
    expect(() => verifyReceipt({ ...envelope, payload: changed.toString('base64') }, keyring)).toThrow(/does not verify/);
  });

  it('refuses a key missing from the keyring and a key outside its validity window', () => {
    const { envelope } = sealReceipt(body, signer);
    expect(() => verifyReceipt(envelope, keyringOf({ signer: testSigner('other') }))).toThrow(/not in the keyring/);
    const expired = keyringOf({ signer, notBefore: '2020-01-01T00:00:00.000Z', notAfter: '2026-03-04T05:06:07.088Z' });
    expect(() => verifyReceipt(envelope, expired)).toThrow(/was not valid at 2026-03-04T05:06:07.089Z/);
  });

  it('refuses a payload that is not in canonical form even when its signature is good', () => {
    const loose = Buffer.from(JSON.stringify(body, null, 1));
    const envelope = envelopeOf(loose, signer.keyId, signer.sign(pae(RECEIPT_MEDIA_TYPE, loose)));
    expect(() => verifyReceipt(envelope, keyring)).toThrow(/not RFC 8785 canonical/);
  });

  it('refuses a malleated signature (S + L)', () => {
    const { envelope } = sealReceipt(body, signer);
    const sig = Buffer.from(envelope.signatures[0]!.sig, 'base64');
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
    s += L;
    for (let i = 0; i < 32; i++, s >>= 8n) sig[32 + i] = Number(s & 0xffn);
    const message = pae(RECEIPT_MEDIA_TYPE, Buffer.from(envelope.payload, 'base64'));
    expect(verifySignature(sig, message, signer.publicKey)).toBe(false);
    expect(() => verifyReceipt({ ...envelope, signatures: [{ keyid: signer.keyId, sig: sig.toString('base64') }] }, keyring)).toThrow(/does not verify/);
  });

  it('refuses small-order, mixed-order and non-canonical public keys before any signature is checked with them', () => {
    const identity = Buffer.alloc(32);
    identity[0] = 1; // the neutral point: small order
    expect(() => assertStrictPublicKey(identity)).toThrow(/small order/);
    const order8 = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
    const mixed = ed.Point.fromBytes(signer.publicKey).add(order8).toBytes();
    expect(() => assertStrictPublicKey(mixed)).toThrow(/small-order component/);
    const nonCanonical = Buffer.alloc(32, 0xff);
    nonCanonical[31] = 0x7f; // y = 2^255 - 1 >= p
    expect(() => assertStrictPublicKey(nonCanonical)).toThrow(/canonical/);
  });

  it('names the first bad field of a malformed envelope or body', () => {
    expect(() => verifyReceipt({ payloadType: 'text/plain', payload: '', signatures: [] }, keyring)).toThrow(/envelope: payloadType/);
    const bad = Buffer.from(canonicalJson({ ...body, extra: 1 }));
    const envelope = envelopeOf(bad, signer.keyId, signer.sign(pae(RECEIPT_MEDIA_TYPE, bad)));
    expect(() => verifyReceipt(envelope, keyring)).toThrow(/receipt body/);
  });
});
