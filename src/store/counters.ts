// Limit counters as sliding-window logs: each counter keeps the (time, amount) of the charges still
// inside its window, so a rate of 60/1m means at most 60 calls in any 60 s, not per clock minute.
import type { ChargedLimit, ChargeResult, LimitCharge } from '../core/call.js';
import { StoreError } from './store.js';

/** One counter's log: parallel arrays of epoch milliseconds and amounts, oldest first. */
export interface CounterLog {
  at: number[];
  amount: number[];
}

export type Counters = Record<string, CounterLog>;

function assertChargeable(charge: LimitCharge): void {
  const { amount, max, windowMs } = charge;
  const bad = !Number.isFinite(amount) || amount < 0 || !Number.isFinite(max) || !(windowMs > 0);
  if (bad) {
    throw new StoreError(
      'invalid_charge',
      `limit ${charge.ruleId} (${charge.key}): amount ${amount}, max ${max} and window ${windowMs} ms must be finite and non-negative`,
    );
  }
}

function usedInWindow(log: CounterLog | undefined, since: number): number {
  if (!log) return 0;
  let used = 0;
  for (let i = log.at.length - 1; i >= 0 && log.at[i]! > since; i--) used += log.amount[i]!;
  return used;
}

/**
 * Applies the charges to `counters` in place when all of them fit (charges on the same key in one
 * call add up), and leaves `counters` untouched otherwise. Synchronous, so it is atomic in-process.
 */
export function applyCharges(counters: Counters, charges: LimitCharge[], now: Date): ChargeResult {
  const t = now.getTime();
  const pending = new Map<string, number>();
  const charged: ChargedLimit[] = [];
  for (const charge of charges) {
    assertChargeable(charge);
    const before = usedInWindow(counters[charge.key], t - charge.windowMs) + (pending.get(charge.key) ?? 0);
    if (before + charge.amount > charge.max) return { ok: false, charge, used: before };
    pending.set(charge.key, (pending.get(charge.key) ?? 0) + charge.amount);
    charged.push({ charge, used: before + charge.amount });
  }
  for (const charge of charges) {
    const log = prune(counters[charge.key], t - charge.windowMs);
    log.at.push(t);
    log.amount.push(charge.amount);
    counters[charge.key] = log;
  }
  return { ok: true, charged };
}

/** Drops the entries that left the window (a fresh log when there is none yet). */
function prune(log: CounterLog | undefined, since: number): CounterLog {
  if (!log) return { at: [], amount: [] };
  let first = 0;
  while (first < log.at.length && log.at[first]! <= since) first++;
  return { at: log.at.slice(first), amount: log.amount.slice(first) };
}
