// The one seam for mutable state (open approvals, pins, limit counters): small enough that a
// PostgreSQL backend can implement it with one table of JSON documents and row locks.
import { ToolgateError } from '../core/errors.js';
import type { ChargeResult, LimitCharge } from '../core/call.js';

export class StoreError extends ToolgateError<'store_failed' | 'store_corrupt' | 'store_closed' | 'invalid_charge'> {}

/** Top-level field equality, the only query the areas above need (a JSONB containment query in SQL). */
export type Match = Record<string, string | number | boolean | null>;

/**
 * Computes the next version of one document from the current one (undefined: absent). Return
 * `current` itself to leave it unchanged, undefined to delete it. Must be synchronous and pure: a
 * backend may run it again when a concurrent writer got there first.
 */
export type Mutation = (current: unknown | undefined) => unknown | undefined;

export interface Store {
  get(collection: string, id: string): Promise<unknown | undefined>;
  find(collection: string, match: Match): Promise<unknown[]>;
  /** Atomic read-modify-write of one document; resolves with the stored version once durable. */
  update(collection: string, id: string, mutation: Mutation): Promise<unknown | undefined>;
  /** Checks every charge against its window and records all of them only if all pass. */
  charge(charges: LimitCharge[], now: Date): Promise<ChargeResult>;
  close(): Promise<void>;
}
