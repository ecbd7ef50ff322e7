// Crash safety with a real process: a writer killed with SIGKILL in the middle of a load leaves a
// ledger that reopens (a torn last line is cut and logged), verifies, and holds every receipt whose
// append had resolved.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ledger, readReceipts, verifyLedger } from '../../src/ledger/index.js';
import { draft, keyringOf, recordingLog, tempDir, testSigner } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const signer = testSigner('crash');

/** Run the append loop until `acks` receipts were acknowledged, then kill -9 it. */
async function killMidLoad(dir: string, acks: number): Promise<string[]> {
  if (!existsSync(join(here, '../../dist/ledger/index.js'))) throw new Error('run "npm run build" first: the child process runs the built ledger');
  const child = spawn(process.execPath, [join(here, 'fixtures/append-loop.mjs'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ids: string[] = [];
  let buffered = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      ids.push(...lines);
      if (ids.length >= acks && !child.killed) {
        child.kill('SIGKILL');
        resolve();
      }
    });
    child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer exited early: ${code}`))));
  });
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.on('exit', resolve)));
  return ids;
}

describe('crash recovery', () => {
  it('reopens after kill -9 mid-load, verifies, and keeps every acknowledged receipt', async () => {
    const dir = tempDir();
    const acknowledged = await killMidLoad(dir, 400);
    const { log } = recordingLog();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'crash', log });
    const next = await ledger.append(draft(1));
    expect(next.body.chain.seq).toBe(ledger.size - 1);
    await ledger.close();
    expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true, receipts: ledger.size });
    const stored = new Set<string>();
    for await (const r of readReceipts(dir)) stored.add(r.body.id);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
  });

  it('cuts a torn last line (a write interrupted mid-line) and logs it', async () => {
    const dir = tempDir();
    await killMidLoad(dir, 100);
    const last = readdirSync(dir)
      .filter((f) => f.startsWith('receipts-'))
      .sort()
      .at(-1)!;
    const path = join(dir, last);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    appendFileSync(path, lines.at(-1)!.slice(0, 300)); // half a receipt, no newline
    expect((await verifyLedger(dir, keyringOf({ signer }))).problem).toMatchObject({ code: 'torn_line' });

    const { log, records } = recordingLog();
    const ledger = await Ledger.open({ dir, signer, issuerId: 'crash', log });
    await ledger.append(draft(2));
    await ledger.close();
    expect(records).toContainEqual(expect.objectContaining({ level: 40, file: path, bytes: 300, msg: expect.stringMatching(/torn last line/) }));
    expect(await verifyLedger(dir, keyringOf({ signer }))).toMatchObject({ ok: true });
  });
});
