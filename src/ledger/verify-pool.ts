// Parallel line checking for `ledger verify`: batches of lines go round-robin to worker threads and
// come back in order. At most a few batches are in flight, so memory stays bounded on any ledger.
// When the compiled worker is not available (running from TypeScript sources) lines are checked in
// this thread instead.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../receipts/index.js';
import { checkLine, type LineResult } from './verify-line.js';

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);
const BATCH = 256;

export interface LineChecker {
  /** Queue a line; results come back from `drain` in the order lines were pushed. */
  push(text: string): void;
  /** Results ready so far (all of them when `final`). */
  drain(final: boolean): Promise<LineResult[]>;
  close(): Promise<void>;
}

export function lineChecker(keyring: Keyring, threads = Math.min(availableParallelism(), 4)): LineChecker {
  if (threads < 2 || !existsSync(fileURLToPath(WORKER_URL))) {
    const ready: LineResult[] = [];
    return { push: (text) => void ready.push(checkLine(text, keyring)), drain: async () => ready.splice(0), close: async () => {} };
  }
  // Small heaps: a worker holds one batch at a time, and default young generations would cost tens of MB each.
  const resourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 };
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_URL, { workerData: keyring.file, resourceLimits }));
  const waiting = new Map<number, { resolve: (results: LineResult[]) => void; reject: (err: unknown) => void }>();
  for (const w of workers) {
    w.on('message', (m: { id: number; results: LineResult[] }) => waiting.get(m.id)!.resolve(m.results));
    w.on('error', (err) => waiting.forEach((p) => p.reject(err)));
  }
  const inFlight: Promise<LineResult[]>[] = [];
  let batch: string[] = [];
  let nextId = 0;
  const send = () => {
    const id = nextId++;
    const lines = batch;
    batch = [];
    inFlight.push(
      new Promise<LineResult[]>((resolve, reject) => {
        const done = (results: LineResult[]) => {
          waiting.delete(id);
          // Buffers come back as Uint8Arrays through structured clone.
          resolve(results.map((r) => (r.ok ? { ...r, leaf: Buffer.from(r.leaf) } : r)));
        };
        waiting.set(id, { resolve: done, reject });
        workers[id % workers.length]!.postMessage({ id, lines });
      }),
    );
  };
  return {
    push(text) {
      batch.push(text);
      if (batch.length >= BATCH) send();
    },
    async drain(final) {
      if (final && batch.length) send();
      const out: LineResult[] = [];
      // Keep up to two batches per worker in flight; wait for the oldest beyond that.
      while (inFlight.length > (final ? 0 : workers.length * 2)) out.push(...(await inFlight.shift()!));
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
