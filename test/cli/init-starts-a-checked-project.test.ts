// `toolgate init` writes a project whose own checks pass at once: a registry with the starter
// classes that the policy bundle loads, and a starter fixture that `policy test -c` passes (the
// built CLI, in a fresh folder).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, expect, test } from 'vitest';
import { requireBuiltCli } from '../fixtures/cli.js';

beforeAll(requireBuiltCli);

const cli = join(import.meta.dirname, '../../bin/toolgate.js');

async function toolgate(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('init writes a registry with the starter classes, and the policy bundle loads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-init-'));
  expect((await toolgate(dir, 'init')).code).toBe(0);
  expect(readFileSync(join(dir, 'toolgate.yaml'), 'utf8')).toContain('registry: surfaces.yaml');
  const registry = readFileSync(join(dir, 'surfaces.yaml'), 'utf8');
  for (const name of ['payments', 'data-export', 'infra-mutation', 'comms', 'read-only']) expect(registry).toContain(`${name}:`);
  const explained = await toolgate(dir, 'policy', 'explain', '-c', 'toolgate.yaml', '--server', 'everything', '--tool', 'echo', '--principal', 'agent:ci');
  expect(explained.stderr).toBe('');
  expect(explained.stdout).toContain('decision: PERMIT');
});

test('policy test -c passes right after init, using the fixture init wrote', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-init-'));
  await toolgate(dir, 'init');
  const r = await toolgate(dir, 'policy', 'test', '-c', 'toolgate.yaml');
  expect(r.stderr).toBe('');
  expect(r.stdout).toMatch(/PASS: (\d+)\/\1/);
  expect(r.code).toBe(0);
});
