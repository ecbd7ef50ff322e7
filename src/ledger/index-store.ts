// The ledger index (docs/ledger-index.md): fixed-size records in `ledger-index.bin`, held in memory
// (64 bytes per receipt, not the receipts), appended after the ledger's writes are durable and rebuilt
// from the ledger when missing or wrong. Never trusted: every result is read back from its segment
// and checked; a result that does not check out rebuilds the index and the search answers by a scan.
import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { log as defaultLog } from '../log.js';
import { isCallReceipt, leafHash, openPayload, parseEnvelopeJson, type ReceiptBody } from '../receipts/index.js';
import type { ReceiptFact, Surface } from './facts.js';
import { IndexSurfaces } from './index-surfaces.js';
import { listSegments, readLines, type Segment } from './files.js';
import {
  HEADER_BYTES,
  INDEX_MAGIC,
  RECORD_BYTES,
  eventOf,
  fieldsOfBody,
  indexedFieldsOf,
  timeOfRecord,
  positionOf,
  receiptMatches,
  recordMatches,
  matchingRecords,
  writeRecord,
  type ReceiptQuery,
} from './index-record.js';
import { readReceipts, type StoredReceipt } from './reader.js';

export const INDEX_FILE = 'ledger-index.bin';

/**
 * How long records may wait in memory before they are written to the file, and the index may lag the
 * ledger before it reads back receipts it was not handed: one write (or catch-up) then covers every
 * append of that time, so a lone call does not pay a trip of its own to the file. Searches, open and
 * close catch up at once.
 */
const CATCH_UP_AFTER_MS = 250;

/** A receipt the ledger just made durable, where its line is in its segment. */
export interface DurableReceipt {
  body: ReceiptBody;
  offset: number;
  /** Bytes of the line without its `\n`. */
  length: number;
}

/** A receipt and its neighbours in chain order (null at either end). */
export interface ReceiptWithNeighbours {
  receipt: StoredReceipt;
  prev: StoredReceipt | null;
  next: StoredReceipt | null;
}

export interface SearchResult {
  /** The newest `limit` matches, newest first. */
  receipts: StoredReceipt[];
  total: number;
}

const header = (): Buffer => {
  const b = Buffer.alloc(HEADER_BYTES);
  b.write(INDEX_MAGIC, 0, 'ascii');
  return b;
};

function segmentOf(segments: Segment[], seq: number): Segment | undefined {
  return segments.findLast((s) => s.start <= seq);
}

export class LedgerIndex {
  private memory = new ArrayBuffer(HEADER_BYTES * 1024);
  private words = new Uint32Array(this.memory);
  private floats = new Float64Array(this.memory);
  private count = 0;
  /** Records [0, flushed) are in the file; the rest only in memory until the next flush. */
  private flushed = 0;
  /** Serialises catch-ups and rebuilds. */
  private work: Promise<void> = Promise.resolve();
  /** A catch-up is queued or running: receipts handed over meanwhile are left to it. */
  private busy = false;
  private pending = false;
  /** A catch-up or flush waiting out the lag after a write. */
  private timer: NodeJS.Timeout | undefined;
  /** The file; null when opened read-only and there is none. */
  private fd: number | null;
  private readonly surfaces = new IndexSurfaces();

  /**
   * Open (or create) the index of ledger `dir`, whose durable size is `durable()`. Checks what is
   * there; the catch-up to the ledger runs in the background (searches wait for it). Read-only (for
   * a process that does not write the ledger): the file is read if there is one, never written; what
   * it lacks is indexed in memory, up to the last complete line of the ledger.
   */
  constructor(
    private readonly dir: string,
    private readonly durable: () => number,
    private readonly log: Logger,
    private readonly readOnly = false,
  ) {
    this.fd = readOnly ? openIfThere(join(dir, INDEX_FILE)) : openSync(join(dir, INDEX_FILE), 'a+');
    if (!this.load()) this.reset();
    this.catchUpNow();
  }

  /** The index of ledger `dir` for a process that does not write it (a CLI): never writes the file. */
  static readOnly(dir: string, log: Logger): LedgerIndex {
    return new LedgerIndex(dir, () => Number.POSITIVE_INFINITY, log, true);
  }

  /** The number of receipts indexed (may lag the ledger). */
  get size(): number {
    return this.count;
  }

  /** Loads the file; false if it must be rebuilt. */
  private load(): boolean {
    if (this.fd === null) return false;
    const bytes = fstatSync(this.fd).size;
    if (bytes < HEADER_BYTES) return false;
    const head = Buffer.alloc(HEADER_BYTES);
    readSync(this.fd, head, 0, HEADER_BYTES, 0);
    if (!head.equals(header())) return false;
    const records = Math.floor((bytes - HEADER_BYTES) / RECORD_BYTES);
    if (records > this.durable()) return false; // the index never leads the ledger
    this.reserve(records);
    readSync(this.fd, new Uint8Array(this.memory, 0, records * RECORD_BYTES), 0, records * RECORD_BYTES, HEADER_BYTES);
    this.count = records;
    this.flushed = records;
    if (bytes !== HEADER_BYTES + records * RECORD_BYTES && !this.readOnly) ftruncateSync(this.fd, HEADER_BYTES + records * RECORD_BYTES);
    if (records === 0) return true;
    const last = this.readBack(listSegments(this.dir), records - 1);
    return last !== null && recordMatches(this.words, records - 1, fieldsOfBody(last.body));
  }

  private reset(): void {
    if (this.fd !== null && !this.readOnly) {
      ftruncateSync(this.fd, 0);
      writeSync(this.fd, header(), 0, HEADER_BYTES, 0);
    }
    this.count = 0;
    this.flushed = 0;
    this.surfaces.forget(0);
  }

  /** Write the records only in memory to the file. */
  private flush(): void {
    if (this.count <= this.flushed || this.fd === null || this.readOnly) return;
    const bytes = new Uint8Array(this.memory, this.flushed * RECORD_BYTES, (this.count - this.flushed) * RECORD_BYTES);
    writeSync(this.fd, bytes, 0, bytes.length, HEADER_BYTES + this.flushed * RECORD_BYTES);
    this.flushed = this.count;
  }

  private reserve(records: number): void {
    if (records * RECORD_BYTES <= this.memory.byteLength) return;
    let size = this.memory.byteLength;
    while (size < records * RECORD_BYTES) size *= 2;
    const grown = new ArrayBuffer(size);
    new Uint8Array(grown).set(new Uint8Array(this.memory, 0, this.count * RECORD_BYTES));
    this.memory = grown;
    this.words = new Uint32Array(grown);
    this.floats = new Float64Array(grown);
  }

  /** Receipt `seq` read from the ledger at its indexed position, or null if it is not there. */
  private readBack(segments: Segment[], seq: number): StoredReceipt | null {
    const segment = segmentOf(segments, seq);
    if (!segment) return null;
    const { offset, length } = positionOf(this.words, this.floats, seq);
    const line = Buffer.alloc(length);
    let fd: number;
    try {
      fd = openSync(segment.path, 'r');
    } catch {
      return null;
    }
    try {
      if (readSync(fd, line, 0, length, offset) !== length) return null;
      const envelope = parseEnvelopeJson(line.toString('utf8'));
      const { body, payload } = openPayload(envelope);
      if (body.chain.seq !== seq) return null;
      return { file: segment.path, line: seq - segment.start + 1, envelope, body, leafHash: leafHash(payload).toString('hex') };
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /**
   * The ledger made `receipts` durable, the first being receipt `firstSeq`: recorded from what the
   * ledger holds in memory, without reading the lines back; written to the file once the lag has
   * passed. Unless the index is not right behind them (catching up, rebuilding): then they are read
   * back from the ledger by a catch-up, as after a crash.
   */
  appended(firstSeq: number, receipts: DurableReceipt[]): void {
    if (!this.busy && this.count === firstSeq) this.record(receipts);
    this.later();
  }

  private record(receipts: DurableReceipt[]): void {
    try {
      this.reserve(this.count + receipts.length);
      for (const { body, offset, length } of receipts) {
        writeRecord(this.words, this.floats, this.count, fieldsOfBody(body), { offset, length });
        this.count++;
      }
    } catch (err) {
      this.log.warn({ err }, 'ledger index: a receipt could not be recorded; the index is rebuilt');
      this.count = -1;
    }
  }

  /** Once the lag has passed: write what is only in memory, and catch up on what was not handed over. Coalesces. */
  private later(): void {
    if (this.pending || this.timer) return;
    this.timer = setTimeout(() => this.catchUpNow(), CATCH_UP_AFTER_MS);
    this.timer.unref();
  }

  /** Catch up at once (at open, before a search, at close), instead of after the lag. */
  private catchUpNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) return;
    this.pending = true;
    this.busy = true;
    this.work = this.work.then(
      () =>
        new Promise<void>((resolve) =>
          setImmediate(() => {
            this.pending = false;
            this.catchUp().then(
              () => {
                this.busy = this.pending;
                resolve();
              },
              (err: unknown) => {
                this.log.warn({ err }, 'ledger index: catching up failed; it is rebuilt at the next search');
                this.count = -1;
                this.busy = this.pending;
                resolve();
              },
            );
          }),
        ),
    );
  }

  /** Index the durable receipts after the last record, reading them from the ledger; write what is only in memory. */
  private async catchUp(): Promise<void> {
    const target = this.durable();
    if (this.count < 0) this.reset();
    if (this.count < target) await this.readUpTo(target);
    this.flush();
  }

  private async readUpTo(target: number): Promise<void> {
    const segments = listSegments(this.dir);
    const start = this.count;
    let segment = segmentOf(segments, start);
    let offset = 0;
    if (start > 0) {
      const last = positionOf(this.words, this.floats, start - 1);
      if (segmentOf(segments, start - 1) === segment) offset = last.offset + last.length + 1;
    }
    while (segment && this.count < target) {
      for await (const { text, end, terminated } of readLines(segment.path, offset)) {
        if (!terminated || this.count >= target) break;
        const fields = indexedFieldsOf(text);
        if (fields.seq !== this.count) throw new Error(`${segment.path}: expected seq ${this.count}, found ${fields.seq}`);
        this.reserve(this.count + 1);
        writeRecord(this.words, this.floats, this.count, fields, { offset, length: end - offset - 1 });
        offset = end;
        this.count++;
      }
      segment = segments.find((s) => s.start === this.count);
      offset = 0;
    }
  }

  /** Rebuild from the ledger (a result did not check out). */
  private rebuild(): Promise<void> {
    this.log.warn({ dir: this.dir }, 'ledger index does not match the ledger: rebuilding it');
    this.count = -1;
    this.catchUpNow();
    return this.work;
  }

  /** Wait for the index to reach the ledger's durable size. */
  async current(): Promise<void> {
    this.catchUpNow();
    await this.work;
    if (this.count < 0) await this.rebuild();
  }

  /** The newest `limit` receipts matching `q`, newest first, each read back from the ledger and checked. */
  async search(q: ReceiptQuery, limit: number): Promise<SearchResult> {
    await this.current();
    if (this.count < 0) return scanSearch(this.dir, q, limit); // the rebuild failed too (logged)
    const segments = listSegments(this.dir);
    const receipts: StoredReceipt[] = [];
    let total = 0;
    for (const n of matchingRecords(this.words, this.floats, this.count, q)) {
      if (receipts.length < limit) {
        const r = this.readBack(segments, n);
        if (!r) {
          await this.rebuild();
          return scanSearch(this.dir, q, limit);
        }
        // A hash collision: not a match, not a fault.
        if (!receiptMatches(r.body, q)) continue;
        receipts.push(r);
      }
      total++;
    }
    return { receipts, total };
  }

  /** Receipt `id` with its neighbours, read back and checked; null if the ledger has no such receipt. */
  async withNeighbours(id: string): Promise<ReceiptWithNeighbours | null> {
    const found = (await this.search({ id }, 1)).receipts[0];
    if (!found) return null;
    const seq = found.body.chain.seq;
    const segments = listSegments(this.dir);
    const prev = seq > 0 ? this.readBack(segments, seq - 1) : null;
    const next = seq + 1 < this.count ? this.readBack(segments, seq + 1) : null;
    if ((seq > 0 && !prev) || (seq + 1 < this.count && !next)) {
      await this.rebuild();
      return scanNeighbours(this.dir, id);
    }
    return { receipt: found, prev, next };
  }

  async close(): Promise<void> {
    this.catchUpNow();
    await this.work;
    if (this.fd !== null) closeSync(this.fd);
  }

  /** Receipt `seq` read back from the ledger, or null if the index cannot place it. */
  async receiptAt(seq: number): Promise<StoredReceipt | null> {
    await this.current();
    return seq >= 0 && seq < this.count ? this.readBack(listSegments(this.dir), seq) : null;
  }

  /**
   * Every receipt's event, surface and time from the records, in ledger order, after catching up
   * (a FactSource). Reads a receipt only to learn the names of a surface not seen before. False, and
   * the index is rebuilt, when a record does not check out: the caller then scans.
   */
  async visitFacts(visit: (fact: ReceiptFact) => void): Promise<boolean> {
    await this.current();
    if (this.count < 0) return false;
    const segments = listSegments(this.dir);
    const namesOf = (n: number): Surface | null => {
      const r = this.readBack(segments, n);
      if (!r || !isCallReceipt(r.body) || !recordMatches(this.words, n, fieldsOfBody(r.body))) return null;
      return { server: r.body.call.server, tool: r.body.call.tool };
    };
    const ids = this.surfaces.idsUpTo(this.words, this.count, namesOf);
    if (!ids) {
      await this.rebuild();
      return false;
    }
    const fact: ReceiptFact = { event: 'permit', surface: null, tsMs: 0 };
    for (let n = 0; n < this.count; n++) {
      const event = eventOf(this.words, n);
      if (!event) {
        await this.rebuild();
        return false;
      }
      fact.event = event;
      fact.surface = this.surfaces.surface(ids[n]!);
      fact.tsMs = timeOfRecord(this.floats, n);
      visit(fact);
    }
    return true;
  }
}

/**
 * Run `use` with the index of ledger `dir` opened read-only (a process that does not write the
 * ledger, a CLI), or null when it cannot be opened (logged): `use` then scans.
 */
export async function withReadOnlyIndex<T>(dir: string, use: (index: LedgerIndex | null) => Promise<T>, log: Logger = defaultLog): Promise<T> {
  let index: LedgerIndex | null = null;
  try {
    // No ledger there: the scan says so, as without an index.
    if (existsSync(dir)) index = LedgerIndex.readOnly(dir, log);
  } catch (err) {
    log.warn({ err }, 'ledger index cannot be read: reading the whole ledger');
  }
  try {
    return await use(index);
  } finally {
    await index?.close();
  }
}

function openIfThere(path: string): number | null {
  try {
    return openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The same search by reading every receipt: the fallback, and the baseline the index is checked against. */
export async function scanSearch(dir: string, q: ReceiptQuery, limit: number): Promise<SearchResult> {
  const found: StoredReceipt[] = [];
  let total = 0;
  for await (const r of readReceipts(dir)) {
    if (!receiptMatches(r.body, q)) continue;
    total++;
    found.push(r);
    if (found.length > limit) found.shift();
  }
  return { receipts: found.reverse(), total };
}

/** Receipt `id` and its neighbours by reading the ledger in order. */
export async function scanNeighbours(dir: string, id: string): Promise<ReceiptWithNeighbours | null> {
  let prev: StoredReceipt | null = null;
  let found: StoredReceipt | null = null;
  for await (const r of readReceipts(dir)) {
    if (found) return { receipt: found, prev, next: r };
    if (r.body.id === id) found = r;
    else prev = r;
  }
  return found && { receipt: found, prev, next: null };
}
