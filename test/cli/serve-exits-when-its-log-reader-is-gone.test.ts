// Whatever reads toolgate's stderr (a terminal, a log shipper, a test) can go away while it runs. The
// gateway must go on serving and still exit on one SIGTERM: the log lines it can no longer deliver are dropped, and
// nothing at exit waits on a reader that will never come back. The built CLI, a real pipe closed under it.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';

const cli = join(import.meta.dirname, '../../bin/toolgate.js');

it('exits on one SIGTERM after the reader of its stderr closed the pipe', async () => {
  requireBuiltCli();
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-stderr-gone-'));
  writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\ndefaults: { effect: deny, on_error: deny }\nrules: []\n');
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    'name: stderr-gone\nlisten: { http: { host: 127.0.0.1, port: 0, path: /mcp } }\nupstreams: {}\npolicies: [policy.yaml]\nstore: { kind: lowdb, path: state/state.json }\nledger: { dir: ledger }\nkeys: { dir: keys }\n',
  );
  const gateway = spawn(process.execPath, [cli, 'serve', '-c', join(dir, 'toolgate.yaml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'debug', TOOLGATE_LOG_FORMAT: 'json' },
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    gateway.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  await new Promise<void>((ready, fail) => {
    gateway.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (/"url":"http:/.test(stderr)) ready();
    });
    void exited.then(() => fail(new Error(`toolgate serve exited early:\n${stderr}`)));
  });

  gateway.stderr.destroy();
  // It goes on serving (and logging into the void) until told to stop.
  const url = /"url":"(http:[^"]+)"/.exec(stderr)![1]!;
  for (let i = 0; i < 20; i++) {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: i,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(answer.status).toBe(200);
    await answer.text();
  }
  gateway.kill('SIGTERM');
  const guard = setTimeout(() => gateway.kill('SIGKILL'), 15_000);
  const exit = await exited;
  clearTimeout(guard);
  expect(exit).toEqual({ code: 0, signal: null });
}, 30_000);
