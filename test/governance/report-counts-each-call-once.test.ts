// Each call counted once, every rate within 0-100%: holds of the previous week approved and released
// in this one belong to the previous week's calls (the issue saw `approved 75.0% (-425.0)` when the
// approvals were counted in the week they happened against the holds of the week they were asked
// in, and each release's permit as a second call). Through the built CLI on a ledger written by the
// real Ledger with real signatures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceiptDraft } from '../../src/receipts/index.js';
import { buildCli, callDraft, openLedger, toolgate, writeAt } from './helpers.js';

const PERIOD = ['--since', '2026-03-08T00:00:00Z', '--until', '2026-03-15T00:00:00Z'];

/** A held call: its hold, then (optionally) its approval, its release's permit and the execution. */
function heldCall(steps: Array<[string, ReceiptDraft]>, n: string, heldAt: string, approvedAt?: string): void {
  const base = { call: `c_${n}`, surface: 'db/exec', approval: `apr_${n}` };
  steps.push([heldAt, callDraft({ event: 'hold', ...base })]);
  if (!approvedAt) return;
  steps.push([approvedAt, callDraft({ event: 'approve', ...base })]);
  steps.push([approvedAt, callDraft({ event: 'permit', ...base, effect: 'permit' })]);
  steps.push([approvedAt, callDraft({ event: 'complete', ...base })]);
}

// biome-ignore lint/suspicious/noExplicitAny: the test walks the report's JSON.
type Json = any;

/** Every rate figure anywhere in the report. */
function rateFigures(value: Json, out: Json[] = []): Json[] {
  if (value && typeof value === 'object') {
    if ('rate' in value && 'change_pp' in value) out.push(value);
    else for (const v of Object.values(value)) rateFigures(v, out);
  }
  return out;
}

describe('each call counted once', () => {
  let dir: string;

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    buildCli();
    // One ledger for the file's tests (helpers' tempDir is removed after each test).
    dir = mkdtempSync(join(tmpdir(), 'toolgate-review-'));
    const steps: Array<[string, ReceiptDraft]> = [];
    // Previous week: 20 holds, 17 approved (all in this week) and released.
    for (let i = 0; i < 20; i++)
      heldCall(steps, `p${i}`, `2026-03-0${1 + (i % 7)}T10:${String(i).padStart(2, '0')}:00.000Z`, i < 17 ? '2026-03-09T12:00:00.000Z' : undefined);
    // This week: 4 holds, 3 approved and released; one still pending.
    for (let i = 0; i < 4; i++) heldCall(steps, `c${i}`, `2026-03-10T10:0${i}:00.000Z`, i < 3 ? `2026-03-10T11:0${i}:00.000Z` : undefined);
    const ledger = await openLedger(dir);
    await writeAt(
      ledger,
      steps.sort((a, b) => a[0].localeCompare(b[0])),
    );
    await ledger.close();
  });

  it('counts a released call once, in the week it was asked, and keeps every rate within 0-100%', async () => {
    const run = await toolgate(['report', '--dir', dir, ...PERIOD, '--format', 'json']);
    expect(run.stderr).toBe('');
    const r = JSON.parse(run.stdout);
    const [exec] = r.surfaces;
    expect(exec).toMatchObject({ surface: 'db/exec', server: 'db', tool: 'exec', class: 'unclassified', calls: 4, previous_calls: 20 });
    expect(exec.decisions.hold).toMatchObject({ count: 4, rate: 1, previous_rate: 1 });
    expect(exec.decisions.permit).toMatchObject({ count: 0, rate: 0 });
    expect(exec.hold_outcomes.approve).toMatchObject({ count: 3, rate: 0.75, previous_rate: 0.85 });
    expect(exec.hold_outcomes.approve.change_pp).toBeCloseTo(-10, 6);
    expect(exec.hold_outcomes.pending).toMatchObject({ count: 1, rate: 0.25 });
    expect(exec.final.permit).toMatchObject({ count: 3, rate: 0.75 });
    const figures = rateFigures(r);
    expect(figures.length).toBeGreaterThan(20);
    for (const f of figures) {
      expect(f.rate).toBeGreaterThanOrEqual(0);
      expect(f.rate).toBeLessThanOrEqual(1);
      if (f.change_pp !== null) expect(Math.abs(f.change_pp)).toBeLessThanOrEqual(100);
    }
  });

  it('shows changes in percentage points', async () => {
    const run = await toolgate(['report', '--dir', dir, ...PERIOD]);
    expect(run.stderr).toBe('');
    const text = run.stdout;
    expect(text).toMatch(/db\/exec\s+unclassified\s+4 !\s+20\s/);
    expect(text).toContain('75.0% (-10.0 pp)');
    expect(text).not.toMatch(/\((\+|-)\d+\.\d\)/);
  });
});
