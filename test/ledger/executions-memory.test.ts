// The "no permit, no execution" check remembers every permit not executed yet: a ledger of a million
// permits that never ran (a crash leaves one per call in flight; a forger may write any number) must
// still verify in bounded memory (issue 15: under 200 MB at 1M receipts), and the compact table must
// answer exactly as a Map of call ids to leaf hashes does.
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Executions, PendingPermits, pendingEntry } from '../../src/ledger/executions.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The hash of what a permit allowed (here any fixed text: the table binds it, whatever it is). */
const RAN_UNDER = 'a'.repeat(64);

/** Heap and buffer memory in use, after collecting garbage (twice: buffers are freed after the collection that finds them). */
async function used(): Promise<number> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('permits waiting for their execution', () => {
  it('accepts an execution only when it ran under what its permit allowed', () => {
    const table = new PendingPermits();
    const leaf = randomBytes(32).toString('hex');
    table.put(pendingEntry('call_1', leaf, RAN_UNDER));
    expect(table.take(pendingEntry('call_1', leaf, 'b'.repeat(64)))).toBe(false);
    expect(table.take(pendingEntry('call_1', leaf, RAN_UNDER))).toBe(true);
  });

  it('cost under 48 bytes each', async () => {
    const executions = new Executions();
    const n = 200_000;
    const leaves = Array.from({ length: n }, () => randomBytes(32).toString('hex'));
    const entry = (i: number) => pendingEntry(`call_${i}`, leaves[i]!, RAN_UNDER);
    const baseline = await used();
    for (let i = 0; i < n; i++) executions.take({ event: 'permit', callId: `call_${i}`, pending: entry(i) });
    const perPermit = ((await used()) - baseline) / n;
    // Still there, each waiting for its execution (this also keeps the table alive while measured).
    expect(executions.take({ event: 'complete', callId: 'call_7', pending: entry(7) })).toBeUndefined();
    expect(executions.take({ event: 'complete', callId: 'call_7', pending: entry(7) })).toMatch(/does not name/);
    expect(perPermit).toBeLessThan(48);
  });

  it('grow without leaving their old tables behind', async () => {
    // A table let go waits for a full collection, which the quiet heap of `ledger verify` seldom runs:
    // the old tables of a table grown half as large again each time add up to twice its size.
    const table = new PendingPermits();
    const n = 200_000;
    const leaf = randomBytes(32).toString('hex');
    const entries = Array.from({ length: n }, (_, i) => pendingEntry(`call_${i}`, leaf, RAN_UNDER));
    await used();
    const before = process.memoryUsage().arrayBuffers;
    let peak = 0;
    for (let i = 0; i < n; i++) {
      table.put(entries[i]!);
      if (i % 1000 === 0) peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    await used();
    const kept = process.memoryUsage().arrayBuffers - before;
    expect(table.size).toBe(n);
    expect(table.take(entries[0]!)).toBe(true); // the entries too are still there while measured
    expect(peak - before).toBeLessThan(kept * 1.2);
  });

  it('answer as a map of call ids to leaf hashes does, through growth, replacement and removal', () => {
    const table = new PendingPermits(4); // pages of 4 slots: growth across pages from the first permits
    const map = new Map<string, string>();
    const leaves = Array.from({ length: 64 }, () => randomBytes(32).toString('hex'));
    let state = 1;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const callId = `call_${next(300)}`;
      const leaf = leaves[next(leaves.length)]!;
      if (next(3) === 0) {
        table.put(pendingEntry(callId, leaf, RAN_UNDER));
        map.set(callId, leaf);
      } else {
        const expected = map.get(callId) === leaf;
        if (expected) map.delete(callId);
        expect(table.take(pendingEntry(callId, leaf, RAN_UNDER))).toBe(expected);
      }
      expect(table.size).toBe(map.size);
    }
  });
});
