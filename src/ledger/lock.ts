// One writer per ledger directory: a lock file holding the writer's pid. A lock left by a process
// that no longer runs (a crash, kill -9) is taken over; recovery then repairs the tail.
// The lock is written whole in one step (a temporary file hard-linked into place), so a lock file
// that names no process (empty, garbage) never comes from a writer of this version mid-write: it is
// stale once it has sat unchanged for a moment. A fresh one may be an older writer filling it in.
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from './errors.js';

const LOCK_FILE = 'ledger.lock';
/** How long a lock file that names no process is left alone: a writer may be filling it in. */
const FILLING_IN_MS = 2_000;
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function io(dir: string, err: unknown): LedgerError {
  return new LedgerError('ledger_io', `cannot lock ledger ${dir}: ${(err as Error).message}`, { cause: err });
}

/** Put the written lock in place unless a lock file exists: false when one does. */
function link(written: string, path: string, dir: string): boolean {
  try {
    linkSync(written, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw io(dir, err);
  }
}

/** Throws unless the existing lock is stale: its process is gone, or it names none and has sat unchanged. */
function checkStale(path: string, dir: string): void {
  let text: string;
  let changedMs: number;
  try {
    text = readFileSync(path, 'utf8');
    changedMs = statSync(path).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // released meanwhile
    throw io(dir, err);
  }
  // Untrusted: whatever is in the file. Only a positive decimal pid names a process (kill(0) would
  // signal our own process group, and so "find" a live owner).
  const owner = /^[1-9]\d{0,9}\n?$/.test(text) ? Number(text) : undefined;
  if (owner !== undefined) {
    if (owner !== process.pid && alive(owner)) throw new LedgerError('ledger_locked', `ledger ${dir} is in use by process ${owner} (${path})`);
    return;
  }
  const age = Date.now() - changedMs;
  if (age < FILLING_IN_MS) {
    throw new LedgerError(
      'ledger_locked',
      `ledger ${dir}: ${path} holds no process id and changed ${Math.max(0, Math.round(age))} ms ago: another process may be taking the lock right now; retry in a moment (a lock file that stays like this is stale and is taken over)`,
    );
  }
}

export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(path)) throw new LedgerError('ledger_locked', `ledger ${dir} is already open in this process`);
  const written = join(dir, `${LOCK_FILE}.${process.pid}.tmp`);
  try {
    writeFileSync(written, `${process.pid}\n`);
    if (!link(written, path, dir)) {
      checkStale(path, dir);
      rmSync(path, { force: true });
      if (!link(written, path, dir)) throw new LedgerError('ledger_locked', `ledger ${dir} was locked by another process just now (${path})`);
    }
  } catch (err) {
    throw err instanceof LedgerError ? err : io(dir, err);
  } finally {
    rmSync(written, { force: true });
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    rmSync(path, { force: true });
  };
}
