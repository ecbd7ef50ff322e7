// `toolgate keys rotate` between two keys of one PKCS#11 token (the built CLI, a real SoftHSM2
// token): the hand-over receipt is signed in the token by the old key, the new key is made in the
// token, the keyring closes the old key's window and lists the new one; with the config pointed at
// the new key the gateway signs under it, and `ledger verify` accepts the whole key timeline.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { Ledger } from '../../src/ledger/index.js';
import { openReceiptSigner } from '../../src/signer/index.js';
import { toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';
import { softHsmToken, type TestToken } from './softhsm.js';

function writeConfig(config: string, token: TestToken, keyLabel: string): void {
  const { module, token_label, pin_env } = token.pkcs11;
  writeFileSync(
    config,
    `name: hsm-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys, pkcs11: { module: ${module}, token_label: ${token_label}, key_label: ${keyLabel}, pin_env: ${pin_env} } }\n`,
  );
}

async function appendThree(config: string): Promise<void> {
  const loaded = loadConfig(config);
  const { signer, close } = openReceiptSigner(loaded.config.keys, silentLog);
  const ledger = await Ledger.open({ dir: loaded.config.ledger.dir, signer, issuerId: 'hsm-gate', log: silentLog });
  for (let i = 0; i < 3; i++) await ledger.append(draft(i));
  await ledger.close();
  close();
}

it('hands over from one token key to another, the hand-over signed in the token by the old key', async () => {
  const token = softHsmToken('rotation-token');
  const base = tempDir();
  const config = join(base, 'toolgate.yaml');
  const env = { ...token.env, TOOLGATE_LOG_LEVEL: 'silent' };
  writeConfig(config, token, 'receipts-1');
  expect((await toolgate(['keys', 'generate', '-c', config], env)).code).toBe(0);
  await appendThree(config);

  const rotated = await toolgate(['keys', 'rotate', '-c', config, '--to-key-label', 'receipts-2'], env);
  expect(rotated, rotated.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rotated ed25519:[0-9a-f]{16} -> ed25519:[0-9a-f]{16}\n/) });
  const [, from, to] = /^rotated (\S+) -> (\S+)/.exec(rotated.stdout)!;
  expect(rotated.stdout).toContain('"receipts-2"');
  expect(readdirSync(join(base, 'keys'))).toEqual(['keyring.json']);
  const keyring = JSON.parse(readFileSync(join(base, 'keys', 'keyring.json'), 'utf8')) as { keys: Array<{ key_id: string; not_after: string | null }> };
  expect(keyring.keys.map((k) => [k.key_id, k.not_after === null])).toEqual([
    [from, false],
    [to, true],
  ]);

  // The gateway still configured with the old key refuses to start; pointed at the new one, it signs.
  await expect(appendThree(config)).rejects.toThrow(/is not the current key/);
  writeConfig(config, token, 'receipts-2');
  await appendThree(config);
  const verified = await toolgate(['ledger', 'verify', '-c', config], env);
  expect(verified, verified.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok: 7 receipts/) });

  // A second hand-over to a key the keyring already knew is refused before anything is written.
  const back = await toolgate(['keys', 'rotate', '-c', config, '--to-key-label', 'receipts-1'], env);
  expect(back).toMatchObject({ code: 1, stderr: expect.stringContaining('already in') });
});

it('names what is missing when a token rotation lacks the new key label', async () => {
  const token = softHsmToken('rotation-flags');
  const config = join(tempDir(), 'toolgate.yaml');
  const env = { ...token.env, TOOLGATE_LOG_LEVEL: 'silent' };
  writeConfig(config, token, 'receipts');
  expect((await toolgate(['keys', 'generate', '-c', config], env)).code).toBe(0);
  expect(await toolgate(['keys', 'rotate', '-c', config], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('--to-key-label <label>') });
  expect(await toolgate(['keys', 'rotate', '-c', config, '--to-key-label', 'receipts'], env)).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('a label of its own'),
  });
});
