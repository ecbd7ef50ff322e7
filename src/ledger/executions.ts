// "No permit, no execution", checked from the ledger alone: a `complete`, `fail` or `unknown` names in `ref` the
// permit of its own call, written before it, repeats what that permit allowed, and each permit runs at most once. Memory holds only
// the permits whose execution is not recorded yet (a crash between dispatch and record leaves one),
// 25 bytes a slot in one table outside the JS heap (PendingPermits): a million permits that never ran
// cost under 40 MB, where a Map of their call ids and leaf hashes took over 400 MB of heap.
import { createHash } from 'node:crypto';
import type { LineFacts } from './verify-line.js';

export class Executions {
  private readonly waiting = new PendingPermits();

  /** A receipt in ledger order, with its leaf hash (hex); returns what is wrong with it, if anything. */
  take(facts: LineFacts, leaf: string): string | undefined {
    if (facts.event === 'permit') this.waiting.put(facts.callId!, leaf, facts.ranUnder!);
    if (facts.event !== 'complete' && facts.event !== 'fail' && facts.event !== 'unknown') return undefined;
    if (facts.ref === undefined || !this.waiting.take(facts.callId!, facts.ref, facts.ranUnder!)) {
      return `${facts.event} of call ${facts.callId} does not name (ref) a permit of that call written before it, not executed yet and with the same policy, approval, break_glass, constraints and call hashes`;
    }
    return undefined;
  }
}

const KEY = 8;
const VALUE = 16;
const SLOT = KEY + VALUE;

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

  /** The permit `leaf` of `callId` waits for its execution (it replaces an earlier one of that call). */
  put(callId: string, leaf: string, ranUnder: string): void {
    const key = callKey(callId);
    this.shards[key[KEY - 1]! % SHARDS]!.put(key, permitValue(callId, leaf, ranUnder));
  }

  /** Whether `leaf` is the permit of `callId` waiting for an execution that ran under what it allowed; if so it no longer waits. */
  take(callId: string, leaf: string, ranUnder: string): boolean {
    const key = callKey(callId);
    return this.shards[key[KEY - 1]! % SHARDS]!.take(key, permitValue(callId, leaf, ranUnder));
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

  put(key: Buffer, value: Buffer): void {
    if ((this.count + 1) * 8 > this.capacity * 7) this.grow();
    const at = this.find(key);
    if (!this.used[at]) this.count++;
    this.used[at] = 1;
    key.copy(this.slots, at * SLOT);
    value.copy(this.slots, at * SLOT + KEY);
  }

  /** Whether `key` holds `value`; if so the entry goes. */
  take(key: Buffer, value: Buffer): boolean {
    const at = this.find(key);
    if (!this.used[at] || !value.equals(this.slots.subarray(at * SLOT + KEY, (at + 1) * SLOT))) return false;
    this.remove(at);
    return true;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: Buffer): number {
    let at = this.home(key);
    while (this.used[at] && !key.equals(this.slots.subarray(at * SLOT, at * SLOT + KEY))) at = (at + 1) % this.capacity;
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
      const at = this.find(entry.subarray(0, KEY));
      this.used[at] = 1;
      entry.copy(this.slots, at * SLOT);
    }
  }
}

function callKey(callId: string): Buffer {
  return createHash('sha256').update(callId).digest().subarray(0, KEY);
}

function permitValue(callId: string, leaf: string, ranUnder: string): Buffer {
  return createHash('sha256').update(`${leaf} ${callId} ${ranUnder}`).digest().subarray(0, VALUE);
}
