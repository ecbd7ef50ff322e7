// The signature file of a policy review against the test vector in docs/policies.md ("Signed
// bundles"): `toolgate policy sign` writes it byte for byte, it checks with node:crypto alone (no
// toolgate code), `policy signatures` counts it, tampered copies do not count, and signature files
// never become part of the bundle they sign.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/index.js';
import { pemFromSeed } from '../../src/receipts/index.js';
import { root, toolgate } from '../e2e/harness.js';

interface Vector {
  seed_hex: string;
  key_id: string;
  public_key: string;
  policy_file: { name: string; content: string };
  path_root: string;
  bundle_sha256: string;
  signed_at: string;
  statement: string;
  signature_file: { payloadType: string; payload: string; signatures: Array<{ keyid: string; sig: string }> };
}

const docs = readFileSync(join(root, 'docs/policies.md'), 'utf8');
const vector = JSON.parse(/Test vector[^\n]*\n\n```json\n([\s\S]*?)\n```/.exec(docs)![1]!) as Vector;
const TYPE = vector.signature_file.payloadType;
const pae = (payload: Buffer) => Buffer.concat([Buffer.from(`DSSEv1 ${TYPE.length} ${TYPE} ${payload.length} `), payload]);

let dir: string;
const policies = () => join(dir, 'policies');
const keyPem = () => pemFromSeed(Buffer.from(vector.seed_hex, 'hex'));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolgate-review-vector-'));
  mkdirSync(policies());
  writeFileSync(join(policies(), vector.policy_file.name), vector.policy_file.content);
  writeFileSync(join(dir, 'alice.pem'), keyPem(), { mode: 0o600 });
  writeFileSync(
    join(dir, 'reviewers.yaml'),
    `version: toolgate.reviewer-keyring/v1\nreviewers:\n  - { name: alice, key_id: "${vector.key_id}", public_key: "${vector.public_key}" }\n`,
  );
});

it('policy sign writes the vector byte for byte', () => {
  const r = toolgate(['policy', 'sign', policies(), '--key', join(dir, 'alice.pem'), '--now', vector.signed_at]);
  expect(r.stderr).toBe('');
  const file = join(policies(), `${vector.key_id.replace(':', '-')}.sig.json`);
  expect(r.stdout).toBe(`signed bundle ${vector.bundle_sha256} with ${vector.key_id}: ${file}\n`);
  expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(vector.signature_file, null, 2)}\n`);
});

it('the vector checks with node:crypto alone', () => {
  const document = { v: 1, path_root: vector.path_root, files: [vector.policy_file] };
  expect(createHash('sha256').update(canonicalJson(document)!).digest('hex')).toBe(vector.bundle_sha256);
  const payload = Buffer.from(vector.signature_file.payload, 'base64');
  expect(payload.toString('utf8')).toBe(vector.statement);
  const statement = JSON.parse(vector.statement);
  expect(statement).toEqual({
    type: 'toolgate.policy-review/v1',
    bundle_sha256: vector.bundle_sha256,
    files: [{ name: vector.policy_file.name, sha256: createHash('sha256').update(vector.policy_file.content).digest('hex') }],
    key_id: vector.key_id,
    signed_at: vector.signed_at,
  });
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(vector.public_key, 'base64').toString('base64url') }, format: 'jwk' });
  expect(verify(null, pae(payload), publicKey, Buffer.from(vector.signature_file.signatures[0]!.sig, 'base64'))).toBe(true);
  expect(`ed25519:${createHash('sha256').update(Buffer.from(vector.public_key, 'base64')).digest('hex').slice(0, 16)}`).toBe(vector.key_id);
});

it('counts the vector and none of its tampered copies, which never change the bundle', () => {
  const envelope = vector.signature_file;
  const write = (name: string, value: unknown) => writeFileSync(join(policies(), name), JSON.stringify(value));
  const otherStatement = Buffer.from(vector.statement.replace(vector.bundle_sha256, '0'.repeat(64)));
  write('forged.sig.json', { ...envelope, payload: otherStatement.toString('base64') });
  const loose = Buffer.from(JSON.stringify(JSON.parse(vector.statement), null, 1));
  const looseSig = sign(null, pae(loose), createPrivateKey(keyPem())).toString('base64');
  write('loose.sig.json', { ...envelope, payload: loose.toString('base64'), signatures: [{ keyid: vector.key_id, sig: looseSig }] });
  write('stranger.sig.json', { ...envelope, signatures: [{ keyid: 'ed25519:0000000000000000', sig: envelope.signatures[0]!.sig }] });
  writeFileSync(join(policies(), 'garbage.sig.json'), 'not json');

  const r = toolgate(['policy', 'signatures', policies(), '--keyring', join(dir, 'reviewers.yaml'), '--json']);
  expect(r.status).toBe(0);
  const review = JSON.parse(r.stdout);
  expect(review).toMatchObject({
    bundle_sha256: vector.bundle_sha256,
    quorum: 1,
    met: true,
    signers: [{ name: 'alice', key_id: vector.key_id, signed_at: vector.signed_at }],
  });
  const why = Object.fromEntries(review.refused.map((x: { file: string; why: string }) => [x.file.split('/').at(-1), x.why]));
  expect(why).toEqual({
    'forged.sig.json': `the signature of alice (${vector.key_id}) does not verify`,
    'loose.sig.json': 'the payload is not canonical JSON (RFC 8785)',
    'stranger.sig.json': 'key ed25519:0000000000000000 is not in the keyring',
    'garbage.sig.json': 'not JSON',
  });

  const checked = toolgate(['policy', 'check', join(policies(), '*')]);
  expect(checked.stdout).toContain(`1 files, bundle_sha256 ${vector.bundle_sha256}`);
});
