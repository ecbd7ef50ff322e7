// Parallel line checking for `ledger verify`: blocks of whole lines go round-robin to worker threads
// (as bytes, so that no line is decoded or copied as text on the way) and their results come back in
// order, packed (verify-results.ts). The workers have small heaps; this thread does not check lines itself when workers run,
// because its default young generation would then grow by some 30 MB (measured at a million
// receipts). At most a few blocks are in flight, and their memory goes round: a block's buffer comes
// back with its results, and the results' records go back out with a later block, so that verifying
// allocates no buffer per block (buffers that outlive a young-generation collection wait for a full
// one, which an otherwise quiet heap seldom runs: tens of MB at a million receipts). With one thread,
// or when the compiled worker is not available (running from TypeScript sources), every block is
// checked here.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keyring } from '../receipts/index.js';
import { countLines, linesOf } from './files.js';
import { checkLine } from './verify-line.js';
import { ResultsPacker, roomFor, type PackedResults } from './verify-results.js';

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

export interface LineChecker {
  /** Queue a block of whole lines (files.ts LineBlock, copied if kept); its results come back from `drain` in order, one per line. */
  push(block: Uint8Array): void;
  /** The results of the blocks checked so far (all of them when `final`), in order; valid until the next `push` or `drain`, which reuse their memory. */
  drain(final: boolean): Promise<PackedResults[]>;
  close(): Promise<void>;
}

/** The results of a block, each line checked in this thread (verify-worker.ts does the same there), packed into `spare` when it is large enough. */
export function checkBlock(block: Uint8Array, keyring: Keyring, spare?: ArrayBuffer): PackedResults {
  const packer = new ResultsPacker(countLines(block), spare);
  for (const { text } of linesOf(block)) packer.add(checkLine(text, keyring));
  return packer.results();
}

/** Buffers of earlier blocks and results, kept for the next ones. */
class Spares {
  private readonly buffers: ArrayBuffer[] = [];

  give(buffer: ArrayBuffer): void {
    this.buffers.push(buffer);
  }

  /** A spare buffer of `bytes` or more, if one is kept. */
  take(bytes = 0): ArrayBuffer | undefined {
    const i = this.buffers.findIndex((b) => b.byteLength >= bytes);
    return i < 0 ? undefined : this.buffers.splice(i, 1)[0];
  }
}

/** `threads` worker threads check the lines (this thread, when `threads` is below 2). */
export function lineChecker(keyring: Keyring, threads = Math.min(availableParallelism(), 4)): LineChecker {
  const blocks = new Spares();
  const records = new Spares();
  const workers = threads >= 2 && existsSync(fileURLToPath(WORKER_URL)) ? startWorkers(keyring, threads, blocks) : [];
  const inFlight: Promise<PackedResults>[] = [];
  let handedOut: PackedResults[] = [];
  const reclaim = () => {
    for (const results of handedOut) records.give(results.records.buffer as ArrayBuffer);
    handedOut = [];
  };
  let next = 0;
  return {
    push(block) {
      reclaim();
      if (!workers.length) {
        inFlight.push(Promise.resolve(checkBlock(block, keyring, records.take())));
        return;
      }
      // A copy of its own, moved to the worker with its memory.
      const own = new Uint8Array(blocks.take(block.length) ?? new ArrayBuffer(roomFor(block.length)), 0, block.length);
      own.set(block);
      inFlight.push(workers[next++ % workers.length]!.check(own, records.take()));
    },
    async drain(final) {
      reclaim();
      // Keep up to two blocks per worker in flight; wait for the oldest beyond that.
      while (inFlight.length > (final ? 0 : workers.length * 2)) handedOut.push(await inFlight.shift()!);
      return handedOut;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}

interface BlockWorker {
  check(block: Uint8Array, spareRecords: ArrayBuffer | undefined): Promise<PackedResults>;
  close(): Promise<number>;
}

/** What a worker gets: a block to check, and a buffer to pack its results into if large enough. */
export interface BlockMessage {
  id: number;
  block: Uint8Array;
  spare?: ArrayBuffer;
}

/** What a worker answers: the block's results, and the block's buffer back. */
export interface ResultsMessage {
  id: number;
  results: PackedResults;
  block: ArrayBuffer;
}

function startWorkers(keyring: Keyring, count: number, spareBlocks: Spares): BlockWorker[] {
  // Small heaps: a worker holds one block at a time, and default young generations would cost tens of MB each.
  const resourceLimits = { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 32 };
  return Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL, { workerData: keyring.file, resourceLimits });
    const waiting = new Map<number, { resolve: (results: PackedResults) => void; reject: (err: unknown) => void }>();
    let nextId = 0;
    worker.on('message', (m: ResultsMessage) => {
      spareBlocks.give(m.block);
      const settle = waiting.get(m.id)!;
      waiting.delete(m.id);
      settle.resolve(m.results);
    });
    worker.on('error', (err) => waiting.forEach((p) => p.reject(err)));
    return {
      check(block, spare) {
        const id = nextId++;
        return new Promise<PackedResults>((resolve, reject) => {
          waiting.set(id, { resolve, reject });
          const message: BlockMessage = { id, block, spare };
          worker.postMessage(message, spare ? [block.buffer as ArrayBuffer, spare] : [block.buffer as ArrayBuffer]);
        });
      },
      close: () => worker.terminate(),
    };
  });
}
