// Shared process tools for the benchmarks that start gateways, upstreams and peers as processes of
// their own: a free port, a process started and awaited until its output says it is ready, its CPU
// time from /proc, and stopping every process a bench started.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const started = [];

export function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Node running `args`; resolves with the process and its output so far once the output matches `readyPattern`. */
export function startProcess(args, readyPattern) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOOLGATE_LOG_LEVEL: 'info' } });
  started.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const check = (d) => {
      seen += d.toString();
      if (readyPattern.test(seen)) resolve({ child, seen });
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)));
  });
}

/** Stops every process started with startProcess. */
export function stopProcesses() {
  for (const child of started) child.kill();
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (ms) a process has used so far: utime + stime. */
export function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
