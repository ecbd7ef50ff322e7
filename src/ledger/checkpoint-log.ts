// The append side of checkpoints.jsonl: one durable record per line. A failure is logged and
// reported, never fatal (the receipts are already durable; the next checkpoint covers them too).
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CHECKPOINTS_FILE, type CheckpointRecord } from './files.js';

export class CheckpointLog {
  private fd: number | null = null;
  private readonly path: string;

  constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.path = join(dir, CHECKPOINTS_FILE);
  }

  /** true once the record is durable. */
  append(record: CheckpointRecord): boolean {
    let before = -1;
    try {
      this.fd ??= openSync(this.path, 'a', 0o600);
      before = fstatSync(this.fd).size;
      writeSync(this.fd, `${JSON.stringify(record)}\n`);
      fdatasyncSync(this.fd);
      return true;
    } catch (err) {
      this.log.error({ file: this.path, err }, 'ledger: cannot write a checkpoint; will retry');
      // Cut a partly written record so the file stays one record per line (recovery would cut it too).
      try {
        if (this.fd !== null && before >= 0) ftruncateSync(this.fd, before);
      } catch {
        // the next open's recovery cuts a torn tail
      }
      return false;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
