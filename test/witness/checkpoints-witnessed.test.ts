// The ledger's checkpoints go to two real witness processes through the WitnessSubmitter, as the
// gateway wires it; then `toolgate ledger verify --witnesses N [--online]` checks the result. A ledger
// cut back with its checkpoint lines fails offline; cut back with its cosignature lines too, it fails
// online; a fork is refused by the witnesses and fails online; a witness that is down does not stop
// appends, and the checkpoint is cosigned once it is back.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import type { Signer } from '../../src/receipts/index.js';
import { parseVkey, WitnessSubmitter } from '../../src/witness/index.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { draft, recordingLog, tempDir, testSigner } from '../ledger/helpers.js';
import { forkOf, truncateWithCheckpoints, writeKeyring } from '../ledger/truncation-and-forks.js';
import { type RunningWitness, startWitness } from './witness-process.js';

const signer = testSigner('witnessed');
beforeAll(() => requireBuiltCli());

/** Append `count` receipts through a ledger whose checkpoints (every 4, and at close) go to `witnesses`. */
async function witnessedRun(dir: string, s: Signer, witnesses: Array<{ url: string; vkey: string }>, from: number, count: number, retryMs = 60_000) {
  const { log, records } = recordingLog();
  const outcomes: string[] = [];
  const submitter = new WitnessSubmitter({
    dir,
    witnesses: witnesses.map((w) => ({ url: w.url, key: parseVkey(w.vkey) })),
    quorum: witnesses.length,
    log,
    retryMs,
    timeoutMs: 20_000,
    onOutcome: (w, o) => outcomes.push(`${w}:${o}`),
  });
  const ledger = await Ledger.open({ dir, signer: s, issuerId: 'gate', log, checkpointEvery: 4, onCheckpoint: (n) => submitter.checkpointStored(n) });
  const started = performance.now();
  for (let i = from; i < from + count; i++) await ledger.append(draft(i));
  const appendMs = performance.now() - started;
  await ledger.close();
  return { submitter, outcomes, records, appendMs };
}

async function twoWitnesses(keyringExtra: (vkeys: string[]) => string): Promise<{ ws: RunningWitness[]; keyring: string }> {
  const logKeyring = writeKeyring(signer);
  const ws = [
    await startWitness({ dir: tempDir(), keyring: logKeyring, name: 'w1.test/a' }),
    await startWitness({ dir: tempDir(), keyring: logKeyring, name: 'w2.test/b' }),
  ];
  return { ws, keyring: keyringExtra(ws.map((w) => w.vkey)) };
}

const verify = (dir: string, keyring: string, ...flags: string[]) => toolgate(['ledger', 'verify', '--dir', dir, '--keyring', keyring, ...flags]);

describe('witnessed checkpoints', { timeout: 120_000 }, () => {
  it('every checkpoint is cosigned by both witnesses, and verify --witnesses 2 --online agrees', async () => {
    const { ws, keyring } = await twoWitnesses((vkeys) => writeKeyring(signer, { witnesses: vkeys }));
    const dir = join(tempDir(), 'ledger');
    const run = await witnessedRun(dir, signer, ws, 0, 10);
    await run.submitter.close(60_000);
    expect(run.outcomes.filter((o) => o.endsWith(':cosigned')).length).toBeGreaterThanOrEqual(2);
    const ok = await verify(dir, keyring, '--witnesses', '2', '--online', '--witness-url', ws[0]!.url, ws[1]!.url);
    expect(ok.stdout).toMatch(
      /^ok: 10 receipts.*\nok: the latest checkpoint \(10 receipts\) is cosigned by w1.test\/a, w2.test\/b; 2 witnesses asked agree\n$/,
    );
    expect(ok.code).toBe(0);
    expect((await verify(dir, writeKeyring(signer), '--witnesses', '1')).stdout).toMatch(/FAIL: the keyring names 0 witnesses, fewer than the 1 required/);
  });

  it('catches a ledger cut back with its checkpoint lines offline, and with its cosignature lines too online', async () => {
    const { ws, keyring } = await twoWitnesses((vkeys) => writeKeyring(signer, { witnesses: vkeys }));
    const dir = join(tempDir(), 'ledger');
    await (await witnessedRun(dir, signer, ws, 0, 6)).submitter.close(60_000);
    await (await witnessedRun(dir, signer, ws, 6, 6)).submitter.close(60_000);
    truncateWithCheckpoints(dir, 8);
    expect((await verify(dir, keyring)).stdout).toMatch(/^ok: 8 receipts/);
    const offline = await verify(dir, keyring, '--witnesses', '2');
    expect(offline.stdout).toMatch(
      /FAIL: cosignatures.jsonl:\d+: witness w1.test\/a \(.*\) cosigned a checkpoint of 1[02] receipts, but the ledger holds 8: receipts were removed from the end/,
    );
    expect(offline.code).toBe(1);

    // The thorough forger drops the cosignatures of the removed checkpoints too: offline cannot tell,
    // the witnesses can.
    const file = join(dir, 'cosignatures.jsonl');
    const kept = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => !/\\n(9|1[0-2])\\n/.test(l));
    writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
    expect((await verify(dir, keyring, '--witnesses', '2')).code).toBe(0);
    const online = await verify(dir, keyring, '--witnesses', '2', '--online', '--witness-url', ws[0]!.url);
    expect(online.stdout).toMatch(/FAIL: online: witness w1.test\/a .* cosigned a checkpoint of 12 receipts, but the ledger holds 8/);
    expect(online.code).toBe(1);
  });

  it('a fork is refused by the witnesses and fails verify --online', async () => {
    const { ws, keyring } = await twoWitnesses((vkeys) => writeKeyring(signer, { witnesses: vkeys }));
    const dir = join(tempDir(), 'ledger');
    await (await witnessedRun(dir, signer, ws, 0, 5)).submitter.close(60_000);
    const fork = forkOf(dir);
    await (await witnessedRun(dir, signer, ws, 5, 4)).submitter.close(60_000);
    const forked = await witnessedRun(fork, signer, ws, 100, 6);
    await forked.submitter.close(60_000);
    expect(forked.outcomes).toContain('w1.test/a:refused');
    expect(forked.outcomes).not.toContain('w1.test/a:cosigned');
    expect(forked.records.some((r) => r.msg === 'witness: refused the checkpoint')).toBe(true);
    expect((await verify(fork, keyring)).stdout).toMatch(/^ok: 11 receipts/);
    const online = await verify(fork, keyring, '--online', '--witness-url', ws[0]!.url);
    expect(online.stdout).toMatch(
      /FAIL: online: witness w1.test\/a .* cosigned a checkpoint of 9 receipts whose root the ledger's receipts do not hash to: the ledger was rewritten \(a fork\)/,
    );
    expect((await verify(fork, keyring, '--witnesses', '1')).stdout).toMatch(
      /FAIL: the latest checkpoint \(11 receipts\) carries 0 valid witness cosignatures, 1 required/,
    );
  });

  it('a witness that is down stops no append; the checkpoint is cosigned once it is back', async () => {
    const logKeyring = writeKeyring(signer);
    const witnessDir = tempDir();
    const first = await startWitness({ dir: witnessDir, keyring: logKeyring });
    const url = first.url;
    await first.stop();
    const dir = join(tempDir(), 'ledger');
    const run = await witnessedRun(dir, signer, [{ url, vkey: first.vkey }], 0, 9, 300);
    expect(run.appendMs).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(run.outcomes).toContain('witness.test/w1:unreachable');
    expect(run.records.some((r) => r.msg === 'witness: the newest checkpoint has fewer cosignatures than the quorum; calls go on, it is submitted again')).toBe(
      true,
    );
    const keyring = writeKeyring(signer, { witnesses: [first.vkey] });
    expect((await verify(dir, keyring, '--witnesses', '1')).code).toBe(1);
    const port = new URL(url).port;
    const again = await startWitness({ dir: witnessDir, keyring: logKeyring, port });
    for (let i = 0; i < 50 && !run.outcomes.includes('witness.test/w1:cosigned'); i++) await new Promise((r) => setTimeout(r, 100));
    await run.submitter.close(60_000);
    expect((await verify(dir, keyring, '--witnesses', '1', '--online', '--witness-url', again.url)).stdout).toMatch(
      /ok: the latest checkpoint \(9 receipts\) is cosigned by witness.test\/w1/,
    );
  });
});
