// A real witness process (`toolgate witness serve`) against real ledgers: it cosigns a checkpoint that
// extends the last one it cosigned (tlog-witness add-checkpoint with a consistency proof), answers 409
// with its size to a stale old size, and refuses a rollback, a fork, an unknown log and an untrusted
// key; what it cosigned survives a restart.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consistencyPathOf, parseCheckpoint } from '../../src/ledger/index.js';
import { formatAddCheckpoint, parseVkey, verifyCosignatures } from '../../src/witness/index.js';
import { requireBuiltCli } from '../fixtures/cli.js';
import { tempDir, testSigner } from '../ledger/helpers.js';
import { forkOf, grow, latestNote, writeKeyring } from '../ledger/truncation-and-forks.js';
import { startWitness } from './witness-process.js';

const signer = testSigner('witness-refuses');
beforeAll(() => requireBuiltCli());

async function add(url: string, oldSize: number, proof: Buffer[], note: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body: formatAddCheckpoint({ oldSize, proof, note }) });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

const sizeOf = (note: string) => parseCheckpoint(note).checkpoint.size;

describe('toolgate witness serve', { timeout: 60_000 }, () => {
  it('cosigns each checkpoint that extends the last, and refuses rollback, forks and strangers', async () => {
    const dir = join(tempDir(), 'ledger');
    const keyring = writeKeyring(signer);
    await grow(dir, signer, 0, 5);
    const five = latestNote(dir);
    const fork = forkOf(dir);
    await grow(dir, signer, 5, 4);
    const nine = latestNote(dir);
    const witnessDir = tempDir();
    let witness = await startWitness({ dir: witnessDir, keyring });
    const key = parseVkey(witness.vkey);

    const first = await add(witness.url, 0, [], five);
    expect(first.status).toBe(200);
    const { text } = parseCheckpoint(five);
    expect(verifyCosignatures(text, [first.body.trimEnd()], [key])).toEqual([{ witness: 'witness.test/w1', timestamp: expect.any(Number) }]);

    const stale = await add(witness.url, 0, [], nine);
    expect(stale).toEqual({ status: 409, type: 'text/x.tlog.size', body: '5\n' });
    expect((await add(witness.url, 5, [], nine)).status).toBe(422);
    expect((await add(witness.url, 5, await consistencyPathOf(dir, 5, 9), nine)).status).toBe(200);

    // Rollback: an older checkpoint, whatever old size is claimed.
    expect((await add(witness.url, 9, [], five)).status).toBe(400);
    expect((await add(witness.url, 5, [], five)).status).toBe(409);

    // Fork: the copy parted at 5 grows to 9 and 12 receipts of its own, signed by the same key.
    await grow(fork, signer, 100, 4);
    const forkNine = latestNote(fork);
    expect((await add(witness.url, 9, [], forkNine)).status).toBe(422);
    await grow(fork, signer, 200, 3);
    expect((await add(witness.url, 9, await consistencyPathOf(fork, 9, 12), latestNote(fork))).status).toBe(422);

    // Strangers: a log signed by a key the witness does not trust, an origin that is not a toolgate log.
    const other = join(tempDir(), 'ledger');
    await grow(other, testSigner('stranger'), 0, 3);
    expect((await add(witness.url, 0, [], latestNote(other))).status).toBe(403);
    expect((await add(witness.url, 0, [], five.replace(/^toolgate\//, 'example.com/'))).status).toBe(404);
    expect((await add(witness.url, 0, [], 'not a checkpoint')).status).toBe(400);

    // What it cosigned is durable: after a restart it still holds size 9 and serves it.
    await witness.stop();
    witness = await startWitness({ dir: witnessDir, keyring });
    expect(await add(witness.url, 0, [], five)).toMatchObject({ status: 409, body: '9\n' });
    const origin = parseCheckpoint(nine).checkpoint.origin;
    const served = await (await fetch(`${witness.url}/${createHash('sha256').update(origin).digest('hex')}/checkpoint`)).text();
    expect(sizeOf(served)).toBe(9);
    expect(served.startsWith(nine)).toBe(true);
    expect(verifyCosignatures(parseCheckpoint(served).text, parseCheckpoint(served).signatures, [key])).toHaveLength(1);
  });
});
