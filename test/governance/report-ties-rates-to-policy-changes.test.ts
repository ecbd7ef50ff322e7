// The review's policy-change section: the policy_change receipts split the time, and each bundle
// that took effect in the period stands beside the rates of the calls decided before and after it,
// so a +38.7 point jump in holds is shown next to the change that caused it. A restart with the same
// bundle splits nothing. Through the built CLI on a ledger written by the real Ledger.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { buildCli, callDraft, openLedger, toolgate, writeAt } from './helpers.js';

const PERIOD = ['--since', '2026-03-08T00:00:00Z', '--until', '2026-03-15T00:00:00Z'];
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

const SIGNERS = [
  { key_id: 'ed25519:00112233445566aa', name: 'alice' },
  { key_id: 'ed25519:00112233445566bb', name: 'tess' },
];

const change = (previous: string | null, bundle: string, signedBy: typeof SIGNERS): ReceiptDraft => ({
  event: 'policy_change',
  policy_change: { previous_bundle_sha256: previous, bundle_sha256: bundle, files: [{ name: 'policy.yaml', sha256: bundle }], signed_by: signedBy },
});

const minute = (day: number, n: number) => new Date(Date.UTC(2026, 2, day, 8, 0) + n * 60_000).toISOString();

// biome-ignore lint/suspicious/noExplicitAny: the test reads the report's JSON by name.
type Json = any;

describe('policy changes in the review', () => {
  let dir: string;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    buildCli();
    // One ledger for the file's tests (helpers' tempDir is removed after each test).
    dir = mkdtempSync(join(tmpdir(), 'toolgate-review-'));
    const steps: Array<[string, ReceiptDraft]> = [['2026-02-20T00:00:00.000Z', change(null, A, [])]];
    // Under bundle A (from before the previous week): 30 calls on db/exec, 3 held (10.0%).
    for (let n = 0; n < 30; n++)
      steps.push([
        minute(10, n),
        callDraft({ event: n < 3 ? 'hold' : 'permit', call: `a${n}`, surface: 'db/exec', bundle: A, approval: n < 3 ? `apr_a${n}` : undefined }),
      ]);
    // Bundle B, signed by two reviewers, then a restart with the same bundle (no change).
    steps.push([minute(11, 0), change(A, B, SIGNERS)]);
    steps.push([minute(11, 5), change(null, B, SIGNERS)]);
    // Under bundle B: 39 calls, 19 held (48.7%).
    for (let n = 0; n < 39; n++)
      steps.push([
        minute(12, n),
        callDraft({ event: n < 19 ? 'hold' : 'permit', call: `b${n}`, surface: 'db/exec', bundle: B, approval: n < 19 ? `apr_b${n}` : undefined }),
      ]);
    const ledger = await openLedger(dir);
    await writeAt(ledger, steps);
    await ledger.close();
  });

  it('shows the bundle, when it took effect, who signed it, and the rates before and after', async () => {
    const run = await toolgate(['report', '--dir', dir, ...PERIOD, '--format', 'json']);
    expect(run.stderr).toBe('');
    const changes: Json[] = JSON.parse(run.stdout).policy_changes;
    expect(changes).toHaveLength(1);
    const [c] = changes;
    expect(c).toMatchObject({ at: minute(11, 0), bundle_sha256: B, previous_bundle_sha256: A, signed_by: SIGNERS });
    expect(c.before).toEqual({ since: '2026-03-01T00:00:00.000Z', until: minute(11, 0), calls: 30 });
    expect(c.after).toEqual({ since: minute(11, 0), until: '2026-03-15T00:00:00.000Z', calls: 39 });
    expect(c.decisions.hold).toMatchObject({ count: 19, previous_rate: 0.1, material: true });
    expect(c.decisions.hold.change_pp).toBeCloseTo(38.72, 2);
    expect(c.surfaces.map((s: Json) => [s.server, s.tool, s.calls, s.previous_calls])).toEqual([['db', 'exec', 39, 30]]);
    expect(c.material_changes).toContain('db/exec: hold 10.0% -> 48.7% of calls (+38.7 pp)');
  });

  it('prints the change beside the jump it caused', async () => {
    const run = await toolgate(['report', '--dir', dir, ...PERIOD]);
    expect(run.stderr).toBe('');
    const text = run.stdout;
    const section = text.slice(text.indexOf('policy changes:'));
    expect(section).toMatch(
      /^policy changes:\n {2}bbbbbbbbbbbb… took effect 2026-03-11T08:00:00\.000Z \(signed by alice \(ed25519:00112233445566aa\), tess \(ed25519:00112233445566bb\)\), replacing aaaaaaaaaaaa…\n/,
    );
    expect(section).toContain('hold 10.0% -> 48.7% (+38.7 pp) !');
    expect(section).toContain('db/exec: hold 10.0% -> 48.7% of calls (+38.7 pp)');
  });
});
