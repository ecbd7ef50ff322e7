// The incremental Merkle frontier against a naive RFC 6962 tree hash, and audit paths for every leaf
// of trees of every size up to 33 (odd sizes are where implementations go wrong).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditPath, Frontier, verifyInclusion } from '../../src/ledger/index.js';
import { nodeHash } from '../../src/ledger/merkle.js';
import { mth } from './helpers.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leaf = (i: number) => sha(Buffer.from([0]), Buffer.from(`leaf ${i}`));

describe('Merkle tree', () => {
  it('hashes a node as sha256(0x01 || left || right), whatever the lengths of its children, each result its own', () => {
    const a = leaf(1);
    const b = leaf(2);
    const first = nodeHash(a, b);
    const second = nodeHash(b, a); // the node input is written in place: the first result must not change
    expect(first).toEqual(sha(Buffer.from([1]), a, b));
    expect(second).toEqual(sha(Buffer.from([1]), b, a));
    // Proofs are untrusted: a root of another length hashes as what it is (and then fails to match).
    for (const [l, r] of [
      [a.subarray(0, 31), b],
      [a, Buffer.concat([b, b])],
      [Buffer.alloc(0), a],
      [a.subarray(1), Buffer.concat([b, a.subarray(0, 1)])],
    ]) {
      expect(nodeHash(l!, r!)).toEqual(sha(Buffer.from([1]), l!, r!));
    }
  });

  it('the frontier root equals the RFC 6962 tree hash at every size, also when resumed', () => {
    const f = Frontier.empty();
    const leaves: Buffer[] = [];
    for (let n = 0; n <= 70; n++) {
      expect(f.root().toString('hex'), `size ${n}`).toBe(mth(leaves).toString('hex'));
      const resumed = Frontier.of(f.size, f.hashes as Buffer[]);
      expect(resumed.root()).toEqual(f.root());
      leaves.push(leaf(n));
      f.add(leaf(n));
    }
  });

  it('audit paths prove every leaf and fail for the wrong leaf, index or root', () => {
    for (let size = 1; size <= 33; size++) {
      const leaves = Array.from({ length: size }, (_, i) => leaf(i));
      const packed = Buffer.concat(leaves);
      const root = mth(leaves);
      for (let i = 0; i < size; i++) {
        const path = auditPath(packed, i, 0, size);
        expect(verifyInclusion(leaves[i]!, i, size, path, root), `leaf ${i} of ${size}`).toBe(true);
        expect(verifyInclusion(leaf(999), i, size, path, root)).toBe(false);
        if (size > 1) expect(verifyInclusion(leaves[i]!, (i + 1) % size, size, path, root)).toBe(false);
      }
    }
  });
});
