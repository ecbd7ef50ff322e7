// RFC 6962 / RFC 9162 Merkle trees over receipt leaf hashes: node hashing, an incremental frontier
// (the compact range [0, n)) so each append costs O(1) amortized hashes however large the ledger
// grows, audit paths for inclusion proofs, and their verification.
import { sha256 } from '../receipts/index.js';

/** The input of nodeHash for two hashes, written in place: one one-shot hash per node is cheaper than a Hash object (about one node per receipt verified). */
const NODE_INPUT = Buffer.alloc(65, 1);

/** sha256(0x01 || left || right); children of other lengths than 32 bytes come only from untrusted proofs, which then fail. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const input = left.length + right.length === 64 ? NODE_INPUT : Buffer.alloc(1 + left.length + right.length, 1);
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

export const EMPTY_ROOT = sha256(new Uint8Array(0));

/** The roots of the perfect subtrees covering [0, size), largest first: enough to extend and to get the root. */
export class Frontier {
  private constructor(
    private readonly stack: Buffer[],
    private count: number,
  ) {}

  static empty(): Frontier {
    return new Frontier([], 0);
  }

  /** Resume from stored subtree roots; the number of subtrees must match the bits of `size`. */
  static of(size: number, hashes: readonly Buffer[]): Frontier {
    const bits = size
      .toString(2)
      .split('')
      .filter((b) => b === '1').length;
    if (hashes.length !== bits || hashes.some((h) => h.length !== 32)) throw new Error(`a frontier of ${size} leaves has ${bits} hashes, not ${hashes.length}`);
    return new Frontier([...hashes], size);
  }

  get size(): number {
    return this.count;
  }

  get hashes(): readonly Buffer[] {
    return this.stack;
  }

  add(leaf: Buffer): void {
    let node = leaf;
    for (let n = this.count; n & 1; n = Math.floor(n / 2)) node = nodeHash(this.stack.pop()!, node);
    this.stack.push(node);
    this.count++;
  }

  root(): Buffer {
    if (this.count === 0) return EMPTY_ROOT;
    let root = this.stack[this.stack.length - 1]!;
    for (let i = this.stack.length - 2; i >= 0; i--) root = nodeHash(this.stack[i]!, root);
    return root;
  }

  clone(): Frontier {
    return new Frontier([...this.stack], this.count);
  }
}

/** Leaf hashes packed 32 bytes each, as `prove` collects them. */
function leafAt(leaves: Buffer, i: number): Buffer {
  return leaves.subarray(i * 32, i * 32 + 32);
}

function subtreeRoot(leaves: Buffer, lo: number, hi: number): Buffer {
  const f = Frontier.empty();
  for (let i = lo; i < hi; i++) f.add(leafAt(leaves, i));
  return f.root();
}

/** The split point of RFC 6962's tree of n > 1 leaves. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 6962 PATH(index, D[lo:hi]): sibling hashes from the leaf upwards. */
export function auditPath(leaves: Buffer, index: number, lo: number, hi: number): Buffer[] {
  const n = hi - lo;
  if (n <= 1) return [];
  const k = largestPowerOfTwoBelow(n);
  if (index < k) return [...auditPath(leaves, index, lo, lo + k), subtreeRoot(leaves, lo + k, hi)];
  return [...auditPath(leaves, index - k, lo + k, hi), subtreeRoot(leaves, lo, lo + k)];
}

/** RFC 9162 section 2.1.3.2: does `path` prove `leaf` at `index` in a tree of `size` with `root`? */
export function verifyInclusion(leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer): boolean {
  if (!(index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}
