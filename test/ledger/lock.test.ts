// The ledger's one-writer lock on real files: a lock file that names no process (empty, garbage,
// left by a crash between creating and writing it) is stale and taken over, unless it was written a
// moment ago (a writer may be filling it in right now); a live writer's lock refuses the open.
import { spawn } from 'node:child_process';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/ledger/index.js';
import { draft, silentLog, tempDir, testSigner } from './helpers.js';

const signer = testSigner('lock');
const open = (dir: string) => Ledger.open({ dir, signer, issuerId: 'lock', log: silentLog });

/** A lock file with this content, last changed a minute ago. */
function oldLock(dir: string, content: string): string {
  const path = join(dir, 'ledger.lock');
  writeFileSync(path, content);
  const aMinuteAgo = new Date(Date.now() - 60_000);
  utimesSync(path, aMinuteAgo, aMinuteAgo);
  return path;
}

describe('the ledger lock', () => {
  for (const [what, content] of [
    ['an empty', ''],
    ['a garbage', 'not a pid\u0000\n'],
    ['a zero', '0\n'],
  ] as const) {
    it(`takes over ${what} lock file left behind, and writes its own pid`, async () => {
      const dir = tempDir();
      const path = oldLock(dir, content);
      const ledger = await open(dir);
      expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
      await ledger.append(draft(1));
      await ledger.close();
    });
  }

  it('refuses while an empty lock file is fresh: another writer may be filling it in', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ledger.lock'), '');
    await expect(open(dir)).rejects.toThrow(/holds no process id .*retry/);
  });

  it('refuses while a live process holds the lock, naming it', async () => {
    const dir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      oldLock(dir, `${holder.pid}\n`);
      await expect(open(dir)).rejects.toThrow(new RegExp(`in use by process ${holder.pid}`));
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that no longer runs', async () => {
    const dir = tempDir();
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.once('exit', resolve));
    oldLock(dir, `${gone.pid}\n`);
    const ledger = await open(dir);
    await ledger.close();
  });
});
