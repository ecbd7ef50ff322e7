// Hot reload against a real writer process that writes a policy file in chunks with pauses: no
// decision taken while the write is in progress may lose a rule the file had before or will have
// after, and a file replaced by atomic rename is still picked up promptly.
import { spawn } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { callRequest, PolicyEngine } from '../../src/policy/index.js';

const log = createLogger({ level: 'silent' });
const header = 'version: toolgate.policy/v1\nrules:\n';
const allowFs = '  - id: allow-fs\n    effect: allow\n    match: { server: fs }\n';
const denySecret = '  - id: deny-secret\n    effect: deny\n    match: { server: fs, tool: read_secret }\n';
const denyKeys = '  - id: deny-keys\n    effect: deny\n    match: { server: fs, tool: read_keys }\n';
const secret = callRequest({ server: 'fs', tool: 'read_secret', principal: 'agent:a' });
const keys = callRequest({ server: 'fs', tool: 'read_keys', principal: 'agent:a' });

let engine: PolicyEngine | undefined;
afterEach(() => engine?.close());

/** A separate process that truncates `file` and writes `chunks` into it, pausing `pauseMs` between them. */
function writeInChunks(file: string, chunks: string[], pauseMs: number): Promise<void> {
  const script = `
    const fs = require('node:fs');
    const [file, pause, ...chunks] = process.argv.slice(1);
    const fd = fs.openSync(file, 'w');
    const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    for (const [i, chunk] of chunks.entries()) {
      if (i) sleep(Number(pause));
      fs.writeSync(fd, chunk);
    }
    fs.closeSync(fd);`;
  const child = spawn(process.execPath, ['-e', script, file, String(pauseMs), ...chunks], { stdio: 'inherit' });
  return new Promise((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`)))));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function policyFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tg-midwrite-')), 'policy.yaml');
  writeFileSync(file, text);
  return file;
}

it('a file written in chunks with pauses never loses a rule while the write is in progress', async () => {
  const file = policyFile(header + allowFs + denySecret);
  engine = await PolicyEngine.open({ files: [file], log });
  await engine.watch();
  // Cuts at a line end (valid YAML, the deny rule missing) and inside a line (a tool name cut short).
  const cutInLine = denySecret.indexOf('read_sec') + 'read_sec'.length;
  const chunks = [header + allowFs, denySecret.slice(0, cutInLine), denySecret.slice(cutInLine) + denyKeys];
  const outcomes = new Set<string>();
  const sampler = setInterval(() => outcomes.add(engine!.decide(secret).outcome), 5);
  try {
    await writeInChunks(file, chunks, 700);
    await until(() => engine!.decide(keys).outcome === 'deny', 'the finished file to take effect');
  } finally {
    clearInterval(sampler);
  }
  expect([...outcomes]).toEqual(['deny']);
  expect(engine.current.rules.map((r) => r.id)).toEqual(['allow-fs', 'deny-secret', 'deny-keys']);
});

it('a file replaced by atomic rename takes effect after the settle interval', async () => {
  const file = policyFile(header + allowFs + denySecret);
  engine = await PolicyEngine.open({ files: [file], log });
  await engine.watch();
  const started = Date.now();
  writeFileSync(`${file}.tmp`, header + allowFs + denySecret + denyKeys);
  renameSync(`${file}.tmp`, file);
  await until(() => engine!.decide(keys).outcome === 'deny', 'the renamed file to take effect');
  expect(Date.now() - started).toBeLessThan(2_000);
});

it('a rule removed on purpose goes once the file has stayed unchanged for the removal hold', async () => {
  const file = policyFile(header + allowFs + denySecret);
  engine = await PolicyEngine.open({ files: [file], log });
  await engine.watch({ settleMs: 50, removalHoldMs: 600 });
  const started = Date.now();
  writeFileSync(file, header + allowFs);
  await until(() => engine!.decide(secret).outcome === 'permit', 'the removal to take effect');
  expect(Date.now() - started).toBeGreaterThanOrEqual(600);
});
