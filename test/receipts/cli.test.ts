// The command line end to end through `node bin/toolgate.js` (run "npm run build" first): keys
// generate/rotate, ledger verify/stats/prove, and verify for receipts, JSONL streams, stdin and proofs.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { loadCurrentSigner } from '../../src/receipts/index.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function toolgate(args: string[], input?: string) {
  if (!existsSync(join(root, 'dist/cli/main.js'))) throw new Error('run "npm run build" first');
  const run = spawnSync(process.execPath, [join(root, 'bin/toolgate.js'), ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' },
  });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

async function gateWithReceipts(n: number) {
  const base = tempDir();
  writeFileSync(join(base, 'toolgate.yaml'), 'name: cli-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\n');
  expect(toolgate(['keys', 'generate', '-c', join(base, 'toolgate.yaml')])).toMatchObject({ code: 0, out: expect.stringMatching(/^created ed25519:/) });
  const ledger = await Ledger.open({ dir: join(base, 'ledger'), signer: loadCurrentSigner(join(base, 'keys'))!, issuerId: 'cli-gate', log: silentLog });
  const receipts = [];
  for (let i = 0; i < n; i++) receipts.push(await ledger.append(draft(i)));
  await ledger.close();
  return { base, receipts, config: join(base, 'toolgate.yaml'), keyring: join(base, 'keys/keyring.json') };
}

describe('toolgate CLI', () => {
  it('verifies a ledger, reports the first bad line of a tampered one, and prints stats', async () => {
    const { base, config, keyring } = await gateWithReceipts(5);
    expect(toolgate(['ledger', 'verify', '-c', config])).toMatchObject({ code: 0, out: expect.stringMatching(/^ok: 5 receipts, 1 checkpoints/) });
    expect(toolgate(['ledger', 'stats', '-c', config]).out).toContain('fs/read_file: permit=5');
    const segment = join(base, 'ledger/receipts-000000000000.jsonl');
    const lines = readFileSync(segment, 'utf8').split('\n');
    writeFileSync(segment, [lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n'));
    const bad = toolgate(['ledger', 'verify', '--dir', join(base, 'ledger'), '--keyring', keyring]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain(`FAIL after 1 good receipts: ${segment}:2 (seq 1): seq: seq 2 found where seq 1 belongs`);
  });

  it('verifies single receipts, JSON lists, JSONL on stdin, and names each failure', async () => {
    const { base, receipts, keyring } = await gateWithReceipts(3);
    const one = join(base, 'one.json');
    writeFileSync(one, JSON.stringify(receipts[0]!.envelope));
    expect(toolgate(['verify', one, '--keyring', keyring])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^OK {3}.*one\.json: rcpt_\w+ seq 0 permit fs\/read_file/),
    });
    const list = join(base, 'list.json');
    writeFileSync(list, JSON.stringify(receipts.map((r) => r.envelope)));
    expect(toolgate(['verify', list, '--keyring', keyring]).out.match(/^OK /gm)).toHaveLength(3);
    const forged = { ...receipts[1]!.envelope, signatures: receipts[2]!.envelope.signatures };
    const jsonl = [receipts[0], { envelope: forged }, receipts[2]].map((r) => JSON.stringify(r!.envelope)).join('\n');
    const run = toolgate(['verify', '-', '--keyring', keyring], jsonl);
    expect(run.code).toBe(1);
    expect(run.out.split('\n')).toEqual([
      expect.stringMatching(/^OK {3}stdin:1/),
      expect.stringMatching(/^FAIL stdin:2: signature_invalid: signature by ed25519:\w+ does not verify/),
      expect.stringMatching(/^OK {3}stdin:3/),
      '',
    ]);
  });

  it('writes an inclusion proof that verify --proof checks offline', async () => {
    const { base, receipts, config, keyring } = await gateWithReceipts(4);
    const proof = join(base, 'proof.json');
    expect(toolgate(['ledger', 'prove', receipts[2]!.body.id, '-c', config, '-o', proof]).code).toBe(0);
    expect(toolgate(['verify', proof, '--keyring', keyring, '--proof'])).toMatchObject({ code: 0, out: expect.stringMatching(/included in checkpoint of 4/) });
    const p = JSON.parse(readFileSync(proof, 'utf8'));
    writeFileSync(proof, JSON.stringify({ ...p, leaf_index: 1 }));
    expect(toolgate(['verify', proof, '--keyring', keyring, '--proof'])).toMatchObject({ code: 1, out: expect.stringMatching(/^FAIL .*leaf_index 1 differs/) });
  });

  it('rotates keys and keeps the whole ledger verifiable', async () => {
    const { base, config } = await gateWithReceipts(2);
    const run = toolgate(['keys', 'rotate', '-c', config]);
    expect(run).toMatchObject({ code: 0, out: expect.stringMatching(/^rotated ed25519:\w+ -> ed25519:\w+\n {2}hand-over receipt: rcpt_\w+ \(seq 2\)/) });
    expect(toolgate(['ledger', 'verify', '-c', config]).out).toMatch(/^ok: 3 receipts/);
    expect(toolgate(['keys', 'generate', '--dir', join(base, 'keys')])).toMatchObject({ code: 1, err: expect.stringMatching(/already has the signing key/) });
  });
});
