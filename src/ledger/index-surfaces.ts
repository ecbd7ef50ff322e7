// The surfaces of the ledger index's records, for counts by surface (docs/ledger-index.md): a record
// holds its call's server and tool as two key hashes, counts need the names. A surface's names are
// read back once, from the first record that has them, checked against the record, and kept (a
// gateway has tens of surfaces, whatever the number of receipts); each record's surface is looked up
// once and kept as a number beside the records, so that a count is a pass over arrays.
import type { Surface } from './facts.js';
import { KEY_WORD, WORDS } from './index-record.js';

interface Known {
  /** The four hash words: server, then tool. */
  words: [number, number, number, number];
  id: number;
}

const S = KEY_WORD.server;
const T = KEY_WORD.tool;

/** No surface: a receipt of no call. */
export const NO_SURFACE = 0;

export class IndexSurfaces {
  /** By a 31-bit number made of the hash words; the words themselves tell entries apart. */
  private readonly known = new Map<number, Known[]>();
  /** By id (0: none). */
  private readonly names: Array<Surface | null> = [null];
  private ids = new Uint32Array(1024);
  /** Records [0, looked) have their surface id in `ids`. */
  private looked = 0;

  /** Forget the ids of records from `n` on (the index was reset). The names stay: they depend only on the hashes. */
  forget(n: number): void {
    this.looked = Math.min(this.looked, n);
  }

  /**
   * The surface id of every record [0, count), looked up where not yet known; null when
   * `namesOf(n)` (record n's receipt read back) cannot name a surface: that record is wrong.
   */
  idsUpTo(words: Uint32Array, count: number, namesOf: (n: number) => Surface | null): Uint32Array | null {
    if (this.ids.length < count) {
      const grown = new Uint32Array(Math.max(count, this.ids.length * 2));
      grown.set(this.ids.subarray(0, this.looked));
      this.ids = grown;
    }
    let last: Known | null = null;
    for (let n = this.looked; n < count; n++) {
      const w = n * WORDS;
      const s0 = words[w + S]!;
      const s1 = words[w + S + 1]!;
      const t0 = words[w + T]!;
      const t1 = words[w + T + 1]!;
      if ((s0 | s1 | t0 | t1) === 0) {
        this.ids[n] = NO_SURFACE;
        continue;
      }
      // Neighbouring receipts are often of one call, so of one surface.
      if (!last || last.words[0] !== s0 || last.words[1] !== s1 || last.words[2] !== t0 || last.words[3] !== t1) {
        last = this.lookUp(s0, s1, t0, t1, () => namesOf(n));
        if (!last) {
          this.looked = n;
          return null;
        }
      }
      this.ids[n] = last.id;
    }
    this.looked = count;
    return this.ids;
  }

  surface(id: number): Surface | null {
    return this.names[id] ?? null;
  }

  private lookUp(s0: number, s1: number, t0: number, t1: number, namesOf: () => Surface | null): Known | null {
    const key = (s0 ^ Math.imul(t0, 0x9e3779b1) ^ s1 ^ t1) & 0x3fffffff;
    let entries = this.known.get(key);
    const found = entries?.find((k) => k.words[0] === s0 && k.words[1] === s1 && k.words[2] === t0 && k.words[3] === t1);
    if (found) return found;
    const names = namesOf();
    if (!names) return null;
    const known: Known = { words: [s0, s1, t0, t1], id: this.names.length };
    this.names.push(names);
    if (!entries) this.known.set(key, (entries = []));
    entries.push(known);
    return known;
  }
}
