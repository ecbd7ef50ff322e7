// Parallel line checking for `ledger verify`: blocks of whole lines go round-robin to worker threads
// (as bytes, so that no line is decoded or copied as text on the way) and their results come back in
// order, packed (verify-results.ts). The workers have small heaps; this thread does not check lines itself when workers run,
// because its default young generation would then grow by some 30 MB (measured at a million
// receipts). At most a few blocks are in flight, so memory stays bounded on any ledger. With one
// thread, or when the compiled worker is not available (running from TypeScript sources), every
// block is checked here.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../receipts/index.js';
import { linesOf } from './files.js';
import { checkLine, type LineResult } from './verify-line.js';
import { packResults, type PackedResults } from './verify-results.js';

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

export interface LineChecker {
  /** Queue a block of whole lines (files.ts LineBlock, copied if kept); its results come back from `drain` in order, one per line. */
  push(block: Uint8Array): void;
  /** The results of the blocks checked so far (all of them when `final`), in order. */
  drain(final: boolean): Promise<PackedResults[]>;
  close(): Promise<void>;
}

/** The results of a block, each line checked in this thread (verify-worker.ts does the same there). */
export function checkBlock(block: Uint8Array, keyring: Keyring): PackedResults {
  const results: LineResult[] = [];
  for (const { text } of linesOf(block)) results.push(checkLine(text, keyring));
  return packResults(results);
}

/** `threads` worker threads check the lines (this thread, when `threads` is below 2). */
export function lineChecker(keyring: Keyring, threads = Math.min(availableParallelism(), 4)): LineChecker {
  const workers = threads >= 2 && existsSync(fileURLToPath(WORKER_URL)) ? startWorkers(keyring, threads) : [];
  const inFlight: Promise<PackedResults>[] = [];
  let next = 0;
  return {
    push(block) {
      inFlight.push(workers.length ? workers[next++ % workers.length]!.check(block) : Promise.resolve(checkBlock(block, keyring)));
    },
    async drain(final) {
      const out: PackedResults[] = [];
      // Keep up to two blocks per worker in flight; wait for the oldest beyond that.
      while (inFlight.length > (final ? 0 : workers.length * 2)) out.push(await inFlight.shift()!);
      return out;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

interface BlockWorker {
  check(block: Uint8Array): Promise<PackedResults>;
  close(): Promise<number>;
}

function startWorkers(keyring: Keyring, count: number): BlockWorker[] {
  // Small heaps: a worker holds one block at a time, and default young generations would cost tens of MB each.
  const resourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 };
  return Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL, { workerData: keyring.file, resourceLimits });
    const waiting = new Map<number, { resolve: (results: PackedResults) => void; reject: (err: unknown) => void }>();
    let nextId = 0;
    worker.on('message', (m: { id: number; results: PackedResults }) => {
      const settle = waiting.get(m.id)!;
      waiting.delete(m.id);
      settle.resolve(m.results);
    });
    worker.on('error', (err) => waiting.forEach((p) => p.reject(err)));
    return {
      check(block) {
        const id = nextId++;
        // Moved, not cloned: a copy of its own whose memory goes to the worker with it.
        const own = new Uint8Array(block);
        return new Promise<PackedResults>((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          worker.postMessage({ id, block: own }, [own.buffer]);
        });
      },
      close: () => worker.terminate(),
    };
  });
}
