// The append side of segment files: write a batch of lines (rolling over to a new segment every
// `segmentReceipts` lines) and report how many lines became durable. Segments are opened O_DSYNC, so
// each write returns only once its data is as durable as after an fdatasync, in one trip to the
// thread pool: the event loop keeps running meanwhile. A failed write is cut back to the last durable
// byte, so a later success continues the file cleanly.
import { closeSync, constants, fdatasyncSync, ftruncateSync, openSync, write } from 'node:fs';
import { basename, join } from 'node:path';
import type { Logger } from 'pino';
import { syncDirectory } from '../core/durable.js';
import { traceStage } from '../core/stage-trace.js';
import { LedgerError } from './errors.js';
import { segmentName } from './files.js';

// O_DSYNC: every write carries its own fdatasync (O_SYNC, stronger, where O_DSYNC is missing).
const SEGMENT_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_DSYNC ?? constants.O_SYNC);

interface OpenSegment {
  fd: number;
  path: string;
  count: number;
  bytes: number;
}

/** Write `data[offset, end)` at the file's end; how many bytes went. */
function writeAsync(fd: number, data: Uint8Array, offset: number, end: number): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, data, offset, end - offset, null, (err, n) => {
      traceStage('ledger: O_DSYNC write done (thread pool callback)');
      if (err) reject(err);
      else resolve(n);
    }),
  );
}

export class SegmentWriter {
  private segment: OpenSegment | null = null;
  /** Set when a failed write could not be cut back: the file state is unknown, so nothing more is written. */
  broken: Error | null = null;

  constructor(
    private readonly dir: string,
    private readonly segmentReceipts: number,
    private readonly log: Logger,
    tail: { path: string; count: number; bytes: number } | null,
  ) {
    if (tail) this.segment = { fd: openSync(tail.path, SEGMENT_FLAGS, 0o600), ...tail };
  }

  /** Where the next receipt goes: the resume hint stored with checkpoints. */
  get position(): { segment: string; offset: number } {
    return this.segment ? { segment: basename(this.segment.path), offset: this.segment.bytes } : { segment: segmentName(0), offset: 0 };
  }

  /**
   * Write envelope lines for receipts `firstSeq...` (`data`, the lines' byte lengths in order); how
   * many became durable, where each of those begins in its segment (the ledger hands them to its
   * index, docs/ledger-index.md), and why not all. One call at a time: the caller awaits each before
   * the next (the file offset and counts are this object's).
   */
  async write(data: Uint8Array, lineLengths: number[], firstSeq: number): Promise<{ written: number; offsets: number[]; failure: Error | null }> {
    const offsets: number[] = [];
    let done = 0;
    let start = 0;
    while (done < lineLengths.length) {
      let segment = this.segment;
      try {
        if (!segment || segment.count >= this.segmentReceipts) segment = this.rollOver(firstSeq + done);
      } catch (err) {
        return { written: done, offsets, failure: err as Error };
      }
      const take = Math.min(lineLengths.length - done, this.segmentReceipts - segment.count);
      let end = start;
      for (let i = done; i < done + take; i++) end += lineLengths[i]!;
      try {
        for (let off = start; off < end; ) off += await writeAsync(segment.fd, data, off, end);
      } catch (err) {
        this.cutBack(segment);
        return { written: done, offsets, failure: new LedgerError('ledger_io', `cannot write ${segment.path}: ${(err as Error).message}`, { cause: err }) };
      }
      for (let i = done; i < done + take; i++) {
        offsets.push(segment.bytes);
        segment.bytes += lineLengths[i]!;
      }
      segment.count += take;
      done += take;
      start = end;
    }
    return { written: done, offsets, failure: null };
  }

  close(): void {
    if (this.segment) closeSync(this.segment.fd);
    this.segment = null;
  }

  private cutBack(segment: OpenSegment): void {
    try {
      ftruncateSync(segment.fd, segment.bytes);
      fdatasyncSync(segment.fd);
    } catch (err) {
      this.broken = err as Error;
      this.log.error({ file: segment.path, err }, 'ledger: cannot cut back a failed write; no more receipts will be written');
    }
  }

  /** Start the segment whose first receipt is `start`; the directory entry is made durable too. */
  private rollOver(start: number): OpenSegment {
    const path = join(this.dir, segmentName(start));
    try {
      const next = { fd: openSync(path, SEGMENT_FLAGS, 0o600), path, count: 0, bytes: 0 };
      syncDirectory(this.dir);
      if (this.segment) closeSync(this.segment.fd);
      this.segment = next;
      return next;
    } catch (err) {
      throw new LedgerError('ledger_io', `cannot create ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
}
