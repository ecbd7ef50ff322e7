// The weekly review of a ledger written by the real Ledger: counts and rates per surface, the
// change against the previous week with the material one flagged, approval latency, expired holds
// and the break-glass window with its reason.
import { describe, expect, it } from 'vitest';
import { buildReview, formatReview, rateFigure, volumeMaterial } from '../../src/report/index.js';
import { tempDir } from './helpers.js';
import { SINCE, UNTIL, window, writeScriptedLedger } from './scripted-ledger.js';

describe('the weekly review', () => {
  it('reports what the scripted fortnight holds', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await writeScriptedLedger(dir);
    const r = await buildReview(dir, new Date(SINCE), new Date(UNTIL));
    expect(r.previous).toEqual({ since: '2026-03-01T00:00:00.000Z', until: SINCE });
    expect([r.totals.calls, r.totals.previous_calls]).toEqual([27, 20]);
    const query = r.surfaces.find((s) => s.surface === 'db/query')!;
    expect([query.calls, query.previous_calls, query.volume_material]).toEqual([20, 20, false]);
    expect(query.decisions.deny).toEqual({ count: 10, rate: 0.5, previous_rate: 0, change_pp: 50, material: true });
    expect(query.decisions.permit).toMatchObject({ count: 10, rate: 0.5, previous_rate: 1, material: true });
    const exec = r.surfaces.find((s) => s.surface === 'db/exec')!;
    expect(exec).toMatchObject({ calls: 5, previous_calls: 0, break_glass_calls: 1 });
    expect(exec.decisions.hold).toMatchObject({ count: 4, rate: 0.8, previous_rate: null, material: false });
    expect(exec.hold_outcomes).toMatchObject({ approve: { count: 2, rate: 0.5 }, reject: { count: 1, rate: 0.25 }, expire: { count: 1, rate: 0.25 } });
    expect(r.surfaces.find((s) => s.surface === 'fs/read_file')).toMatchObject({ calls: 2, decisions: { permit: { rate: 1, material: false } } });
    expect(r.approval_latency).toEqual({ decided: 3, median_ms: 120_000, p90_ms: 300_000 });
    expect(r.expired_holds).toEqual({ total: 1, by_surface: { 'db/exec': 1 } });
    expect(r.break_glass).toEqual([
      {
        id: window.id,
        opened_by: 'user:olga',
        reason: 'payments outage INC-42',
        opened_at: window.opened_at,
        expires_at: window.expires_at,
        closed_at: '2026-03-10T09:20:00.000Z',
        closed_by: 'user:olga',
        confirmed_by: [],
        reviews: [],
        reviewed: false,
        calls: 1,
        let_through: [{ call_id: 'bg_call', ts: '2026-03-10T09:05:00.000Z', surface: 'db/exec', principal: 'agent:ci', overrode: 'deny', rules: ['no-exec'] }],
      },
    ]);
    expect(r.material_changes).toEqual(['db/query: permit 100.0% -> 50.0% of calls (-50.0 pp)', 'db/query: deny 0.0% -> 50.0% of calls (+50.0 pp)']);
    const text = formatReview(r, 'text');
    expect(text).toContain('payments outage INC-42');
    expect(text).toMatch(/db\/query\s+unclassified\s+20\s+20\s+50\.0% \(-50\.0 pp\) !/);
    expect(formatReview(r, 'md')).toContain('## Break-glass');
  });

  it('calls a change material only when it is large, unlikely to be noise, and on enough calls', () => {
    expect(rateFigure(10, 20, 0, 20).material).toBe(true);
    expect(rateFigure(3, 19, 0, 20).material).toBe(false); // too few calls this period
    expect(rateFigure(52, 1000, 48, 1000).material).toBe(false); // 0.4 pp
    expect(rateFigure(600, 10_000, 500, 10_000).material).toBe(false); // 1 pp, however significant
    expect(rateFigure(30, 100, 20, 100).material).toBe(false); // 10 pp but |z| < 3
    expect(rateFigure(300, 1000, 200, 1000).material).toBe(true);
    expect([volumeMaterial(40, 20), volumeMaterial(10, 20), volumeMaterial(30, 20), volumeMaterial(19, 0), volumeMaterial(20, 0)]).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });
});
