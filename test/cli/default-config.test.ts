// Every command that reads a config finds ./toolgate.yaml in the folder it runs in, and `-c` picks
// another one: the built CLI run in a temp folder, with a real key, ledger and receipts on disk.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { loadCurrentSigner } from '../../src/receipts/index.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';

const cli = join(import.meta.dirname, '../../bin/toolgate.js');

function toolgateIn(cwd: string, args: string[]) {
  requireBuiltCli();
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/** A folder holding toolgate.yaml (name cli-gate), its key and a ledger of three receipts. */
async function gateFolder(): Promise<string> {
  const base = tempDir();
  writeFileSync(join(base, 'toolgate.yaml'), 'name: cli-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\n');
  expect(toolgateIn(base, ['keys', 'generate'])).toMatchObject({ code: 0 });
  const ledger = await Ledger.open({ dir: join(base, 'ledger'), signer: loadCurrentSigner(join(base, 'keys'))!, issuerId: 'cli-gate', log: silentLog });
  for (let i = 0; i < 3; i++) await ledger.append(draft(i));
  await ledger.close();
  return base;
}

describe('the default config', () => {
  it('ledger verify, stats and report read ./toolgate.yaml when no -c is given', async () => {
    const base = await gateFolder();
    expect(toolgateIn(base, ['ledger', 'verify'])).toMatchObject({ code: 0, out: expect.stringMatching(/^ok: 3 receipts/) });
    expect(toolgateIn(base, ['ledger', 'stats']).out).toContain('fs/read_file: permit=3');
    expect(toolgateIn(base, ['report', '--format', 'json'])).toMatchObject({ code: 0 });
  });

  it('keys rotate reads ./toolgate.yaml for the keys, the ledger and the issuer', async () => {
    const base = await gateFolder();
    const rotated = toolgateIn(base, ['keys', 'rotate']);
    expect(rotated).toMatchObject({ code: 0, out: expect.stringMatching(/^rotated ed25519:\S+ -> ed25519:/) });
    expect(toolgateIn(base, ['ledger', 'verify']).out).toMatch(/^ok: 4 receipts/);
  });

  it('-c picks another config, and a folder without toolgate.yaml names the file it looked for', async () => {
    const base = await gateFolder();
    const elsewhere = tempDir();
    expect(toolgateIn(elsewhere, ['ledger', 'stats', '-c', join(base, 'toolgate.yaml')]).out).toContain('receipts: 3');
    const missing = toolgateIn(elsewhere, ['ledger', 'stats']);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('toolgate.yaml');
    expect(missing.err).not.toMatch(/at .*\.js:\d+/);
  });

  it('explicit --dir and --keyring need no config at all', async () => {
    const base = await gateFolder();
    const elsewhere = tempDir();
    mkdirSync(join(elsewhere, 'empty'));
    expect(toolgateIn(elsewhere, ['ledger', 'verify', '--dir', join(base, 'ledger'), '--keyring', join(base, 'keys/keyring.json')])).toMatchObject({
      code: 0,
    });
  });

  it('every command that takes -c offers it the same way, defaulting to ./toolgate.yaml', { timeout: 90_000 }, async () => {
    const commands = [
      ['serve'],
      ['surfaces'],
      ['pins'],
      ['replay'],
      ['policy', 'check'],
      ['policy', 'explain'],
      ['ledger', 'verify'],
      ['ledger', 'prove'],
      ['ledger', 'stats'],
      ['ledger', 'tail'],
      ['report'],
      ['keys', 'generate'],
      ['keys', 'rotate'],
    ];
    const helps = await Promise.all(commands.map((command) => toolgate([...command, '--help'])));
    for (const [i, help] of helps.entries()) {
      expect(help.stdout.replace(/\s+/g, ' '), commands[i]!.join(' ')).toContain('-c, --config <file> the configuration file (default: ./toolgate.yaml)');
    }
  });
});
