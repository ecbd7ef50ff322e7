// The browser tests need Chromium. On a machine without it `npm test` still passes: they are
// skipped with a printed notice saying why and how to run them. In CI (env CI set) they stay
// mandatory and fail. Runs vitest itself on one browser test with Chromium pointed elsewhere.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const BROWSER_TEST = 'test/console/unauthenticated-visitor-sees-only-sign-in.test.ts';

function vitestWithoutChromium(ci: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, TOOLGATE_TEST_CHROMIUM: '/nonexistent/chromium', NO_COLOR: '1' };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_POOL_ID;
  delete env.VITEST_WORKER_ID;
  if (ci) env.CI = 'true';
  const run = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', BROWSER_TEST], { cwd: root, env, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe('browser tests on a machine without Chromium', { timeout: 120_000 }, () => {
  it('are skipped with a notice that names the missing browser', () => {
    const run = vitestWithoutChromium(false);
    expect(run.output).toContain('/nonexistent/chromium');
    expect(run.output).toMatch(/browser tests skipped/);
    expect(run.output).toMatch(/Tests\s+\d+ skipped/);
    expect(run.code).toBe(0);
  });

  it('fail in CI, where they are mandatory', () => {
    const run = vitestWithoutChromium(true);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('/nonexistent/chromium');
  });
});
