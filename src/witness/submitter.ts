// The gateway's side of witnessing: each checkpoint the ledger stores is handed here (off the append
// path: the hand-over only records it) and submitted to every configured witness with a consistency
// proof from the size that witness cosigned last; the cosignatures go to cosignatures.jsonl. A witness
// that is down, slow or refusing never stops a call: the checkpoint stays uncosigned, the failure
// is logged and counted, and the newest checkpoint is submitted again every `retryMs` until cosigned.
import type { Logger } from 'pino';
import { consistencyPathOf, parseCheckpoint } from '../ledger/index.js';
import { submitCheckpoint } from './client.js';
import { verifyCosignatures, type WitnessKey } from './cosignature.js';
import { appendCosigned, readCosigned } from './cosigned-log.js';

export interface WitnessTarget {
  url: string;
  key: WitnessKey;
}

export type SubmissionOutcome = 'cosigned' | 'refused' | 'unreachable';

export interface SubmitterOptions {
  dir: string;
  witnesses: readonly WitnessTarget[];
  /** How many cosignatures each checkpoint should carry; fewer is logged as a warning. */
  quorum: number;
  log: Logger;
  timeoutMs?: number;
  retryMs?: number;
  onOutcome?: (witness: string, outcome: SubmissionOutcome) => void;
  /** Cosignatures the newest checkpoint carries, after each round. */
  onCosignatures?: (count: number) => void;
}

export class WitnessSubmitter {
  private newest: string | null = null;
  /** Per witness: the size it cosigned last, as far as this gateway knows (a 409 corrects it). */
  private readonly known = new Map<string, number>();
  private round: Promise<void> | null = null;
  private again = false;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: SubmitterOptions) {
    try {
      for (const record of readCosigned(opts.dir)) {
        for (const { witness } of verifyCosignatures(
          record.text,
          record.signatures,
          opts.witnesses.map((w) => w.key),
        )) {
          this.known.set(witness, Math.max(this.known.get(witness) ?? 0, record.size));
        }
      }
    } catch (err) {
      // Unknown sizes are learned from each witness's 409 answer.
      opts.log.warn({ err }, 'witness: cannot read the stored cosignatures');
    }
  }

  /** Called by the ledger once a checkpoint is durable: only records it, the round runs later. */
  checkpointStored(note: string): void {
    this.newest = note;
    if (this.round) this.again = true;
    else setImmediate(() => this.start());
  }

  private start(): void {
    if (this.round || !this.newest) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.again = false;
    this.round = this.submitNewest().finally(() => {
      this.round = null;
      if (this.again) this.start();
    });
  }

  private async submitNewest(): Promise<void> {
    const note = this.newest!;
    const size = parseCheckpoint(note).checkpoint.size;
    const due = this.opts.witnesses.filter((w) => this.known.get(w.key.name) !== size);
    await Promise.all(due.map((w) => this.submitTo(w, note, size)));
    const cosigned = this.opts.witnesses.filter((w) => this.known.get(w.key.name) === size).length;
    this.opts.onCosignatures?.(cosigned);
    if (cosigned < this.opts.witnesses.length && !this.again && !this.closed) {
      const retryMs = this.opts.retryMs ?? 30_000;
      if (cosigned < this.opts.quorum) {
        this.opts.log.warn(
          { size, cosigned, quorum: this.opts.quorum, retry_ms: retryMs },
          'witness: the newest checkpoint has fewer cosignatures than the quorum; calls go on, it is submitted again',
        );
      }
      this.retry = setTimeout(() => this.start(), retryMs).unref();
    }
  }

  private async submitTo(witness: WitnessTarget, note: string, size: number): Promise<void> {
    const name = witness.key.name;
    const { text } = parseCheckpoint(note);
    try {
      let old = this.known.get(name) ?? 0;
      for (let attempt = 0; attempt < 2; attempt++) {
        if (old > size) {
          this.opts.log.error(
            { witness: name, witnessed: old, size },
            'witness: the witness cosigned a larger tree than this ledger holds (was the ledger cut back?)',
          );
          return this.opts.onOutcome?.(name, 'refused');
        }
        const proof = await consistencyPathOf(this.opts.dir, old, size);
        const answer = await submitCheckpoint(witness.url, { oldSize: old, proof, note }, this.opts.timeoutMs ?? 10_000);
        if (answer.kind === 'conflict') {
          old = answer.size;
          this.known.set(name, old);
          continue;
        }
        if (answer.kind === 'refused' || verifyCosignatures(text, answer.lines, [witness.key]).length === 0) {
          const reason = answer.kind === 'refused' ? `${answer.status} ${answer.reason}` : 'no valid cosignature in the answer';
          this.opts.log.error({ witness: name, size, reason }, 'witness: refused the checkpoint');
          return this.opts.onOutcome?.(name, 'refused');
        }
        appendCosigned(this.opts.dir, `${note}${answer.lines.map((l) => `${l}\n`).join('')}`);
        this.known.set(name, size);
        return this.opts.onOutcome?.(name, 'cosigned');
      }
      this.opts.onOutcome?.(name, 'refused');
    } catch (err) {
      this.opts.log.warn({ witness: name, url: witness.url, size, err }, 'witness: cannot submit the checkpoint; it stays uncosigned until the next try');
      this.opts.onOutcome?.(name, 'unreachable');
    }
  }

  /** Let the rounds still due (the final checkpoint's, at shutdown) finish, for at most `ms` in all. */
  async close(ms = 5_000): Promise<void> {
    const deadline = Date.now() + ms;
    await new Promise((resolve) => setImmediate(resolve));
    this.start();
    while (this.round && Date.now() < deadline) {
      await Promise.race([this.round, new Promise((resolve) => setTimeout(resolve, deadline - Date.now()).unref())]);
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }
}
