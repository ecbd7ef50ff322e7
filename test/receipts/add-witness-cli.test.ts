// `toolgate keys add-witness VKEY` (the built CLI): the keyring's `witnesses` list is how an auditor
// names the witnesses whose cosignatures `ledger verify --witnesses` counts. Adding is idempotent, a
// malformed vkey is refused with the reason, and a later key rotation keeps the list.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { vkeyOf } from '../../src/witness/index.js';
import { toolgate } from '../fixtures/cli.js';
import { testSigner, tempDir } from '../ledger/helpers.js';

const witnessesOf = (dir: string) => (JSON.parse(readFileSync(join(dir, 'keyring.json'), 'utf8')) as { witnesses?: string[] }).witnesses;

it('adds a witness vkey to the keyring once, refuses a malformed one, and keeps witnesses through a rotation', async () => {
  const base = tempDir();
  const keys = join(base, 'keys');
  const vkey = vkeyOf({ name: 'witness-a.example/w1', publicKey: testSigner('witness-a').publicKey });
  expect((await toolgate(['keys', 'generate', '--dir', keys])).code).toBe(0);

  const added = await toolgate(['keys', 'add-witness', vkey, '--dir', keys]);
  expect(added, added.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^added: witness witness-a\.example\/w1\n/) });
  expect(await toolgate(['keys', 'add-witness', vkey, '--dir', keys])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^already trusted/) });
  expect(witnessesOf(keys)).toEqual([vkey]);

  const tampered = vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
  expect(await toolgate(['keys', 'add-witness', tampered, '--dir', keys])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('the key id does not match the name and key'),
  });
  expect(await toolgate(['keys', 'add-witness', vkey, '--dir', join(base, 'nowhere')])).toMatchObject({
    code: 1,
    stderr: expect.stringContaining('does not exist'),
  });

  expect((await toolgate(['keys', 'rotate', '--dir', keys, '--ledger', join(base, 'ledger')])).code).toBe(0);
  expect(witnessesOf(keys)).toEqual([vkey]);
});
