// Break-glass with `open_quorum: 2` over the real admin API, store and ledger: a window lets nothing
// through until a second reviewer with the right confirms it; it never releases the calls of those
// who opened or confirmed it; a third reviewer reviews it afterwards. Each step is a receipt.
import { describe, expect, it } from 'vitest';
import { setup } from './break-glass-rig.js';

const AT = new Date('2026-03-10T09:10:00.000Z');

async function openedBy(api: Awaited<ReturnType<typeof setup>>['api'], token: string) {
  const res = await api('POST', '/api/break-glass', token, { reason: 'INC-7 rds outage', for: '30m', surface: 'infra' });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; active: boolean };
}

describe('a break-glass window that needs two reviewers', () => {
  it('lets nothing through until a second reviewer with the right confirms it, each step a receipt', async () => {
    const { breakGlass, api, receipts } = await setup(2);
    const opened = await openedBy(api, 'olga-token');
    expect(opened.active).toBe(false);
    expect(await breakGlass.activeWindowFor('agent:ci', 'infra', 'rds-reboot', AT)).toBeUndefined();

    expect((await api('POST', `/api/break-glass/${opened.id}/confirm`, 'olga-token')).status).toBe(403);
    expect((await api('POST', `/api/break-glass/${opened.id}/confirm`, 'rick-token')).status).toBe(403);
    expect(await breakGlass.activeWindowFor('agent:ci', 'infra', 'rds-reboot', AT)).toBeUndefined();

    const confirmed = await api('POST', `/api/break-glass/${opened.id}/confirm`, 'sam-token');
    expect(confirmed.status).toBe(200);
    expect(await confirmed.json()).toMatchObject({ active: true, confirmations: [{ by: 'user:sam' }] });
    expect((await breakGlass.activeWindowFor('agent:ci', 'infra', 'rds-reboot', AT))?.id).toBe(opened.id);
    expect((await api('POST', `/api/break-glass/${opened.id}/confirm`, 'tess-token')).status).toBe(400);

    const bodies = await receipts();
    expect(bodies.map((b) => b.event)).toEqual(['break_glass_open', 'break_glass_confirm']);
    expect(bodies[1]).toMatchObject({ principal: { id: 'user:sam' }, break_glass: { id: opened.id, opened_by: 'user:olga' } });
  });

  it('never releases calls made by the reviewers who opened or confirmed it', async () => {
    const { breakGlass, api } = await setup(2);
    const opened = await openedBy(api, 'olga-token');
    await api('POST', `/api/break-glass/${opened.id}/confirm`, 'sam-token');
    expect(await breakGlass.activeWindowFor('User:Sam', 'infra', 'rds-reboot', AT)).toBeUndefined();
    expect(await breakGlass.activeWindowFor('user:olga', 'infra', 'rds-reboot', AT)).toBeUndefined();
    expect((await breakGlass.activeWindowFor('user:tess', 'infra', 'rds-reboot', AT))?.id).toBe(opened.id);
  });

  it('is reviewed with a note by a reviewer with the right who neither opened nor confirmed it', async () => {
    const { api, receipts } = await setup(2);
    const opened = await openedBy(api, 'olga-token');
    await api('POST', `/api/break-glass/${opened.id}/confirm`, 'sam-token');
    const review = (token: string, body: unknown) => api('POST', `/api/break-glass/${opened.id}/review`, token, body);
    expect((await review('olga-token', { note: 'fine' })).status).toBe(403);
    expect((await review('sam-token', { note: 'fine' })).status).toBe(403);
    expect((await review('rick-token', { note: 'fine' })).status).toBe(403);
    expect((await review('tess-token', { note: ' ' })).status).toBe(400);
    const reviewed = await review('tess-token', { note: 'reboot only, matches INC-7' });
    expect(reviewed.status).toBe(200);
    expect(await reviewed.json()).toMatchObject({ reviews: [{ by: 'user:tess', note: 'reboot only, matches INC-7' }] });
    const last = (await receipts()).at(-1);
    expect(last).toMatchObject({
      event: 'break_glass_review',
      principal: { id: 'user:tess' },
      break_glass: { id: opened.id, note: 'reboot only, matches INC-7' },
    });
  });
});
