// Break-glass over a real admin server, a real store and a real ledger: only a reviewer with the
// right opens a window, within the maximum; it covers the calls in its scope until it closes early
// or on time (by the sweep); opening and closing are receipts; it never extends itself.
import { describe, expect, it } from 'vitest';
import { EXPIRY_ACTOR } from '../../src/breakglass/index.js';
import { setup } from './break-glass-rig.js';

describe('break-glass windows', () => {
  it('opens for a reviewer with the right, covers its scope only, and closes early with receipts', async () => {
    const { breakGlass, api, receipts } = await setup();
    const res = await api('POST', '/api/break-glass', 'olga-token', {
      reason: 'payments outage INC-42',
      for: '30m',
      principal: 'agent:ci',
      surface: 'db/exec_*',
    });
    expect(res.status).toBe(201);
    const opened = (await res.json()) as { id: string; expires_at: string; active: boolean };
    expect(opened).toMatchObject({ active: true, expires_at: '2026-03-10T09:30:00.000Z' });
    const at = new Date('2026-03-10T09:10:00.000Z');
    expect((await breakGlass.activeWindowFor('agent:ci', 'db', 'exec_sql', at))?.id).toBe(opened.id);
    expect(await breakGlass.activeWindowFor('agent:other', 'db', 'exec_sql', at)).toBeUndefined();
    expect(await breakGlass.activeWindowFor('agent:ci', 'db', 'query', at)).toBeUndefined();
    expect(await breakGlass.activeWindowFor('agent:ci', 'fs', 'exec_sql', at)).toBeUndefined();

    const closed = await api('POST', `/api/break-glass/${opened.id}/close`, 'olga-token');
    expect(await closed.json()).toMatchObject({ active: false, closed_by: 'user:olga', closed_at: '2026-03-10T09:00:00.000Z' });
    expect(await breakGlass.activeWindowFor('agent:ci', 'db', 'exec_sql', at)).toBeUndefined();
    expect((await api('POST', `/api/break-glass/${opened.id}/close`, 'olga-token')).status).toBe(400);

    const bodies = await receipts();
    expect(bodies.map((b) => b.event)).toEqual(['break_glass_open', 'break_glass_close']);
    expect(bodies[0]).toMatchObject({
      principal: { id: 'user:olga' },
      call: { id: opened.id, server: 'db', tool: 'exec_*' },
      break_glass: { id: opened.id, opened_by: 'user:olga', reason: 'payments outage INC-42', expires_at: opened.expires_at },
    });
    const list = (await (await api('GET', '/api/break-glass', 'rick-token')).json()) as { windows: unknown[] };
    expect(list.windows).toHaveLength(1);
  });

  it('refuses a reviewer without the right, a window past the maximum, and a request without a reason', async () => {
    const { api, receipts } = await setup();
    const refused = await api('POST', '/api/break-glass', 'rick-token', { reason: 'x', for: '30m' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/lacks the "break-glass" right/);
    expect((await api('POST', '/api/break-glass', 'olga-token', { reason: 'x', for: '5h' })).status).toBe(400);
    expect((await api('POST', '/api/break-glass', 'olga-token', { reason: ' ', for: '30m' })).status).toBe(400);
    expect((await api('POST', '/api/break-glass', 'olga-token', { reason: 'x', for: '30m', extend: true })).status).toBe(400);
    expect((await api('POST', '/api/break-glass/bg_000000000000000000000000/close', 'olga-token')).status).toBe(404);
    expect(await receipts()).toEqual([]);
  });

  it('stops covering calls at its expiry and is closed on time by the sweep, with a receipt', async () => {
    const { breakGlass, api, receipts, setNow } = await setup();
    const opened = (await (await api('POST', '/api/break-glass', 'olga-token', { reason: 'restore', for: '15m' })).json()) as { id: string };
    expect(await breakGlass.activeWindowFor('agent:any', 'fs', 'write_file', new Date('2026-03-10T09:14:59.999Z'))).toBeDefined();
    expect(await breakGlass.activeWindowFor('agent:any', 'fs', 'write_file', new Date('2026-03-10T09:15:00.000Z'))).toBeUndefined();
    expect(await breakGlass.sweep(new Date('2026-03-10T09:14:00.000Z'))).toBe(0);
    setNow('2026-03-10T09:20:00.000Z');
    expect(await breakGlass.sweep()).toBe(1);
    const [window] = await breakGlass.list();
    expect(window).toMatchObject({ id: opened.id, closed_by: EXPIRY_ACTOR, closed_at: '2026-03-10T09:15:00.000Z' });
    expect((await receipts()).map((b) => b.event)).toEqual(['break_glass_open', 'break_glass_close']);
  });
});
