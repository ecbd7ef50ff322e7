// The code against the golden vectors: one receipt byte for byte, the golden ledger (every event),
// its tampered and forged copies (each with the exact first bad entry), the forged single receipts,
// the checkpoint and the inclusion proof.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { RECEIPT_EVENTS } from '../../src/core/index.js';
import { readReceipts, verifyCheckpoint, verifyLedger, verifyProof } from '../../src/ledger/index.js';
import { identityOf } from '../../src/pins/index.js';
import {
  canonicalJson,
  Keyring,
  keyIdOf,
  leafHash,
  pae,
  parseEnvelopeJson,
  parseJsonText,
  RECEIPT_MEDIA_TYPE,
  sealReceipt,
  signerFromSeed,
  verifyHeld,
  verifyReceipt,
} from '../../src/receipts/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const read = (f: string) => readFileSync(join(here, f));
const vector = JSON.parse(read('receipt.json').toString()) as Record<string, any>;
const keys = JSON.parse(read('keys.json').toString()).keys as Array<{ seed_hex: string; public_key_hex: string; key_id: string }>;
const keyring = Keyring.parse(read('keyring.json').toString());
const keyA = keys[0]!;

describe('the single-receipt vector', () => {
  it('derives the public key and key id from the seed', () => {
    const seed = Buffer.from(keyA.seed_hex, 'hex');
    expect(Buffer.from(ed.getPublicKey(seed)).toString('hex')).toBe(keyA.public_key_hex);
    expect(keyIdOf(Buffer.from(keyA.public_key_hex, 'hex'))).toBe(keyA.key_id);
    expect(signerFromSeed(seed).keyId).toBe(keyA.key_id);
  });

  it('canonicalizes the body to the vector bytes', () => {
    expect(Buffer.from(canonicalJson(vector.body))).toEqual(read('receipt.payload'));
    expect(read('receipt.payload').toString()).toBe(vector.canonical);
  });

  it('builds the DSSE PAE as "DSSEv1 <len> <type> <len> <payload>"', () => {
    const payload = read('receipt.payload');
    const expected = Buffer.concat([Buffer.from(`DSSEv1 ${RECEIPT_MEDIA_TYPE.length} ${RECEIPT_MEDIA_TYPE} ${payload.length} `), payload]);
    expect(pae(RECEIPT_MEDIA_TYPE, payload)).toEqual(expected);
    expect(expected).toEqual(read('receipt.pae'));
  });

  it('signs to the vector signature with node:crypto and with noble alike', () => {
    const seed = Buffer.from(keyA.seed_hex, 'hex');
    const sealed = sealReceipt(vector.body, signerFromSeed(seed));
    expect(Buffer.from(sealed.envelope.signatures[0]!.sig, 'base64').toString('hex')).toBe(vector.signature_hex);
    expect(Buffer.from(ed.sign(read('receipt.pae'), seed)).toString('hex')).toBe(vector.signature_hex);
    expect(sealed.envelope).toEqual(vector.envelope);
  });

  it('hashes the leaf as sha256(0x00 || payload) and verifies strictly', () => {
    expect(leafHash(read('receipt.payload')).toString('hex')).toBe(vector.leaf_hash_hex);
    expect(verifyReceipt(vector.envelope, keyring).body).toEqual(vector.body);
  });
});

describe('the golden ledger', () => {
  it('verifies: every signature, link, key window and checkpoint', async () => {
    const report = await verifyLedger(join(here, 'ledger'), keyring);
    expect(report.problem).toBeUndefined();
    expect(report).toMatchObject({ ok: true, receipts: 40, checkpoints: 8 });
  });

  it('holds a receipt of every event', async () => {
    const events = new Set<string>();
    for await (const r of readReceipts(join(here, 'ledger'))) events.add(r.body.event);
    expect([...events].sort()).toEqual([...RECEIPT_EVENTS].sort());
  });

  it('holds a decision the shadow candidate decided differently (docs/receipts.md §1.8)', async () => {
    const shadowed = [];
    for await (const r of readReceipts(join(here, 'ledger'))) if ('shadow' in r.body && r.body.shadow) shadowed.push([r.body.event, r.body.shadow.effect]);
    expect(shadowed).toEqual([['permit', 'hold']]);
  });

  it('holds decisions of a client of the stateless 2026-07-28 era, naming the revision (docs/receipts.md §1.1)', async () => {
    const named = [];
    for await (const { body } of readReceipts(join(here, 'ledger'))) if ('call' in body && body.call.protocol_version) named.push([body.event, body.call.protocol_version]);
    expect(named).toEqual([
      ['permit', '2026-07-28'],
      ['deny', '2026-07-28'],
    ]);
  });

  it('names on every execution the upstream identity of upstream.json, which toolgate computes from the config alike', async () => {
    const upstream = JSON.parse(read('upstream.json').toString());
    expect(identityOf(upstream.config).sha256).toBe(upstream.sha256);
    const named = new Map<string, Set<string | undefined>>();
    for await (const { body } of readReceipts(join(here, 'ledger'))) {
      if (!('call' in body)) continue;
      named.set(body.event, (named.get(body.event) ?? new Set()).add(body.call.upstream_sha256));
    }
    for (const event of ['permit', 'complete', 'fail', 'unknown']) expect([...named.get(event)!]).toEqual([upstream.sha256]);
    for (const event of ['deny', 'hold', 'approve', 'pin_approve']) expect([...named.get(event)!]).toEqual([undefined]);
  });

  const tampered = JSON.parse(read('tampered.json').toString()) as Record<string, { file: string; line: number; seq?: number; code: string }>;
  for (const [name, expected] of Object.entries(tampered)) {
    it(`reports the first bad entry of ${name}`, async () => {
      const report = await verifyLedger(join(here, name), keyring);
      expect(report.ok).toBe(false);
      expect({ ...report.problem, file: report.problem!.file.slice(here.length + 1) }).toEqual(expected);
    });
  }

  it('checks the checkpoint note and the inclusion proof offline', () => {
    const cp = verifyCheckpoint(read('checkpoint.txt').toString(), keyring);
    expect(cp.size).toBe(40);
    const proof = JSON.parse(read('proof.json').toString());
    expect(verifyProof(proof, keyring).receipt.body.chain.seq).toBe(proof.leaf_index);
    const bent = { ...proof, audit_path: [...proof.audit_path].reverse() };
    expect(() => verifyProof(bent, keyring)).toThrow(/audit path/);
  });
});

describe('the single receipts (forged/receipts.json)', () => {
  const entries = JSON.parse(read('forged/receipts.json').toString()) as Array<{ name: string; text: string; valid: boolean; error?: string }>;
  it.each(entries.map((e) => [e.name, e] as const))('%s', (_, entry) => {
    const verify = () => verifyReceipt(parseEnvelopeJson(entry.text), keyring);
    if (entry.valid) expect(verify().envelope).toEqual(JSON.parse(entry.text));
    else expect(verify).toThrow(expect.objectContaining({ code: entry.error }));
  });
});

describe('what a client holds (held.json)', () => {
  const entries = JSON.parse(read('held.json').toString()) as Array<{ name: string; text: string; valid: boolean; error?: string }>;
  it.each(entries.map((e) => [e.name, e] as const))('%s', (_, entry) => {
    const verify = () => verifyHeld(parseJsonText(entry.text), keyring);
    if (entry.valid) expect(verify().receipt.body.v).toBe(1);
    else expect(verify).toThrow(expect.objectContaining({ code: entry.error }));
  });
});
