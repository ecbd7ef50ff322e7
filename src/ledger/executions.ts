// "No permit, no execution", checked from the ledger alone: a `complete`, `fail` or `unknown` names in `ref` the
// permit of its own call, written before it, repeats what that permit allowed, and each permit runs at most once. Memory holds only
// the permits whose execution is not recorded yet (a crash between dispatch and record leaves one),
// 25 bytes a slot in one table outside the JS heap (PendingPermits), in pages it recycles as it grows:
// a million permits that never ran cost under 40 MB, where a Map of their call ids and leaf hashes
// took over 400 MB of heap. Each
// receipt's entry (pendingEntry) is hashed where its line is checked, in a verify worker, so the thread
// walking the ledger in order only looks entries up.
import { type ReceiptBody, sha256 } from '../receipts/index.js';

/** What the executions check needs from a receipt: its event, its call and, for a permit or an execution that names one, its entry in the table of permits not executed yet. */
export interface LineFacts {
  event: ReceiptBody['event'];
  callId?: string;
  pending?: PendingEntry;
}

export class Executions {
  private readonly waiting = new PendingPermits();

  /** A receipt in ledger order; returns what is wrong with it, if anything. */
  take(facts: LineFacts): string | undefined {
    if (facts.event === 'permit') this.waiting.put(facts.pending!);
    if (facts.event !== 'complete' && facts.event !== 'fail' && facts.event !== 'unknown') return undefined;
    if (!facts.pending || !this.waiting.take(facts.pending)) {
      return `${facts.event} of call ${facts.callId} does not name (ref) a permit of that call written before it, not executed yet and with the same policy, approval, break_glass, constraints and call hashes`;
    }
    return undefined;
  }
}

const KEY = 8;
const VALUE = 16;
const ENTRY = KEY + VALUE;
/** A slot of the table: a used flag, then an entry. */
const SLOT = 1 + ENTRY;

/** A permit's slot in the table, or what an execution must find there: its key, then its value (PENDING_ENTRY bytes). */
export type PendingEntry = Uint8Array;
export const PENDING_ENTRY = ENTRY;

/**
 * The entry of the permit `leaf` (hex) of `callId` that allowed `ranUnder`, the canonical JSON of
 * what an execution repeats (see PendingPermits). The hashed text reads one way only: the leaf has
 * 64 digits and a JSON object's text ends at its own closing brace, so the call id is the rest.
 */
export function pendingEntry(callId: string, leaf: string, ranUnder: string): PendingEntry {
  // One-shot hashes: a third cheaper than a Hash object each (two per permit and execution).
  const entry = Buffer.allocUnsafe(ENTRY);
  entry.set(sha256(callId).subarray(0, KEY), 0);
  entry.set(sha256(`${leaf} ${ranUnder} ${callId}`).subarray(0, VALUE), KEY);
  return entry;
}

/**
 * call id -> leaf hash of its permit not executed yet, as sha256(call id)[0..8] -> sha256(leaf hash,
 * call id, what it ran under)[0..16]. Only a value match accepts an execution, and it binds the call,
 * its permit and the fields the execution repeats from it
 * (forging one is a 128-bit second preimage); two call ids sharing a key (about one chance in 2^64
 * per pair) can only make a permit look missing, never let an execution through. The entries are
 * spread over shards that grow one at a time, so a growing table never holds two copies of itself.
 */
export class PendingPermits {
  private readonly shards: Shard[];

  /** `pageSlots`: the slots of one page (Pages), the least a shard holds. */
  constructor(pageSlots = 1024) {
    const pages = new Pages(pageSlots);
    this.shards = Array.from({ length: SHARDS }, () => new Shard(pages));
  }

  get size(): number {
    return this.shards.reduce((n, shard) => n + shard.size, 0);
  }

  /** A permit waits for its execution (it replaces an earlier one of its call). */
  put(entry: PendingEntry): void {
    this.shards[entry[KEY - 1]! % SHARDS]!.put(entry);
  }

  /** Whether the permit an execution names waits for it, having allowed what it ran under; if so it no longer waits. */
  take(entry: PendingEntry): boolean {
    return this.shards[entry[KEY - 1]! % SHARDS]!.take(entry);
  }
}

const SHARDS = 32;

/**
 * Pages of slots for all shards. A shard that grows gives its old pages back and the next one to grow
 * takes them, so the table makes no garbage as it grows: a buffer let go waits for a full collection,
 * which the otherwise quiet heap of `ledger verify` seldom runs, and the old tables of a table grown
 * half as large again each time add up to twice its size (some 60 MB at a million permits).
 */
class Pages {
  private readonly free: Buffer[] = [];

  constructor(readonly slots: number) {}

  /** An empty page. */
  take(): Buffer {
    return this.free.pop()?.fill(0) ?? Buffer.alloc(this.slots * SLOT);
  }

  give(pages: readonly Buffer[]): void {
    this.free.push(...pages);
  }
}

/** One open-addressing table of slots over pages: linear probing, backward-shift deletion. */
class Shard {
  private pages: Buffer[];
  private capacity: number;
  private count = 0;

  constructor(private readonly store: Pages) {
    this.pages = [store.take()];
    this.capacity = store.slots;
  }

  get size(): number {
    return this.count;
  }

  /** `entry` (key, value) goes in, replacing the value its key held. */
  put(entry: PendingEntry): void {
    if ((this.count + 1) * 8 > this.capacity * 7) this.grow();
    const at = this.find(entry);
    const page = this.page(at);
    const offset = offsetOf(at, this.store);
    if (!page[offset]) this.count++;
    page[offset] = 1;
    page.set(entry, offset + 1);
  }

  /** Whether the table holds `entry` (key and value); if so it goes. */
  take(entry: PendingEntry): boolean {
    const at = this.find(entry);
    const page = this.page(at);
    const offset = offsetOf(at, this.store);
    if (!page[offset] || page.compare(entry, 0, ENTRY, offset + 1, offset + 1 + ENTRY) !== 0) return false;
    this.remove(at);
    return true;
  }

  /** The page holding slot `at` (offsetOf says where). */
  private page(at: number): Buffer {
    return this.pages[Math.floor(at / this.store.slots)]!;
  }

  /** The slot holding the key `entry` begins with, or the empty slot where it would go. */
  private find(entry: Uint8Array): number {
    let at = this.home(entry[0]! | (entry[1]! << 8) | (entry[2]! << 16) | (entry[3]! << 24));
    for (;;) {
      const page = this.page(at);
      const offset = offsetOf(at, this.store);
      if (!page[offset] || page.compare(entry, 0, KEY, offset + 1, offset + 1 + KEY) === 0) return at;
      at = (at + 1) % this.capacity;
    }
  }

  /** The slot where probing for a key starting with the 32 bits `start` begins. */
  private home(start: number): number {
    return (start >>> 0) % this.capacity;
  }

  /** Empty slot `at`, moving back the entries after it that probing would no longer reach. */
  private remove(at: number): void {
    let hole = at;
    for (let next = (hole + 1) % this.capacity; ; next = (next + 1) % this.capacity) {
      const page = this.page(next);
      const offset = offsetOf(next, this.store);
      if (!page[offset]) break;
      const home = this.home(page.readUInt32LE(offset + 1));
      // The entry at `next` stays unless its home lies cyclically outside (hole, next].
      const stays = hole < next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      page.copy(this.page(hole), offsetOf(hole, this.store), offset, offset + SLOT);
      hole = next;
    }
    this.page(hole)[offsetOf(hole, this.store)] = 0;
    this.count--;
  }

  /** Half as large again (not twice: at a million permits that is 36 MB, not 48), in pages. */
  private grow(): void {
    const old = this.pages;
    this.pages = Array.from({ length: Math.ceil(old.length * 1.5) }, () => this.store.take());
    this.capacity = this.pages.length * this.store.slots;
    for (const page of old) {
      for (let offset = 0; offset < page.length; offset += SLOT) {
        if (!page[offset]) continue;
        const entry = page.subarray(offset + 1, offset + SLOT);
        const at = this.find(entry);
        const into = this.page(at);
        into[offsetOf(at, this.store)] = 1;
        into.set(entry, offsetOf(at, this.store) + 1);
      }
    }
    this.store.give(old);
  }
}

/** Where slot `at` begins in its page. */
function offsetOf(at: number, pages: Pages): number {
  return (at % pages.slots) * SLOT;
}
