// RFC 9162 consistency proofs: transparency-dev/merkle's probes (an independent implementation's
// vectors, test/vectors/consistency/), proofs built here for every pair of sizes up to 40 checked
// against a tree hash written straight from the RFC, and proofs from a checkpoint's frontier alone
// equal to proofs from every leaf.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consistencyPath, Frontier, frontierRangeHash, leavesRangeHash, verifyConsistency } from '../../src/ledger/index.js';
import { mth } from './helpers.js';

interface Probe {
  file: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[];
  desc: string;
  wantErr: boolean;
}
const vectors = JSON.parse(readFileSync(new URL('../vectors/consistency/transparency-dev.json', import.meta.url), 'utf8')) as { probes: Probe[] };

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (i: number) => sha(Buffer.from([0]), Buffer.from(`leaf ${i}`));
const b64 = (s: string) => Buffer.from(s, 'base64');

describe('consistency proofs', () => {
  it('agree with every transparency-dev/merkle probe, good and bad', () => {
    expect(vectors.probes.length).toBe(98);
    for (const p of vectors.probes) {
      const ok = verifyConsistency(p.size1, p.size2, p.proof.map(b64), b64(p.root1), b64(p.root2));
      expect(ok, `${p.file}: ${p.desc}`).toBe(!p.wantErr);
    }
  });

  it('prove and verify every pair of sizes up to 40, and fail for a wrong root or hash', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => leaf(i));
    const packed = Buffer.concat(leaves);
    for (let n = 1; n <= 40; n++) {
      const root2 = mth(leaves.slice(0, n));
      for (let m = 1; m <= n; m++) {
        const root1 = mth(leaves.slice(0, m));
        const proof = consistencyPath(m, n, leavesRangeHash(packed));
        expect(verifyConsistency(m, n, proof, root1, root2), `${m} -> ${n}`).toBe(true);
        expect(verifyConsistency(m, n, proof, root2.equals(root1) ? leaf(99) : root2, root2)).toBe(false);
        if (proof.length) expect(verifyConsistency(m, n, [leaf(77), ...proof.slice(1)], root1, root2)).toBe(false);
      }
    }
  });

  it('a proof from the old checkpoint frontier and the new leaves equals one from the whole tree', () => {
    const leaves = Array.from({ length: 70 }, (_, i) => leaf(i));
    const packed = Buffer.concat(leaves);
    for (let m = 1; m <= 70; m++) {
      const old = Frontier.empty();
      for (const l of leaves.slice(0, m)) old.add(l);
      for (const n of [m, m + 1, m + 7, 70].filter((x) => x <= 70)) {
        const fromFrontier = consistencyPath(m, n, frontierRangeHash(old, packed.subarray(m * 32, n * 32)));
        expect(fromFrontier, `${m} -> ${n}`).toEqual(consistencyPath(m, n, leavesRangeHash(packed)));
      }
    }
  });

  it('a rewritten history (a fork) has no proof that verifies', () => {
    const leaves = Array.from({ length: 20 }, (_, i) => leaf(i));
    const forked = leaves.map((l, i) => (i === 9 ? leaf(1000) : l));
    const proof = consistencyPath(12, 20, leavesRangeHash(Buffer.concat(forked)));
    expect(verifyConsistency(12, 20, proof, mth(leaves.slice(0, 12)), mth(forked))).toBe(false);
  });
});
