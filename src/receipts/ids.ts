// Receipt ids: "rcpt_" + a ULID (48-bit millisecond time, 80 random bits, Crockford base32), so ids
// sort roughly by time and never collide in practice.
import { randomFillSync } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// One getrandom call per 256 ids: per-id calls were a visible share of the ledger's append cost.
const pool = Buffer.alloc(16 * 256);
let used = pool.length;

function random16(): Buffer {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

export function ulid(nowMs: number = Date.now()): string {
  let time = '';
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = random16();
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[random[i]! & 31];
  return time + rest;
}

export function newReceiptId(nowMs?: number): string {
  return `rcpt_${ulid(nowMs)}`;
}
