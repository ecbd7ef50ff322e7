// A real witness for tests: `toolgate witness serve` as a child process on a free port, stopped with
// SIGTERM by its own pid. The built CLI is required (npm run build).
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const running = new Set<ChildProcess>();
afterEach(async () => {
  await Promise.all([...running].map(stopProcess));
});

export interface RunningWitness {
  url: string;
  vkey: string;
  name: string;
  stop(): Promise<void>;
}

function stopProcess(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Starts a witness keeping its key and state in `dir`; on a free port unless `port` is given. */
export async function startWitness(opts: { dir: string; keyring: string; name?: string; port?: string }): Promise<RunningWitness> {
  const args = ['bin/toolgate.js', 'witness', 'serve', '--key', join(opts.dir, 'witness.key'), '--state', join(opts.dir, 'state')];
  args.push('--keyring', opts.keyring, '--listen', `127.0.0.1:${opts.port ?? 0}`, '--name', opts.name ?? 'witness.test/w1');
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOOLGATE_LOG_FORMAT: 'json' } });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const started = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /^witness (\S+) listening on (\S+)\nvkey (\S+)\n/.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`witness exited (${code}): ${err}`)));
  });
  return { name: started[1]!, url: started[2]!, vkey: started[3]!, stop: () => stopProcess(child) };
}
