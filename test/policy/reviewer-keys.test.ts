// Reviewer keys and the reviewer keyring through the real CLI: `policy keygen` writes a private key
// only where none is, adds its entry to a keyring without losing what is there, and refuses a second
// reviewer of one name; a broken keyring is an error that names the file and the entry.
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { toolgate } from '../e2e/harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'toolgate-reviewer-keys-'));
});

it('creates a key file only where none is, mode 0600', () => {
  const key = join(dir, 'alice.pem');
  const made = toolgate(['policy', 'keygen', '--name', 'alice', '--key', key]);
  expect(made.status).toBe(0);
  expect(made.stdout).toMatch(/^created ed25519:[0-9a-f]{16} for alice\n/);
  expect(made.stdout).toMatch(/keyring entry: \{"name":"alice","key_id":"ed25519:[0-9a-f]{16}","public_key":"[A-Za-z0-9+/]{43}="\}/);
  expect(statSync(key).mode & 0o777).toBe(0o600);
  const before = readFileSync(key, 'utf8');
  const again = toolgate(['policy', 'keygen', '--name', 'alice', '--key', key]);
  expect(again.status).not.toBe(0);
  expect(again.stderr).toMatch(/never overwrites a key/);
  expect(readFileSync(key, 'utf8')).toBe(before);
});

it('adds entries to a keyring, keeping its comments, and refuses a second reviewer of one name', () => {
  const keyring = join(dir, 'reviewers.yaml');
  writeFileSync(keyring, '# who may sign policy bundles\nversion: toolgate.reviewer-keyring/v1\nreviewers: []\n');
  expect(toolgate(['policy', 'keygen', '--name', 'bob', '--key', join(dir, 'bob.pem'), '--keyring', keyring]).status).toBe(0);
  expect(toolgate(['policy', 'keygen', '--name', 'carol', '--key', join(dir, 'carol.pem'), '--keyring', keyring]).status).toBe(0);
  const text = readFileSync(keyring, 'utf8');
  expect(text).toMatch(/^# who may sign policy bundles\n/);
  expect(text).toMatch(/name: bob/);
  expect(text).toMatch(/name: carol/);
  const twice = toolgate(['policy', 'keygen', '--name', 'bob', '--key', join(dir, 'bob2.pem'), '--keyring', keyring]);
  expect(twice.stderr).toMatch(/already has a reviewer named bob/);
  expect(() => statSync(join(dir, 'bob2.pem'))).toThrow();
});

it('names the keyring file and the entry when a keyring does not hold', () => {
  const keyring = join(dir, 'bad.yaml');
  writeFileSync(
    keyring,
    'version: toolgate.reviewer-keyring/v1\nreviewers:\n  - { name: eve, key_id: "ed25519:0000000000000000", public_key: "iojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=" }\n',
  );
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'policy.yaml'), 'version: toolgate.policy/v1\nrules: []\n');
  const r = toolgate(['policy', 'signatures', policies, '--keyring', keyring]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain(`${keyring}: reviewers[0] (eve): key_id does not match the public key (expected ed25519:34750f98bd59fcfc)`);
});
