// RFC 9162 section 2.1.4 consistency proofs: that the tree of size m is a prefix of the tree of size
// n. The proof lists subtree hashes; each one either lies wholly in [0, m), where it is one of the
// perfect subtrees of the old tree (its frontier, which checkpoint records keep), or wholly in
// [m, n). So a proof needs the old frontier and the new leaves only, never the whole ledger.
import { type Frontier, largestPowerOfTwoBelow, nodeHash } from './merkle.js';

/** Hash of the subtree over leaves [lo, hi), as the proof builder asks for it. */
export type RangeHash = (lo: number, hi: number) => Buffer;

/** RFC 9162 2.1.4.1 SUBPROOF(m, D[lo:hi], b), with m counted from 0 (not from lo). */
function subproof(m: number, lo: number, hi: number, complete: boolean, hash: RangeHash): Buffer[] {
  if (m === hi) return complete ? [] : [hash(lo, hi)];
  const k = largestPowerOfTwoBelow(hi - lo);
  if (m <= lo + k) return [...subproof(m, lo, lo + k, complete, hash), hash(lo + k, hi)];
  return [...subproof(m, lo + k, hi, false, hash), hash(lo, lo + k)];
}

/** PROOF(m, D[n]) for 0 < m <= n: empty when m === n. */
export function consistencyPath(m: number, n: number, hash: RangeHash): Buffer[] {
  if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from size ${m} to size ${n}`);
  return subproof(m, 0, n, true, hash);
}

/**
 * Subtree hashes from the old tree's frontier (the perfect subtrees covering [0, m), largest first)
 * and the leaf hashes of [m, n), packed 32 bytes each.
 */
export function frontierRangeHash(old: Frontier, newLeaves: Buffer): RangeHash {
  const m = old.size;
  const starts = new Map<number, Buffer>();
  let at = 0;
  for (const h of old.hashes) {
    starts.set(at, h);
    at += 2 ** Math.floor(Math.log2(m - at));
  }
  return (lo, hi) => {
    if (hi <= m) {
      const h = starts.get(lo);
      if (!h || lo + 2 ** Math.floor(Math.log2(m - lo)) !== hi) throw new RangeError(`[${lo}, ${hi}) is not a subtree of the old frontier`);
      return h;
    }
    if (lo < m) throw new RangeError(`[${lo}, ${hi}) straddles the old size ${m}`);
    return rangeRoot(newLeaves, lo - m, hi - m);
  };
}

/** Leaf hashes [0, n) packed 32 bytes each. */
export function leavesRangeHash(leaves: Buffer): RangeHash {
  return (lo, hi) => rangeRoot(leaves, lo, hi);
}

function rangeRoot(leaves: Buffer, lo: number, hi: number): Buffer {
  if (hi - lo === 1) return leaves.subarray(lo * 32, lo * 32 + 32);
  const k = largestPowerOfTwoBelow(hi - lo);
  return nodeHash(rangeRoot(leaves, lo, lo + k), rangeRoot(leaves, lo + k, hi));
}

/**
 * RFC 9162 2.1.4.2: does `proof` show the tree of `size1` with `root1` to be a prefix of the tree of
 * `size2` with `root2`? Untrusted input throughout. As RFC 9162 (and transparency-dev/merkle, whose
 * vectors the tests use) has it, a proof from the empty tree proves nothing and is refused: callers
 * that accept old size 0 (a witness's first checkpoint of a log) decide that case themselves.
 */
export function verifyConsistency(size1: number, size2: number, proof: readonly Buffer[], root1: Buffer, root2: Buffer): boolean {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 > 0 && size1 <= size2)) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  if (proof.length === 0) return false;
  // Step 2: when size1 is a power of two, the old root is itself the first node of the path.
  const path = Number.isInteger(Math.log2(size1)) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(root1) && sr.equals(root2) && sn === 0;
}
