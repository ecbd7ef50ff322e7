// A stdio Transport for upstream servers that owns a whole process group. The SDK's
// StdioClientTransport kills only the direct child; servers started through npx, uv or a shell
// leave grandchildren behind. Here the child leads its own group and close() signals the group.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonLinesTransport } from './json-lines.js';

export interface ProcessSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

const KILL_GRACE_MS = 2_000;
const STDERR_TAIL = 20;

/** Process groups still alive, killed synchronously if the gateway exits without closing them. */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already gone
  }
}

export class ProcessGroupTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  /** Each line the upstream writes to stderr (its own logs). */
  onstderr?: (line: string) => void;

  private child?: ChildProcess;
  private lines?: JsonLinesTransport;
  private readonly stderrTail: string[] = [];
  private exited?: Promise<void>;

  constructor(private readonly spec: ProcessSpec) {}

  /** The process group id (the child's pid) while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the upstream wrote to stderr: the usual explanation of a failed start. */
  get stderr(): string {
    return this.stderrTail.join('\n');
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.spec.command, this.spec.args, {
        cwd: this.spec.cwd,
        env: { ...process.env, ...this.spec.env },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
        windowsHide: true,
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', (err) => {
        reject(err);
        this.onerror?.(err);
      });
      child.once('spawn', () => {
        if (child.pid) liveGroups.add(child.pid);
        resolve();
      });
      child.once('exit', () => {
        // The leader is gone; whatever it left in its group goes with it.
        if (child.pid) {
          signalGroup(child.pid, 'SIGKILL');
          liveGroups.delete(child.pid);
        }
      });
      child.once('close', () => this.onclose?.());
      const lines = new JsonLinesTransport(child.stdout!, child.stdin!);
      lines.onmessage = (message) => this.onmessage?.(message);
      lines.onerror = (err) => this.onerror?.(err);
      this.lines = lines;
      void lines.start();
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => this.keepStderr(text));
    });
  }

  private keepStderr(text: string): void {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      this.onstderr?.(line);
      this.stderrTail.push(line.slice(0, 500));
      if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.lines ? this.lines.send(message) : Promise.reject(new Error('upstream process is not running'));
  }

  /** SIGTERM to the group, SIGKILL after a grace period; resolves once the leader has exited. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    signalGroup(pid, 'SIGKILL');
    liveGroups.delete(pid);
  }
}
