// `toolgate policy check|test|explain` as a user runs them: the real CLI (built dist/) in a child process.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

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

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli/policy.js'))) throw new Error('dist/ is not built: run `npm run build` first');
});

function tempPolicy(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
  writeFileSync(join(dir, 'policy.yaml'), text);
  return dir;
}

describe('toolgate policy check', () => {
  it('accepts a valid file and prints the bundle sha256', async () => {
    const r = await toolgate('policy', 'check', 'policies/payments/policy.yaml');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 3 rules in 1 files, bundle_sha256 [0-9a-f]{64}$/m);
  });

  it('lists every problem with file and line, and exits non-zero', async () => {
    const dir = tempPolicy(
      'version: toolgate.policy/v1\nrules:\n  - id: a\n    effect: allow\n    match: { server: fs }\n    when: "args.x >"\n    colour: red\n',
    );
    const r = await toolgate('policy', 'check', join(dir, 'policy.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${dir}/policy.yaml:7: rule "a": rules[0]: unknown key(s) "colour"`);
  });

  it('checks upstream names against a config, and the example configs are valid', async () => {
    const examples = ['filesystem-readonly', 'secret-files', 'payments', 'prod-database'];
    const results = await Promise.all(examples.map((e) => toolgate('policy', 'check', '-c', `examples/${e}/toolgate.yaml`)));
    for (const r of results) expect(r.stdout + r.stderr).toMatch(/^ok: /);
    const dir = tempPolicy('version: toolgate.policy/v1\nrules:\n  - id: a\n    effect: allow\n    match: { server: github }\n');
    writeFileSync(join(dir, 'toolgate.yaml'), 'listen: { stdio: true }\nupstreams: { fs: { command: "true" } }\npolicies: [policy.yaml]\n');
    const r = await toolgate('policy', 'check', '-c', join(dir, 'toolgate.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/policy\.yaml:5: rule "a": unknown upstream "github" \(configured: fs\)/);
  });
});

describe('toolgate policy test', () => {
  it("runs the starter bundles' fixtures and passes", async () => {
    const r = await toolgate('policy', 'test', 'policies');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS: (\d+)\/\1/);
  });

  it('reports a failing case with expected and actual, and exits non-zero', async () => {
    const dir = tempPolicy('version: toolgate.policy/v1\nrules:\n  - id: a\n    effect: deny\n    match: { server: fs }\n');
    writeFileSync(
      join(dir, 'policy.test.yaml'),
      'cases:\n  - name: reads are fine\n    call: { server: fs, tool: read, principal: me }\n    expect: { effect: allow }\n',
    );
    const r = await toolgate('policy', 'test', dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL: reads are fine');
    expect(r.stdout).toContain('expected allow (permit), got deny');
    expect(r.stdout).toMatch(/FAIL: 1\/1/);
  });
});

describe('toolgate policy explain', () => {
  it('shows each rule, the decision and its reason', async () => {
    const r = await toolgate(
      'policy',
      'explain',
      'policies/payments/policy.yaml',
      '--server',
      'payments',
      '--tool',
      'transfer',
      '--args',
      '{"amount": 2500, "currency": "EUR"}',
      '--principal',
      'agent:billing',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-\s+payments-read \(allow, .*policy\.yaml:\d+\): match\.tool does not match/);
    expect(r.stdout).toMatch(/MATCH transfers-over-1000-held/);
    expect(r.stdout).toContain('decision: HOLD by [transfers-over-1000-held]');
    expect(r.stdout).toContain('limit: budget:transfers-capped:principal:agent:billing budget 2500 of 20000');
  });

  it('refuses arguments that are not a JSON object', async () => {
    const r = await toolgate('policy', 'explain', 'policies/payments/policy.yaml', '--server', 'payments', '--tool', 't', '--args', '[1]', '--principal', 'p');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--args must be a JSON object');
  });
});
