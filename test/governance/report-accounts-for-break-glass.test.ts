// The weekly review accounts for break-glass: every window with who opened and confirmed it and
// whether (and when, by whom) it was reviewed, every call it let through marked with the verdict it
// overrode, and the windows not reviewed yet; `report --check` fails while a window older than
// break_glass.review_within is unreviewed, one line per window.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReview, formatReview } from '../../src/report/index.js';
import { older, overdue, recent, reviewed, SINCE, UNTIL, writeBreakGlassLedger } from './break-glass-ledger.js';
import { buildCli, tempDir, toolgate } from './helpers.js';

beforeAll(buildCli, 180_000);

describe('break-glass in the weekly review', () => {
  it('lists each window with its openers, its review and every call it let through', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await writeBreakGlassLedger(dir);
    const r = await buildReview(dir, new Date(SINCE), new Date(UNTIL));
    expect(r.break_glass.map((w) => w.id)).toEqual([reviewed.id, overdue.id, recent.id]);
    const first = r.break_glass[0]!;
    expect(first).toMatchObject({
      opened_by: 'user:olga',
      opened_at: reviewed.opened_at,
      confirmed_by: [{ by: 'user:sam', at: '2026-03-10T09:02:00.000Z' }],
      closed_by: 'user:olga',
      reviewed: true,
      reviews: [{ by: 'user:tess', at: '2026-03-11T10:00:00.000Z', note: 'matches INC-42' }],
      calls: 3,
    });
    expect(first.let_through.map((c) => [c.call_id, c.surface, c.principal, c.overrode, c.rules])).toEqual([
      ['c_deny', 'db/exec', 'agent:ci', 'deny', ['no-exec']],
      ['c_hold', 'db/exec', 'agent:ci', 'hold', ['exec-held']],
      ['c_silence', 'db/exec', 'agent:ci', 'silence', []],
    ]);
    expect(r.break_glass[1]).toMatchObject({ reviewed: false, reviews: [], confirmed_by: [], calls: 1 });
    // Every window not reviewed by the end of the period, the one opened before it included.
    expect(r.break_glass_unreviewed.map((w) => w.id)).toEqual([older.id, overdue.id, recent.id]);

    const text = formatReview(r, 'text');
    expect(text).toContain(`${reviewed.id} opened ${reviewed.opened_at} by user:olga, confirmed by user:sam`);
    expect(text).toContain('reviewed 2026-03-11T10:00:00.000Z by user:tess: "matches INC-42"');
    expect(text).toMatch(/2026-03-10T09:05:00\.000Z db\/exec agent:ci call c_deny: overrode DENY \(no-exec\)/);
    expect(text).toMatch(/2026-03-10T09:06:00\.000Z db\/exec agent:ci call c_hold: overrode HOLD \(exec-held\)/);
    expect(text).toContain(`${overdue.id} opened ${overdue.opened_at} by user:olga, not confirmed`);
    expect(text).toContain('NOT REVIEWED');
    expect(text).toMatch(new RegExp(`not yet reviewed:\\n  ${older.id} opened ${older.opened_at} by user:sam`));
    expect(formatReview(r, 'md')).toContain('## Break-glass windows not yet reviewed');
  });

  it('report --check fails while a window older than break_glass.review_within is unreviewed', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await writeBreakGlassLedger(join(dir, 'ledger'));
    const period = ['--since', SINCE, '--until', UNTIL];
    // Without a config the default is 7d: the window of 03-12 and the one of 02-20 are overdue at 03-22.
    const byDefault = await toolgate(['report', '--dir', join(dir, 'ledger'), ...period, '--check']);
    expect(byDefault.code).toBe(1);
    expect(byDefault.stdout).toContain('break-glass:');
    const problems = byDefault.stderr.trim().split('\n');
    expect(problems).toEqual([
      `break-glass window ${older.id} opened ${older.opened_at} by user:sam is not reviewed after 29.6 days (break_glass.review_within: 7d)`,
      `break-glass window ${overdue.id} opened ${overdue.opened_at} by user:olga is not reviewed after 9.6 days (break_glass.review_within: 7d)`,
    ]);

    const config = join(dir, 'toolgate.yaml');
    writeFileSync(config, 'ledger: { dir: ledger }\nbreak_glass: { review_within: 1d }\n');
    const strict = await toolgate(['report', '-c', config, ...period, '--check']);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim().split('\n')).toHaveLength(3);
    expect(strict.stderr).toContain(`${recent.id} opened ${recent.opened_at} by user:sam is not reviewed after 1.6 days (break_glass.review_within: 1d)`);

    writeFileSync(config, 'ledger: { dir: ledger }\nbreak_glass: { review_within: 60d }\n');
    const lenient = await toolgate(['report', '-c', config, ...period, '--check']);
    expect([lenient.code, lenient.stderr]).toEqual([0, '']);
    // Without --check the review is a report, not a check: it exits 0 whatever it shows.
    expect((await toolgate(['report', '--dir', join(dir, 'ledger'), ...period])).code).toBe(0);
  });
});
