// A lost signing key through the built CLI (run "npm run build" first): `toolgate serve` refuses to
// start with a new key silently and says how to restore or retire it; `toolgate keys rotate --lost`
// retires it on purpose, after which the ledger verifies and serve signs with the new key.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { toolgate } from '../fixtures/cli.js';
import { tempDir } from '../ledger/helpers.js';

const silent = { TOOLGATE_LOG_LEVEL: 'silent' };

it('serve refuses a keyring whose current key file is missing, and rotate --lost retires it on purpose', async () => {
  const base = tempDir();
  const config = join(base, 'toolgate.yaml');
  writeFileSync(
    config,
    'name: lost-gate\nlisten: { http: { port: 0 } }\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\nstore: { kind: lowdb, path: ./state.json }\n',
  );
  const created = await toolgate(['keys', 'generate', '-c', config], silent);
  const keyId = /created (ed25519:[0-9a-f]{16})/.exec(created.stdout)![1]!;
  rmSync(join(base, 'keys', `${keyId.replace(':', '-')}.pem`));

  const refused = await toolgate(['serve', '-c', config], silent);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain(`the signing key ${keyId} is the current key`);
  expect(refused.stderr).toContain('toolgate keys rotate --lost');

  expect(await toolgate(['keys', 'rotate', '-c', config], silent)).toMatchObject({ code: 1, stderr: expect.stringContaining('is missing') });
  const rotated = await toolgate(['keys', 'rotate', '--lost', '-c', config], silent);
  expect(rotated).toMatchObject({ code: 0, stdout: expect.stringContaining(`rotated ${keyId} -> ed25519:`) });
  const verified = await toolgate(['ledger', 'verify', '-c', config], silent);
  expect(verified.code, verified.stderr + verified.stdout).toBe(0);
});
