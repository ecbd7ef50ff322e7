// A reader that stops early (`toolgate ledger tail --from 0 | head`) closes the CLI's stdout: the
// command ends quietly instead of crashing on EPIPE. The built CLI, over a real ledger on disk.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { loadCurrentSigner } from '../../src/receipts/index.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { draft, silentLog, tempDir } from '../ledger/helpers.js';

const cli = join(import.meta.dirname, '../../bin/toolgate.js');

/** A config whose ledger holds more receipt lines than a pipe buffers (64 KiB). */
async function bigLedger(): Promise<string> {
  const base = tempDir();
  const config = join(base, 'toolgate.yaml');
  writeFileSync(config, 'name: cli-gate\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\n');
  expect((await toolgate(['keys', 'generate', '-c', config])).code).toBe(0);
  const ledger = await Ledger.open({ dir: join(base, 'ledger'), signer: loadCurrentSigner(join(base, 'keys'))!, issuerId: 'cli-gate', log: silentLog });
  for (let i = 0; i < 200; i++) await ledger.append(draft(i));
  await ledger.close();
  return config;
}

/** Runs the CLI, closes its stdout after the first chunk, and resolves with its exit and stderr. */
function readFirstChunkThenClose(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; first: string }> {
  requireBuiltCli();
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' } });
  let stderr = '';
  let first = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.once('data', (chunk: Buffer) => {
    first = chunk.toString('utf8');
    child.stdout.destroy();
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stderr, first });
    }),
  );
}

describe('a closed stdout', () => {
  it('ends ledger tail --from 0 quietly when its reader goes away', async () => {
    const config = await bigLedger();
    const run = await readFirstChunkThenClose(['ledger', 'tail', '--from', '0', '--json', '-c', config]);
    expect(run.first).toContain('"payloadType"');
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, signal: null });
  });
});
