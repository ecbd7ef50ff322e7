// Regenerates the golden vectors in this folder from fixed seeds (run after `npm run build`):
//   node test/vectors/generate.mjs
// The single-receipt vector is fully deterministic; the golden ledger carries real ids and times.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger, prove, verifyLedger } from '../../dist/ledger/index.js';
import { RECEIPT_MEDIA_TYPE, canonicalJson, keyIdOf, leafHash, pae, sealReceipt, signerFromSeed, Keyring } from '../../dist/receipts/index.js';
import { createLogger } from '../../dist/log.js';

const here = dirname(fileURLToPath(import.meta.url));
const seed = (label) => createHash('sha256').update(label).digest();
const keyA = signerFromSeed(seed('toolgate test key A'));
const keyB = signerFromSeed(seed('toolgate test key B'));
const json = (file, value) => writeFileSync(join(here, file), `${JSON.stringify(value, null, 2)}\n`);

// 1. One receipt, byte for byte.
const body = {
  v: 1,
  id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YB',
  event: 'permit',
  ts: '2026-01-02T03:04:05.678Z',
  issuer: { id: 'acme-dev-gate', key_id: keyA.keyId },
  chain: { id: 'chain_01KAQ5XG7N3M9ZP2R4T6V8W0YC', seq: 7, prev: createHash('sha256').update('previous').digest('hex') },
  call: {
    id: 'call_1', session: 'stdio', rpc_id: 42, server: 'fs', tool: 'read_file',
    tool_sha256: createHash('sha256').update('tool definition').digest('hex'),
    args_sha256: createHash('sha256').update(canonicalJson({ path: '/tmp/ünïcödé.txt', limit: 1e21 })).digest('hex'),
  },
  principal: { id: 'agent:ci' },
  policy: { bundle_sha256: createHash('sha256').update('bundle').digest('hex'), rules: ['fs-read'], effect: 'allow', reason: 'allowed by rule fs-read' },
};
const sealed = sealReceipt(body, keyA);
writeFileSync(join(here, 'receipt.payload'), sealed.payload);
writeFileSync(join(here, 'receipt.pae'), pae(RECEIPT_MEDIA_TYPE, sealed.payload));
json('receipt.json', {
  comment: 'One receipt signed by key A. payload = RFC 8785 of body; pae = DSSE PAE(payloadType, payload); leaf_hash = sha256(0x00 || payload).',
  body,
  canonical: sealed.payload.toString('utf8'),
  pae_hex: pae(RECEIPT_MEDIA_TYPE, sealed.payload).toString('hex'),
  signature_hex: Buffer.from(sealed.envelope.signatures[0].sig, 'base64').toString('hex'),
  leaf_hash_hex: leafHash(sealed.payload).toString('hex'),
  envelope: sealed.envelope,
});
json('keys.json', {
  comment: 'Test keys only: seed = sha256("toolgate test key A" | "toolgate test key B"). Never use them for anything real.',
  keys: [keyA, keyB].map((k, i) => ({
    label: i === 0 ? 'A' : 'B',
    seed_hex: seed(`toolgate test key ${i === 0 ? 'A' : 'B'}`).toString('hex'),
    public_key_hex: Buffer.from(k.publicKey).toString('hex'),
    key_id: keyIdOf(k.publicKey),
  })),
});

// 2. A golden ledger: 20 receipts in segments of 8, a checkpoint every 5, a rotation from A to B at seq 10.
const dir = join(here, 'ledger');
rmSync(dir, { recursive: true, force: true });
const log = createLogger({ level: 'silent' });
const ledger = await Ledger.open({ dir, signer: keyA, issuerId: 'acme-dev-gate', log, checkpointEvery: 5, segmentReceipts: 8 });
const events = ['permit', 'complete', 'deny', 'silence', 'hold', 'approve', 'permit', 'fail', 'reject', 'expire'];
let rotation;
for (let i = 0; i < 20; i++) {
  if (i === 10) {
    rotation = await ledger.rotateSigner({ event: 'rotate', rotation: { from_key_id: keyA.keyId, to_key_id: keyB.keyId, to_public_key: Buffer.from(keyB.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z' } }, keyB);
    continue;
  }
  await ledger.append({ ...body, v: undefined, id: undefined, ts: undefined, issuer: undefined, chain: undefined, event: events[i % 10], call: { ...body.call, id: `call_${i}`, rpc_id: i } });
}
await ledger.close();
const keyring = {
  version: 'toolgate.keyring/v1',
  keys: [
    { key_id: keyA.keyId, algorithm: 'ed25519', public_key: Buffer.from(keyA.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z', not_after: rotation.body.ts },
    { key_id: keyB.keyId, algorithm: 'ed25519', public_key: Buffer.from(keyB.publicKey).toString('base64'), not_before: '2026-01-01T00:00:00.000Z', not_after: null },
  ],
};
json('keyring.json', keyring);
const ring = Keyring.parse(JSON.stringify(keyring));
const lines = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8').trim().split('\n');
writeFileSync(join(here, 'checkpoint.txt'), JSON.parse(lines.at(-1)).note);
const target = readFileSync(join(dir, 'receipts-000000000008.jsonl'), 'utf8').split('\n')[3];
json('proof.json', await prove(dir, JSON.parse(Buffer.from(JSON.parse(target).payload, 'base64')).id));

// 3. Tampered copies, each with the first bad entry `ledger verify` must report.
const seg0 = 'receipts-000000000000.jsonl';
const tamper = (name, edit) => {
  const copy = join(here, name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true });
  const path = join(copy, seg0);
  const rows = readFileSync(path, 'utf8').split('\n');
  edit(rows);
  writeFileSync(path, rows.join('\n'));
};
tamper('tampered-byte-flip', (rows) => {
  const env = JSON.parse(rows[2]);
  const p = Buffer.from(env.payload, 'base64');
  p[p.indexOf('"read_file"') + 2] ^= 0x01; // "read_file" -> "rdad_file": still JSON, still canonical
  rows[2] = JSON.stringify({ ...env, payload: p.toString('base64') });
});
tamper('tampered-reordered', (rows) => rows.splice(3, 2, rows[4], rows[3]));
tamper('tampered-deleted', (rows) => rows.splice(4, 1));
tamper('tampered-inserted', (rows) => rows.splice(2, 0, rows[1]));
const expected = {};
for (const name of readdirSync(here).filter((n) => n.startsWith('tampered-'))) {
  const report = await verifyLedger(join(here, name), ring);
  expected[name] = { ...report.problem, file: join(name, seg0) };
}
// A receipt removed from the end is only visible to the signed checkpoints.
rmSync(join(here, 'tampered-truncated'), { recursive: true, force: true });
cpSync(dir, join(here, 'tampered-truncated'), { recursive: true });
const lastSeg = join(here, 'tampered-truncated', 'receipts-000000000016.jsonl');
writeFileSync(lastSeg, readFileSync(lastSeg, 'utf8').trim().split('\n').slice(0, -1).join('\n') + '\n');
expected['tampered-truncated'] = { ...(await verifyLedger(join(here, 'tampered-truncated'), ring)).problem, file: 'tampered-truncated/checkpoints.jsonl' };
json('tampered.json', expected);
console.log(JSON.stringify(expected, null, 2));
