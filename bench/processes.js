// Shared process tools for the benchmarks that start gateways, upstreams and peers as processes of
// their own: a free port, a process started and awaited until its output says it is ready, its CPU
// time from /proc, and stopping every process a bench started.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/**
 * CPU time (ms) a process has used so far, summed over its threads: the scheduler's run time of each
 * (/proc/PID/task/TID/schedstat, in ns). The utime + stime of /proc/PID/stat count in 10 ms ticks,
 * a resolution too coarse for rounds of a few hundred ms; a thread that ended is no longer counted
 * (a gateway's threads live as long as it does).
 */
export function cpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}
