// The built CLI: `report` on a scripted ledger in every format, `replay` through a config (exit
// code 1 when a decision does not reproduce), `break-glass open|list|close` against a real admin server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/index.js';
import { BreakGlass, breakGlassRoutes } from '../../src/breakglass/index.js';
import { openLowdbStore } from '../../src/store/index.js';
import { buildCli, reviewerConfigs, reviewers, silentLog, tempDir, toolgate } from './helpers.js';
import { CANDIDATE, principals, recordCalls } from './recorded-calls.js';
import { SINCE, UNTIL, writeScriptedLedger } from './scripted-ledger.js';

beforeAll(buildCli, 180_000);

let admin: AdminServer | undefined;
afterEach(async () => admin?.close());

function writeConfig(dir: string): string {
  const file = join(dir, 'toolgate.yaml');
  const yaml = (v: unknown) => JSON.stringify(v);
  writeFileSync(
    file,
    [
      'name: replay-test',
      'ledger: { dir: ledger }',
      'keys: { dir: keys }',
      'policy: { archive_dir: bundles }',
      'evidence: { store_arguments: true, dir: evidence }',
      `principals: ${yaml(principals)}`,
      `reviewers: ${yaml(reviewerConfigs)}`,
    ].join('\n'),
  );
  return file;
}

describe('governance commands', { timeout: 60_000 }, () => {
  it('report prints the review as text, Markdown and JSON, and rejects a bad period', async () => {
    const dir = tempDir();
    await writeScriptedLedger(dir);
    const period = ['--dir', dir, '--since', SINCE, '--until', UNTIL];
    const json = await toolgate(['report', ...period, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ totals: { calls: 27, previous_calls: 20 }, expired_holds: { total: 1 } });
    expect((await toolgate(['report', ...period])).stdout).toContain('material changes:');
    expect((await toolgate(['report', ...period, '--format', 'md'])).stdout).toMatch(/^# toolgate review 2026-03-08/);
    const bad = await toolgate(['report', '--dir', dir, '--since', 'last tuesday']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--since "last tuesday"');
  });

  it('replay reproduces through the config, fails on a receipt that disagrees, and shadows a candidate', async () => {
    const good = tempDir();
    await recordCalls(good);
    const config = writeConfig(good);
    const ok = await toolgate(['replay', '-c', config, '--since', '1h', '--sample', '50']);
    expect(ok.stdout).toContain('reproduced: 6, did not reproduce: 0');
    expect(ok.code).toBe(0);
    mkdirSync(join(good, 'candidate'));
    writeFileSync(join(good, 'candidate', 'policy.yaml'), CANDIDATE);
    const shadow = await toolgate(['replay', '-c', config, '--since', '1h', '--bundle', join(good, 'candidate')]);
    expect(shadow.stdout).toContain('fs/read_file: permit -> deny: 1');
    expect(shadow.code).toBe(0);

    const bad = tempDir();
    await recordCalls(bad, (i, effect) => (i === 0 ? 'deny' : effect));
    const failed = await toolgate(['replay', '-c', writeConfig(bad), '--since', '1h', '--format', 'json']);
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).differences).toHaveLength(1);
  });

  it('break-glass opens, lists and closes a window through the admin API', async () => {
    const store = await openLowdbStore(join(tempDir(), 'state.json'));
    const breakGlass = new BreakGlass({ store, log: silentLog, maxDurationMs: 4 * 3_600_000, record: async () => undefined });
    admin = createAdminServer({ admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] }, reviewers, log: silentLog, routes: breakGlassRoutes(breakGlass) });
    const env = { TOOLGATE_ADMIN_URL: await admin.listen(), TOOLGATE_TOKEN: 'olga-token' };
    const opened = await toolgate(['break-glass', 'open', '--reason', 'restore backups', '--for', '30m', '--surface', 'fs', '--json'], env);
    expect(opened.code).toBe(0);
    const { id } = JSON.parse(opened.stdout) as { id: string };
    expect((await toolgate(['break-glass', 'list'], env)).stdout).toMatch(new RegExp(`${id}\\tactive\\t\\* on fs/\\*`));
    expect((await toolgate(['break-glass', 'close', id], env)).stdout).toContain(`${id}: closed at`);
    const refused = await toolgate(['break-glass', 'open', '--reason', 'x', '--for', '30m'], { ...env, TOOLGATE_TOKEN: 'rick-token' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('lacks the "break-glass" right');
    await store.close();
  });
});
