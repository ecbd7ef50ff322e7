// POST /api/pins/:upstream/:tool/approve accepts exactly the definition the reviewer saw, from a
// reviewer with the `pins` right; every other request is refused with a JSON error and changes nothing.
import { describe, expect, it } from 'vitest';
import { driftedGateway, TOKENS } from './admin-fixtures.js';

const APPROVE = '/api/pins/docs/search/approve';

describe('approving a drift through the admin API', () => {
  it('records the new pin under the reviewer and tells the registry listeners', async () => {
    const { api, registry, identity, events, from, to } = await driftedGateway();
    const res = await api(APPROVE, TOKENS.pins, { expected_pin: to });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ upstream: 'docs', tool: 'search', from, to, reviewer: 'user:pat' });
    const record = await registry.record(identity);
    expect(record?.drifts).toEqual({});
    expect(record?.pins.search).toMatchObject({ sha256: to, approved_by: 'user:pat', replaces: from });
    expect(events.at(-1)).toMatchObject({ kind: 'approved', tool: 'search', reviewer: 'user:pat', to });
  });

  it('refuses a reviewer without the pins right (403)', async () => {
    const { api, registry, identity, to } = await driftedGateway();
    const res = await api(APPROVE, TOKENS.plain, { expected_pin: to });
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toContain('lacks the "pins" right');
    expect((await registry.record(identity))?.drifts.search?.to).toBe(to);
  });

  it('requires the pin the reviewer saw (400) and refuses a stale one (409)', async () => {
    const { api, registry, identity, from, to } = await driftedGateway();
    const missing = await api(APPROVE, TOKENS.pins, {});
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toContain('expected_pin');
    expect((await api(APPROVE, TOKENS.pins, { expected_pin: to, note: 'x' })).status).toBe(400);
    const stale = await api(APPROVE, TOKENS.pins, { expected_pin: from });
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.message).toContain('changed again');
    expect((await registry.record(identity))?.drifts.search?.to).toBe(to);
  });

  it('answers 404 for an unknown upstream or a tool with nothing pending', async () => {
    const { api, to } = await driftedGateway();
    expect((await api('/api/pins/nope/search/approve', TOKENS.pins, { expected_pin: to })).status).toBe(404);
    const res = await api('/api/pins/docs/fetch/approve', TOKENS.pins, { expected_pin: to });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('no pending change');
  });
});
