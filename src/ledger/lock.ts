// One writer per ledger directory: a lock file holding the writer's pid. A lock left by a process
// that no longer runs (a crash, kill -9) is taken over; recovery then repairs the tail.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from './errors.js';

const LOCK_FILE = 'ledger.lock';
const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  if (heldHere.has(path)) throw new LedgerError('ledger_locked', `ledger ${dir} is already open in this process`);
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new LedgerError('ledger_io', `cannot lock ledger ${dir}: ${(err as Error).message}`, { cause: err });
    }
    const owner = Number(readFileSync(path, 'utf8').trim());
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new LedgerError('ledger_locked', `ledger ${dir} is in use by process ${owner} (${path})`);
    }
    writeFileSync(path, `${process.pid}\n`);
  }
  heldHere.add(path);
  return () => {
    heldHere.delete(path);
    rmSync(path, { force: true });
  };
}
