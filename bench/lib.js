// Shared measuring tools for the benchmarks: timers, medians and percentiles, interleaved rounds,
// and the machine line printed with every table. Benchmarks import from dist/ (built code).
import { closeSync, constants, fdatasyncSync, openSync, write, writeSync } from 'node:fs';
import os from 'node:os';

export function now() {
  return Number(process.hrtime.bigint()) / 1e6; // milliseconds, sub-microsecond resolution
}

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);

/** Run each named scenario `rounds` times, interleaved (A B C C B A ...), so drift hits all alike. */
export async function interleave(scenarios, rounds) {
  const results = Object.fromEntries(Object.keys(scenarios).map((k) => [k, []]));
  const order = Object.entries(scenarios);
  const reversed = [...order].reverse();
  // Every other round in reverse: no scenario always runs right after the same one (and inherits its leftovers).
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of r % 2 ? reversed : order) results[name].push(await run(r));
  }
  return results;
}

export function machine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `Node ${process.version}, ${cpu} x${os.cpus().length}, ${new Date().toISOString().slice(0, 10)}`;
}

/** The machine's load while a bench ran: shared machines are noisy, so every figure says how noisy. */
export function loadAverage() {
  return `Load average while measuring: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} (1/5/15 min) on ${os.cpus().length} cores.`;
}

export function fmt(n, digits = 3) {
  if (!Number.isFinite(n)) return 'n/a';
  return n >= 100 ? n.toFixed(0) : n.toPrecision(digits);
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A receipt-sized line: what the floors below (and gateway-stages' pooled write) write. */
export const RECEIPT_SIZED_LINE = Buffer.from(`${'x'.repeat(1100)}\n`);

/**
 * The floor for one durable append on this disk: `count` times a bare 1.1 kB append to `path` and its
 * fdatasync, on the event loop, with no sealing and no signing. The time of each (ms).
 */
export function bareAppendSyncs(path, count) {
  const fd = openSync(path, 'a', 0o600);
  const samples = [];
  try {
    for (let i = 0; i < count; i++) {
      const t0 = now();
      writeSync(fd, RECEIPT_SIZED_LINE);
      fdatasyncSync(fd);
      samples.push(now() - t0);
    }
  } finally {
    closeSync(fd);
  }
  return samples;
}

/**
 * The floor for durable appends with concurrent callers on this disk: group commit of `count` unsigned
 * receipt-sized lines by `callers` callers into an O_DSYNC file (each write carries the lines queued
 * while the last one ran), with no sealing and no signing. Appends/s; a ledger's rate divided by it,
 * measured in the same rounds, says what the ledger costs beyond the disk whatever the machine's load.
 */
export async function groupCommitRate(path, count, callers = 64) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC, 0o600);
  let queue = [];
  let writing = false;
  const flush = () => {
    if (writing || !queue.length) return;
    writing = true;
    const batch = queue;
    queue = [];
    write(fd, Buffer.concat(batch.map(() => RECEIPT_SIZED_LINE)), (err) => {
      writing = false;
      for (const settle of batch) settle(err);
      flush();
    });
  };
  const append = () =>
    new Promise((resolve, reject) => {
      queue.push((err) => (err ? reject(err) : resolve()));
      setImmediate(flush);
    });
  let n = 0;
  const t = now();
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (n++ < count) await append();
    }),
  );
  const rate = count / ((now() - t) / 1000);
  closeSync(fd);
  return rate;
}
