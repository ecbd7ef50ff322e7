// "No permit, no execution", checked from the ledger alone: a `complete`, `fail` or `unknown` names in `ref` the
// permit of its own call, written before it, repeats what that permit allowed, and each permit runs at most once. Memory holds only
// the permits whose execution is not recorded yet (a crash between dispatch and record leaves one),
// 25 bytes a slot in one table outside the JS heap (PendingPermits): a million permits that never ran
// cost under 40 MB, where a Map of their call ids and leaf hashes took over 400 MB of heap. Each
// receipt's entry (pendingEntry) is hashed where its line is checked, in a verify worker, so the thread
// walking the ledger in order only looks entries up.
import { createHash } from 'node:crypto';
import type { ReceiptBody } from '../receipts/index.js';

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
const SLOT = KEY + VALUE;

/** A permit's slot in the table, or what an execution must find there: its key, then its value (PENDING_ENTRY bytes). */
export type PendingEntry = Uint8Array;
export const PENDING_ENTRY = SLOT;

/** The entry of the permit `leaf` (hex) of `callId` that allowed `ranUnder` (see PendingPermits). */
export function pendingEntry(callId: string, leaf: string, ranUnder: string): PendingEntry {
  const entry = Buffer.allocUnsafe(SLOT);
  createHash('sha256').update(callId).digest().copy(entry, 0, 0, KEY);
  createHash('sha256').update(`${leaf} ${callId} ${ranUnder}`).digest().copy(entry, KEY, 0, VALUE);
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

  constructor(capacity = 64) {
    this.shards = Array.from({ length: SHARDS }, () => new Shard(capacity));
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

/** One open-addressing table of slots (key, value): linear probing, backward-shift deletion. */
class Shard {
  private slots: Buffer;
  private used: Uint8Array;
  private count = 0;

  constructor(private capacity: number) {
    this.slots = Buffer.alloc(capacity * SLOT);
    this.used = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** `entry` (key, value) goes in, replacing the value its key held. */
  put(entry: PendingEntry): void {
    if ((this.count + 1) * 8 > this.capacity * 7) this.grow();
    const at = this.find(entry);
    if (!this.used[at]) this.count++;
    this.used[at] = 1;
    this.slots.set(entry, at * SLOT);
  }

  /** Whether the table holds `entry` (key and value); if so it goes. */
  take(entry: PendingEntry): boolean {
    const at = this.find(entry);
    if (!this.used[at] || this.slots.compare(entry, 0, SLOT, at * SLOT, (at + 1) * SLOT) !== 0) return false;
    this.remove(at);
    return true;
  }

  /** The slot holding the key `entry` begins with, or the empty slot where it would go. */
  private find(entry: Uint8Array): number {
    let at = this.home(entry);
    while (this.used[at] && this.slots.compare(entry, 0, KEY, at * SLOT, at * SLOT + KEY) !== 0) at = (at + 1) % this.capacity;
    return at;
  }

  private home(key: Uint8Array): number {
    return ((key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24)) >>> 0) % this.capacity;
  }

  /** Empty slot `at`, moving back the entries after it that probing would no longer reach. */
  private remove(at: number): void {
    let hole = at;
    for (let next = (hole + 1) % this.capacity; this.used[next]; next = (next + 1) % this.capacity) {
      const home = this.home(this.slots.subarray(next * SLOT, next * SLOT + KEY));
      // The entry at `next` stays unless its home lies cyclically outside (hole, next].
      const stays = hole < next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      this.slots.copy(this.slots, hole * SLOT, next * SLOT, (next + 1) * SLOT);
      this.used[hole] = 1;
      hole = next;
    }
    this.used[hole] = 0;
    this.count--;
  }

  /** Half as large again (not twice: at a million permits that is 36 MB, not 48). */
  private grow(): void {
    const { slots, used, capacity } = this;
    this.capacity = Math.ceil(capacity * 1.5);
    this.slots = Buffer.alloc(this.capacity * SLOT);
    this.used = new Uint8Array(this.capacity);
    for (let i = 0; i < capacity; i++) {
      if (!used[i]) continue;
      const entry = slots.subarray(i * SLOT, (i + 1) * SLOT);
      const at = this.find(entry);
      this.used[at] = 1;
      this.slots.set(entry, at * SLOT);
    }
  }
}
