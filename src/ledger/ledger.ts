// The ledger writer: appends receipts to segment files with group commit, keeps the hash chain and
// the Merkle frontier, and signs checkpoints every N receipts, every T and at close. Appends go
// through a pipeline: queued appends are sealed (seq, prev, leaf hash) at the next turn of the event
// loop in batches of at most MAX_BATCH, signed (batch.ts: large batches on the signer's worker
// thread), and written in order, all ready batches in one write, off the event loop
// (segment-writer.ts). So batch k+1 is sealed and signed while batch k is being made durable.
// An append resolves only once the synchronized write carrying its receipt returned: no durable
// receipt, no execution. A failed write refuses exactly the receipts it carried; batches sealed
// behind them are sealed again against the durable chain head and written next.
import { mkdirSync } from 'node:fs';
import type { Logger } from 'pino';
import { traceStage } from '../core/index.js';
import { ulid, type ReceiptDraft, type Signer } from '../receipts/index.js';
import { originOf, signCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { CheckpointLog } from './checkpoint-log.js';
import { SegmentWriter } from './segment-writer.js';
import { acquireLock } from './lock.js';
import { LedgerIndex } from './index-store.js';
import type { Frontier } from './merkle.js';
import { recoverChain } from './recover.js';
import { assertAssignedFields, batchLength, sealBatch, signBatch, type AppendedReceipt, type Batch, type ChainHead, type Pending } from './batch.js';

export type { AppendedReceipt } from './batch.js';

export interface LedgerOptions {
  dir: string;
  signer: Signer;
  /** The issuer id written into every receipt (the config's `name`). */
  issuerId: string;
  checkpointEvery?: number;
  checkpointIntervalMs?: number;
  segmentReceipts?: number;
  log: Logger;
  /** Told of each checkpoint once it is durable (witness submission); must only record it and return. */
  onCheckpoint?: (note: string) => void;
  /** Keep the search index beside the ledger (docs/ledger-index.md); default true. */
  index?: boolean;
}

/** The most appends sealed into one batch: bigger bursts are cut so that sealing, signing and writing overlap. */
const MAX_BATCH = 32;
/** Batches out for signing at once: one being signed, one waiting, so the worker never idles. */
const SIGNING_DEPTH = 2;

export class Ledger {
  /** Appended, not sealed yet: sealed together at the next turn of the event loop. */
  private queue: Pending[] = [];
  private scheduled = false;
  /** Sealed batches not durable yet, in chain order; the writer takes ready ones from the front. */
  private inflight: Batch[] = [];
  /** Batches out for signing on the worker thread; beyond SIGNING_DEPTH, full batches are signed inline. */
  private signing = 0;
  private writing = false;
  /** Where the next sealed receipt goes; runs ahead of the durable state by the in-flight batches. */
  private head: ChainHead;
  /** The last group commit's write failure, cleared by the next successful one. */
  private lastFailure: Error | null = null;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  /** Asked for a checkpoint now (checkpointNow) while a write was under way: answered when it ends. */
  private checkpointWaiters: Array<{ resolve: (size: number) => void; reject: (err: Error) => void }> = [];
  private readonly timer: NodeJS.Timeout;
  private readonly checkpoints: CheckpointLog;
  /** The search index beside the ledger (docs/ledger-index.md); null if it could not be opened (logged). */
  readonly index: LedgerIndex | null;

  private constructor(
    private readonly opts: Required<LedgerOptions>,
    private signer: Signer,
    readonly chainId: string,
    private size_: number,
    private prev: Buffer | null,
    private readonly frontier: Frontier,
    private lastCheckpointSize: number,
    private readonly segments: SegmentWriter,
    private readonly release: () => void,
  ) {
    this.head = { size: size_, prev, signer };
    this.checkpoints = new CheckpointLog(opts.dir, opts.log);
    this.index = opts.index ? openIndex(opts.dir, () => this.size_, opts.log) : null;
    this.timer = setInterval(() => this.checkpointIfBehind(), opts.checkpointIntervalMs).unref();
  }

  static async open(options: LedgerOptions): Promise<Ledger> {
    const opts = {
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      segmentReceipts: 100_000,
      index: true,
      ...options,
      onCheckpoint: options.onCheckpoint ?? (() => {}),
    };
    try {
      mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new LedgerError('ledger_io', `cannot create ledger directory ${opts.dir}: ${(err as Error).message}`, { cause: err });
    }
    const release = acquireLock(opts.dir);
    try {
      const state = await recoverChain(opts.dir, opts.log, opts.signer.authority ?? opts.signer);
      const chainId = state.chainId ?? `chain_${ulid()}`;
      assertAssignedFields(opts.issuerId, chainId, opts.signer.keyId);
      const tail = state.tail && { path: state.tail.segment.path, count: state.tail.count, bytes: state.tail.bytes };
      const segments = new SegmentWriter(opts.dir, opts.segmentReceipts, opts.log, tail);
      return new Ledger(opts, opts.signer, chainId, state.size, state.prev, state.frontier, state.lastCheckpointSize, segments, release);
    } catch (err) {
      release();
      throw err;
    }
  }

  /** Receipts durably in the ledger. */
  get size(): number {
    return this.size_;
  }

  /** For readiness probes: false while the last write failed (disk full, unwritable) or after a fatal one. */
  writable(): { ok: boolean; detail: string } {
    const problem = this.segments.broken ?? this.lastFailure;
    return problem ? { ok: false, detail: `ledger write failed: ${problem.message}` } : { ok: true, detail: `${this.size_} receipts` };
  }

  get keyId(): string {
    return this.signer.keyId;
  }

  append(draft: ReceiptDraft): Promise<AppendedReceipt> {
    return this.enqueue(draft);
  }

  /** Record a key hand-over: `draft` is signed by the current key, every later receipt by `next`. */
  rotateSigner(draft: ReceiptDraft, next: Signer): Promise<AppendedReceipt> {
    try {
      assertAssignedFields(this.opts.issuerId, this.chainId, next.keyId);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.enqueue(draft, next);
  }

  private enqueue(draft: ReceiptDraft, switchTo?: Signer): Promise<AppendedReceipt> {
    if (this.closed) return Promise.reject(new LedgerError('ledger_closed', 'the ledger is closed: no receipt can be written'));
    traceStage('ledger: receipt queued');
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, switchTo, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    // While the worker is backed up, appends gather into one batch, unless a full one is waiting.
    if (this.scheduled || !this.queue.length || (this.signing >= SIGNING_DEPTH && this.queue.length < MAX_BATCH)) return;
    this.scheduled = true;
    // setImmediate, not a microtask: appends arriving from all I/O callbacks of this loop turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.sealQueued();
    });
  }

  /**
   * Seal up to MAX_BATCH queued appends into the next batch and get it signed; the writer picks it up
   * when ready. The rest waits for the next turn, so the first part is being signed and written
   * while the next is sealed.
   */
  private sealQueued(): void {
    traceStage('ledger: sealing starts');
    const pendings = this.queue.splice(0, batchLength(this.queue, MAX_BATCH));
    const broken = this.segments.broken;
    if (broken) {
      for (const p of pendings) p.reject(new LedgerError('ledger_io', `the ledger stopped after a failed write (${broken.message}); restart to recover`));
    } else if (pendings.length) {
      this.renewSigner();
      const { batch, head } = sealBatch(pendings, this.head, this.opts.issuerId, this.chainId);
      this.head = head;
      traceStage('ledger: sealed');
      if (batch.receipts.length) {
        this.inflight.push(batch);
        const offThread = signBatch(batch, this.signing >= SIGNING_DEPTH);
        traceStage('ledger: signed');
        if (offThread) {
          this.signing++;
          void offThread.then(() => {
            this.signing--;
            this.schedule();
            this.pump();
          });
        }
      }
    }
    this.schedule();
    this.pump();
  }

  /**
   * A certified receipt key near the end of its certificate gives way to its certified successor: no
   * receipt records it (each receipt carries its own certificate). Not while a hand-over is on its way.
   */
  private renewSigner(): void {
    const next = this.head.signer === this.signer ? this.signer.renewed?.() : undefined;
    if (!next) return;
    this.signer.retire?.();
    this.signer = next;
    this.head = { ...this.head, signer: next };
  }

  /** Start the next write if the writer is free and batches at the front are signed. */
  private pump(): void {
    if (this.writing) return;
    const first = this.inflight[0];
    if (first?.failure) {
      this.inflight.shift();
      for (const r of first.receipts) r.pending.reject(first.failure);
      this.resealInflight();
      return;
    }
    let ready = 0;
    while (this.inflight[ready]?.signed) ready++;
    if (ready) void this.write(this.inflight.splice(0, ready));
    else if (!this.inflight.length && !this.queue.length && !this.scheduled && !this.signing) this.idleWaiters.splice(0).forEach((w) => w());
  }

  /** One durable write for ready batches; then settle each receipt in order. */
  private async write(batches: Batch[]): Promise<void> {
    this.writing = true;
    const receipts = batches.flatMap((b) => b.receipts);
    const signed = batches.map((b) => b.signed!);
    const data = signed.length === 1 ? signed[0]!.lines : Buffer.concat(signed.map((s) => s.lines));
    const firstSeq = this.size_;
    const lineLengths = signed.flatMap((s) => s.lineLengths);
    traceStage('ledger: write issued');
    const { written, offsets, failure } = await this.segments
      .write(data, lineLengths, firstSeq)
      .catch((err: unknown) => ({ written: 0, offsets: [], failure: err as Error }));
    traceStage('ledger: write returned to the ledger');
    this.lastFailure = failure;
    for (const [i, r] of receipts.entries()) {
      if (i < written) {
        this.frontier.add(r.leaf);
        this.prev = r.leaf;
        this.size_++;
        if (r.pending.switchTo) this.signer = r.pending.switchTo;
        r.pending.resolve(r.receipt);
      } else {
        r.pending.reject(new LedgerError('ledger_io', `receipt not written, the call is refused: ${failure?.message}`, { cause: failure }));
      }
    }
    // After the acknowledgements: indexing is never on the durable path. The index takes the
    // receipts from memory, not from the disk.
    if (written)
      this.index?.appended(
        firstSeq,
        offsets.map((offset, i) => ({ body: receipts[i]!.receipt.body, offset, length: lineLengths[i]! - 1 })),
      );
    if (failure) this.resealInflight();
    if (this.size_ - this.lastCheckpointSize >= this.opts.checkpointEvery) this.checkpoint();
    if (this.checkpointWaiters.length) this.answerCheckpointWaiters();
    this.writing = false;
    this.pump();
  }

  /**
   * After a refused batch, the batches sealed behind it link to receipts that will never exist: they
   * go back to the front of the queue, in order, to be sealed again against the durable chain head.
   */
  private resealInflight(): void {
    const later = this.inflight.splice(0);
    this.queue.unshift(...later.flatMap((b) => b.receipts.map((r) => r.pending)));
    this.head = { size: this.size_, prev: this.prev, signer: this.signer };
    this.schedule();
    this.pump();
  }

  private checkpointIfBehind(): void {
    // Not during a write: the segment position may already count lines the chain state does not yet.
    if (!this.closed && !this.writing && this.size_ > this.lastCheckpointSize) this.checkpoint();
  }

  /** Sign and durably store a checkpoint over every durable receipt. A failure is logged, not fatal. */
  private checkpoint(): void {
    // Not while a key hand-over is sealed but not durable: the old key must not sign after it; the
    // next write's checkpoint comes after the hand-over, signed by the new key.
    if (this.head.signer !== this.signer) return;
    const size = this.size_;
    // A certified receipt key's long-term key signs checkpoints: a signed note names a keyring key.
    const signer = this.signer.authority ?? this.signer;
    const note = signCheckpoint({ origin: originOf(this.chainId), size, root: this.frontier.root(), time: new Date().toISOString() }, signer);
    const stored = this.checkpoints.append({
      note,
      ...this.segments.position,
      frontier: this.frontier.hashes.map((h) => h.toString('hex')),
      last_leaf: this.prev?.toString('hex') ?? null,
    });
    if (!stored) return;
    this.lastCheckpointSize = size;
    this.opts.onCheckpoint(note);
  }

  /**
   * Sign a checkpoint over every durable receipt now (the admin API's "checkpoint now", so that a
   * fresh receipt can be proved); resolves with the number of receipts the latest checkpoint covers.
   * Not in the middle of a write: then at its end, before the next one starts.
   */
  checkpointNow(): Promise<number> {
    if (this.closed) return Promise.reject(new LedgerError('ledger_closed', 'the ledger is closed'));
    return new Promise((resolve, reject) => {
      this.checkpointWaiters.push({ resolve, reject });
      if (!this.writing) this.answerCheckpointWaiters();
    });
  }

  private answerCheckpointWaiters(): void {
    if (this.size_ > this.lastCheckpointSize) this.checkpoint();
    const covered = this.size_ === this.lastCheckpointSize;
    const failure = new LedgerError('ledger_io', 'the checkpoint could not be signed and stored now (the log says why); try again');
    for (const w of this.checkpointWaiters.splice(0)) {
      if (covered) w.resolve(this.lastCheckpointSize);
      else w.reject(failure);
    }
  }

  /** Resolves once nothing is queued, sealed or being written. */
  private whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.pump();
    });
  }

  /** Write what is queued, sign a final checkpoint, and release the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.whenIdle();
    clearInterval(this.timer);
    if (!this.segments.broken && this.size_ > this.lastCheckpointSize) this.checkpoint();
    this.segments.close();
    this.checkpoints.close();
    await this.index?.close();
    this.release();
  }
}

/** The index is a cache: one that cannot be opened leaves the ledger working and searches scanning. */
function openIndex(dir: string, durable: () => number, log: Logger): LedgerIndex | null {
  try {
    return new LedgerIndex(dir, durable, log);
  } catch (err) {
    log.warn({ err }, 'ledger index cannot be opened: searches read the whole ledger');
    return null;
  }
}
