// Issue 17's example program stays working: `node examples/governance-program/run.mjs` (what
// `npm run example:program` runs) plays the program end to end with real processes (the built CLI,
// `toolgate serve`, the demo upstreams, SDK clients, the admin API) and must pass every step on the
// committed signatures, leaving the repository untouched.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './harness.js';

const STEPS = [
  'signatures',
  'surfaces --check',
  'policy test',
  'serve and calls',
  'shadow',
  'ledger verify',
  'ledger consistency',
  'report (text)',
  'report (json)',
  'report --check',
  'replay',
  'replay of the candidate',
];

const status = () => spawnSync('git', ['status', '--porcelain', '--', 'examples'], { cwd: root, encoding: 'utf8' }).stdout;

describe('the governance program example', () => {
  it('runs with one command and passes every step, on the committed signatures', () => {
    const before = status();
    const run = spawnSync(process.execPath, [join(root, 'examples/governance-program/run.mjs')], { cwd: root, encoding: 'utf8', timeout: 150_000 });
    const passed = run.stdout.split('\n').filter((line) => line.startsWith('PASS '));
    expect(
      run.stdout.split('\n').filter((line) => line.startsWith('FAIL ')),
      run.stdout + run.stderr,
    ).toEqual([]);
    expect(passed.map((line) => /^PASS ([^:]+)/.exec(line)![1])).toEqual(STEPS);
    expect(run.stdout).toContain('PASS signatures: the committed signatures of priya and omar meet the quorum (2)');
    expect(run.stdout).toContain('9 calls (5 complete, 2 deny, 1 silence, 1 reject)');
    expect(run.stdout).toContain('PASS shadow: the candidate would have held the 750 EUR transfer the policy in force let through');
    expect(run.stdout).toContain('PASS replay: 10 of 10 decisions reproduced');
    expect(run.stdout).toContain('(payments/transfer permit -> hold)');
    expect(run.stdout).toContain(`governance program: all ${STEPS.length} steps passed`);
    expect(run.status).toBe(0);
    expect(status()).toBe(before);
  }, 180_000);
});
