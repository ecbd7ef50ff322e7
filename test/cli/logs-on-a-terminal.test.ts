// Logs are for the reader at hand: on a terminal (stderr is a TTY) `toolgate serve` prints one
// readable line per record; into a file or a pipe it writes JSON lines, one record each. The real
// CLI under a real pseudo-terminal (util-linux `script`).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';
import { tempDir } from '../ledger/helpers.js';

const cli = join(import.meta.dirname, '../../bin/toolgate.js');

function gateFolder(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\nrules: []\n');
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    'listen: { http: { port: 0 } }\npolicies: [policy.yaml]\nledger: { dir: ./ledger }\nkeys: { dir: ./keys }\nstore: { kind: lowdb, path: ./state.json }\n',
  );
  return dir;
}

/** Runs `toolgate serve` (through `script` when on a terminal) until it says it is serving; resolves with what it printed. */
function serveUntilReady(terminal: boolean): Promise<string> {
  requireBuiltCli();
  const cwd = gateFolder();
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} serve`;
  const child = terminal
    ? spawn('script', ['-qefc', command, '/dev/null'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, [cli, 'serve'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const output = terminal ? child.stdout! : child.stderr!;
  let text = '';
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not serving after 20s:\n${text}`));
    }, 20_000);
    output.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (!text.includes('toolgate is serving')) return;
      clearTimeout(guard);
      child.kill('SIGTERM');
      child.once('close', () => resolve(text));
    });
  });
}

describe('logs', { timeout: 30_000 }, () => {
  it('are readable lines on a terminal: time, level, message, then the fields', async () => {
    const text = await serveUntilReady(true);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the colour codes a terminal gets
    const plain = text.replace(/\u001b\[\d+m/g, '');
    const line = plain.split(/\r?\n/).find((l) => l.includes('toolgate is serving'))!;
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO +toolgate is serving .*mcp=http:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(text).not.toContain('{"level"');
  });

  it('are JSON lines in a pipe', async () => {
    const text = await serveUntilReady(false);
    const records = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(records.find((r) => r.msg === 'toolgate is serving')).toMatchObject({ level: 30, mcp: expect.stringMatching(/^http:/) });
  });
});
