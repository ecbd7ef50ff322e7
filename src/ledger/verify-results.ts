// The results of a block of checked lines (verify-line.ts), packed for the trip from a verify worker to
// the thread that walks the ledger in order: one fixed-size record of bytes per line, and the few
// strings they name (key ids, chain id, events, the call ids of executions) once per block. Results as
// objects cost that thread several kB of garbage per receipt (strings, hex, small buffers, their
// structured clones), enough for its young generation to grow by tens of MB at a million receipts;
// packed, it reads each record in place (LineCursor) and allocates next to nothing.
import { PENDING_ENTRY, type LineFacts } from './executions.js';
import type { SignedBy } from './key-timeline.js';
import type { LineResult } from './verify-line.js';

/** A block's results: `records` of RECORD bytes each, and what they name by index. */
export interface PackedResults {
  records: Uint8Array;
  strings: string[];
  /** Rotations and problems, the few results that need more than a record. */
  extras: (NonNullable<SignedBy['rotation']> | { code: string; message: string })[];
}

// Record layout: flags, then u32 indexes into strings or extras (NONE when absent), then seq, prev, leaf, pending entry.
const FLAGS = 0; // OK | HAS_PREV | HAS_PENDING
const EVENT = 4;
const KEY_ID = 8;
const CHAIN_ID = 12;
const CALL_ID = 16;
const EXTRA = 20;
const SEQ = 24;
const PREV = 32;
const LEAF = 64;
const PENDING = 96;
const RECORD = PENDING + PENDING_ENTRY;
const OK = 1;
const HAS_PREV = 2;
const HAS_PENDING = 4;
const NONE = 0xffffffff;

/** Room for `bytes` and for the somewhat larger blocks to come (verify-pool.ts reuses buffers): the next power of two. */
export function roomFor(bytes: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(bytes, 1)));
}

/**
 * The results of `lines` lines packed one by one as they are checked, into `spare` when it has room
 * (see verify-pool.ts): a line's result is garbage as soon as it is packed, so it dies in the
 * worker's young generation instead of being copied by its collections until the block ends.
 */
export class ResultsPacker {
  private readonly records: Buffer;
  private readonly strings: string[] = [];
  private readonly indexes = new Map<string, number>();
  private readonly extras: PackedResults['extras'] = [];
  private at = 0;

  constructor(lines: number, spare?: ArrayBuffer) {
    const bytes = lines * RECORD;
    this.records = Buffer.from(spare && spare.byteLength >= bytes ? spare : new ArrayBuffer(roomFor(bytes)), 0, bytes).fill(0);
  }

  /** The next line's result. */
  add(r: LineResult): void {
    const { records, at } = this;
    this.at += RECORD;
    if (!r.ok) {
      records.writeUInt32LE(this.extras.push({ code: r.code, message: r.message }) - 1, at + EXTRA);
      return;
    }
    records[at + FLAGS] = OK | (r.prev === null ? 0 : HAS_PREV) | (r.pending ? HAS_PENDING : 0);
    records.writeUInt32LE(this.index(r.event), at + EVENT);
    records.writeUInt32LE(this.index(r.keyId), at + KEY_ID);
    records.writeUInt32LE(this.index(r.chainId), at + CHAIN_ID);
    // A call id is kept only where a problem may name it: an execution's.
    records.writeUInt32LE(r.event === 'permit' ? NONE : this.index(r.callId), at + CALL_ID);
    records.writeUInt32LE(r.rotation ? this.extras.push(r.rotation) - 1 : NONE, at + EXTRA);
    records.writeDoubleLE(r.seq, at + SEQ);
    if (r.prev !== null) records.write(r.prev, at + PREV, 32, 'hex');
    records.set(r.leaf, at + LEAF);
    if (r.pending) records.set(r.pending, at + PENDING);
  }

  /** The packed results of the lines added. */
  results(): PackedResults {
    return { records: this.records.subarray(0, this.at), strings: this.strings, extras: this.extras };
  }

  private index(s: string | undefined): number {
    if (s === undefined) return NONE;
    let i = this.indexes.get(s);
    if (i === undefined) this.indexes.set(s, (i = this.strings.push(s) - 1));
    return i;
  }
}

/** One block's results, read one line at a time in place: `next` moves to the next line (false past the last). */
export class LineCursor implements SignedBy, LineFacts {
  private readonly records: Buffer;
  private at = -RECORD;

  constructor(private readonly packed: PackedResults) {
    const { records } = packed;
    this.records = Buffer.from(records.buffer, records.byteOffset, records.length);
  }

  next(): boolean {
    this.at += RECORD;
    return this.at < this.records.length;
  }

  /** What is wrong with the line, if it did not check out on its own. */
  get problem(): { code: string; message: string } | undefined {
    return this.records[this.at + FLAGS]! & OK ? undefined : (this.extras as { code: string; message: string });
  }

  get seq(): number {
    return this.records.readDoubleLE(this.at + SEQ);
  }

  /** Whether the line's chain.prev is `leaf` (null: none). */
  prevIs(leaf: Buffer | null): boolean {
    if (!(this.records[this.at + FLAGS]! & HAS_PREV)) return leaf === null;
    return leaf !== null && leaf.compare(this.records, this.at + PREV, this.at + PREV + 32) === 0;
  }

  /**
   * The line's leaf hash, a copy with memory of its own: not a slice of Buffer's shared pool, whose
   * 8 kB slab one leaf kept by the Merkle frontier would carry into the old generation, where it
   * waits for a full collection (tens of MB of them at a million receipts).
   */
  leaf(): Buffer {
    const leaf = Buffer.allocUnsafeSlow(32);
    this.records.copy(leaf, 0, this.at + LEAF, this.at + LEAF + 32);
    return leaf;
  }

  get chainId(): string {
    return this.string(CHAIN_ID)!;
  }

  get keyId(): string {
    return this.string(KEY_ID)!;
  }

  get rotation(): SignedBy['rotation'] {
    return this.records.readUInt32LE(this.at + EXTRA) === NONE ? undefined : (this.extras as SignedBy['rotation']);
  }

  get event(): LineFacts['event'] {
    return this.string(EVENT) as LineFacts['event'];
  }

  get callId(): string | undefined {
    return this.string(CALL_ID);
  }

  get pending(): Uint8Array | undefined {
    return this.records[this.at + FLAGS]! & HAS_PENDING ? this.records.subarray(this.at + PENDING, this.at + RECORD) : undefined;
  }

  private get extras(): PackedResults['extras'][number] {
    return this.packed.extras[this.records.readUInt32LE(this.at + EXTRA)]!;
  }

  private string(field: number): string | undefined {
    const i = this.records.readUInt32LE(this.at + field);
    return i === NONE ? undefined : this.packed.strings[i];
  }
}
