// `toolgate keys generate` with keys.pkcs11 in the config (the built CLI, a real SoftHSM2 token): it
// creates the key in the token and enrolls only its public key; run again, it finds the same key. The
// runtime's receipt signer then signs through the token, and `ledger verify` accepts the ledger.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { openReceiptSigner } from '../../src/signer/index.js';
import { toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';
import { softHsmToken } from './softhsm.js';

it('generates the key in the token, enrolls it, and the gateway signs receipts with it', async () => {
  const token = softHsmToken('cli-token');
  const base = tempDir();
  const config = join(base, 'toolgate.yaml');
  const { module, token_label, key_label, pin_env } = token.pkcs11;
  writeFileSync(
    config,
    `name: hsm-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys, pkcs11: { module: ${module}, token_label: ${token_label}, key_label: ${key_label}, pin_env: ${pin_env} } }\n`,
  );
  const env = { ...token.env, TOOLGATE_LOG_LEVEL: 'silent' };
  const created = await toolgate(['keys', 'generate', '-c', config], env);
  expect(created, created.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created ed25519:[0-9a-f]{16} in the PKCS#11 token/) });
  const keyId = /(ed25519:[0-9a-f]{16})/.exec(created.stdout)![1]!;
  expect(await toolgate(['keys', 'generate', '-c', config], env)).toMatchObject({ code: 0, stdout: expect.stringContaining(`found ${keyId}`) });
  expect(readdirSync(join(base, 'keys'))).toEqual(['keyring.json']);

  const loaded = loadConfig(config);
  const { signer, close } = openReceiptSigner(loaded.config.keys, silentLog);
  const ledger = await Ledger.open({ dir: loaded.config.ledger.dir, signer, issuerId: 'hsm-gate', log: silentLog });
  for (let i = 0; i < 5; i++) await ledger.append(draft(i));
  await ledger.close();
  close();
  const verified = await toolgate(['ledger', 'verify', '-c', config], env);
  expect(verified, verified.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: 5 receipts, 1 checkpoints/) });
});
