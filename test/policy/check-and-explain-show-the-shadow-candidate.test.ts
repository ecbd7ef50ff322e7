// `toolgate policy check -c` and `policy explain -c` speak of the config's shadow candidate
// (policy.shadow) too: check compiles it (a broken candidate fails the check, as it would be left out
// by serve), explain says what it would decide beside the policy in force. The real CLI, built.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

async function toolgate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', [join(ROOT, 'bin/toolgate.js'), ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function configWithCandidate(candidate: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-shadow-cli-'));
  mkdirSync(join(dir, 'candidate'));
  writeFileSync(join(dir, 'policy.yaml'), 'version: toolgate.policy/v1\nrules:\n  - { id: read-ok, effect: allow, match: { server: fs, tool: read } }\n');
  writeFileSync(join(dir, 'candidate', 'policy.yaml'), candidate);
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    'listen: { stdio: true }\nupstreams: { fs: { command: "true" } }\npolicies: [policy.yaml]\npolicy: { shadow: [candidate/*.yaml] }\n',
  );
  return join(dir, 'toolgate.yaml');
}

const CANDIDATE =
  'version: toolgate.policy/v1\nrules:\n  - { id: read-held, effect: require_approval, match: { server: fs, tool: read }, approval: { approvers: [group:dba] } }\n';

it('check compiles the shadow candidate beside the policy', async () => {
  const r = await toolgate('policy', 'check', '-c', configWithCandidate(CANDIDATE));
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^ok: 1 rules in 1 files, bundle_sha256 [0-9a-f]{64}\nshadow candidate ok: 1 rules in 1 files, bundle_sha256 [0-9a-f]{64}\n$/);
});

it('check fails on a broken shadow candidate, naming its file and line', async () => {
  const config = configWithCandidate('version: toolgate.policy/v1\nrules:\n  - { id: read-held, effect: hold, match: { server: fs, tool: read } }\n');
  const r = await toolgate('policy', 'check', '-c', config);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^ok: 1 rules/);
  expect(r.stderr).toMatch(/^shadow candidate: .*candidate\/policy\.yaml:3: rule "read-held"/m);
});

it('explain shows what the candidate would decide beside the decision in force', async () => {
  const r = await toolgate('policy', 'explain', '-c', configWithCandidate(CANDIDATE), '--server', 'fs', '--tool', 'read', '--principal', 'agent:ci');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('decision: PERMIT by [read-ok]');
  expect(r.stdout).toMatch(/shadow candidate: HOLD by \[read-held\] \(bundle_sha256 [0-9a-f]{64}\)/);
});
