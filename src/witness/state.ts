// What a witness remembers, per log: the latest checkpoint it cosigned, as a signed note carrying the
// log's signature and its own cosignature, in <state>/logs/<sha256(origin) hex>. Written durably
// (temporary file, fsync, rename, fsync of the folder) before the cosignature is answered: a witness
// that forgot would cosign a rolled-back tree. One process per state folder (witness.lock).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseCheckpoint } from '../ledger/index.js';
import { WitnessError } from './errors.js';

export interface Cosigned {
  size: number;
  root: Buffer;
  /** The checkpoint with the log's signature and the witness's cosignature. */
  note: string;
}

export function originHash(origin: string): string {
  return createHash('sha256').update(origin).digest('hex');
}

export class WitnessState {
  private readonly logs: string;
  private readonly lock: string;

  constructor(dir: string) {
    this.logs = join(dir, 'logs');
    this.lock = join(dir, 'witness.lock');
    try {
      mkdirSync(this.logs, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new WitnessError('witness_io', `cannot create witness state ${dir}: ${(err as Error).message}`, { cause: err });
    }
    this.takeLock();
  }

  private takeLock(): void {
    if (existsSync(this.lock)) {
      const pid = Number(readFileSync(this.lock, 'utf8'));
      let alive = false;
      try {
        alive = pid > 0 && process.kill(pid, 0);
      } catch {
        // no such process: a crashed witness's lock
      }
      if (alive && pid !== process.pid) throw new WitnessError('witness_io', `another witness (pid ${pid}) keeps this state folder`);
      rmSync(this.lock, { force: true });
    }
    writeFileSync(this.lock, String(process.pid), { flag: 'wx' });
  }

  release(): void {
    rmSync(this.lock, { force: true });
  }

  /** The latest checkpoint cosigned for the log whose origin hashes to `hash`, if any. */
  byHash(hash: string): Cosigned | null {
    const file = join(this.logs, hash);
    if (!/^[0-9a-f]{64}$/.test(hash) || !existsSync(file)) return null;
    const note = readFileSync(file, 'utf8');
    const { checkpoint } = parseCheckpoint(note);
    return { size: checkpoint.size, root: checkpoint.root, note };
  }

  latest(origin: string): Cosigned | null {
    return this.byHash(originHash(origin));
  }

  /** Durably replace the log's latest cosigned checkpoint. */
  store(origin: string, note: string): void {
    const file = join(this.logs, originHash(origin));
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      const fd = openSync(temporary, 'w', 0o600);
      try {
        writeSync(fd, note);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, file);
      const dir = openSync(this.logs, 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (err) {
      throw new WitnessError('witness_io', `cannot store the cosigned checkpoint: ${(err as Error).message}`, { cause: err });
    }
  }
}
