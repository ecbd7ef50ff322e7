// The processes of a conformance run: a reference server (one of ours, printing its port) and
// `toolgate serve` fronting it as its one HTTP upstream (prefix "", a policy that allows everything).
// Both on localhost URLs: the DNS rebinding scenario needs them.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireBuiltCli } from '../fixtures/cli.js';

const root = resolve(import.meta.dirname, '../..');

export interface Fronted {
  referenceUrl: string;
  gatewayUrl: string;
  /** Ends both processes and resolves once they have exited (a gateway left running is a defect to see, not to leak). */
  stop(): Promise<void>;
}

/** Starts `server` (a file under test/conformance) and toolgate in front of it; `upstream` adds settings to the upstream's entry. */
export async function frontReference(server: string, upstream = ''): Promise<Fronted> {
  requireBuiltCli();
  const reference = spawn(process.execPath, [join(root, 'test/conformance', server)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((r) => reference.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
  const referenceUrl = `http://localhost:${port}/mcp`;
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-conformance-'));
  writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\ndefaults: { effect: allow, on_error: deny }\nrules: []\n');
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    `name: conformance
listen: { http: { host: 127.0.0.1, port: 0, path: /mcp } }
upstreams:
  reference: { url: ${JSON.stringify(referenceUrl)}, prefix: ""${upstream ? `, ${upstream}` : ''} }
policies: [policy.yaml]
store: { kind: lowdb, path: state/state.json }
ledger: { dir: ledger }
keys: { dir: keys }
`,
  );
  const gateway: ChildProcess = spawn(process.execPath, [join(root, 'bin/toolgate.js'), 'serve', '-c', join(dir, 'toolgate.yaml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'info' },
  });
  let stderr = '';
  const gatewayUrl = await new Promise<string>((resolveUrl, reject) => {
    gateway.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(stderr)?.[1];
      if (url) resolveUrl(url.replace('127.0.0.1', 'localhost'));
    });
    gateway.once('exit', (code) => reject(new Error(`toolgate serve exited with ${code}:\n${stderr}`)));
  });
  return {
    referenceUrl,
    gatewayUrl,
    stop: () => Promise.all([exitOf(gateway), exitOf(reference)]).then(() => undefined),
  };
}

/** Sends SIGTERM and waits for the exit; after 10 s it kills and fails, so a process that cannot stop shows here instead of lingering. */
function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${child.spawnargs.slice(1).join(' ')} did not exit within 10 s of SIGTERM`));
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(guard);
      resolveExit();
    });
    child.kill();
  });
}
