import { describe, expect, it } from 'vitest';
import type { LimitCharge } from '../../src/core/index.js';
import { tempPath } from '../approvals/fixtures.js';
import { lowdbStore } from '../fixtures/stores.js';

const rate = (max: number, windowMs = 60_000): LimitCharge => ({ ruleId: 'r', key: 'rate:r:agent', kind: 'rate', max, windowMs, amount: 1 });
const budget = (amount: number, max = 1000): LimitCharge => ({ ruleId: 'b', key: 'budget:b:agent', kind: 'budget', max, windowMs: 3_600_000, amount });

describe('limit counters', () => {
  it('allows a rate up to its maximum in a sliding window, then again once old calls leave it, telling each counter after the charge', async () => {
    const store = await lowdbStore(tempPath());
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 3; i++)
      expect(await store.charge([rate(3)], new Date(t0 + i * 10_000))).toEqual({ ok: true, charged: [{ charge: rate(3), used: i + 1 }] });
    expect(await store.charge([rate(3)], new Date(t0 + 59_000))).toEqual({ ok: false, charge: rate(3), used: 3 });
    // The first call (t0) left the window at t0 + 60 s; the two others are still in it.
    expect(await store.charge([rate(3)], new Date(t0 + 60_001))).toEqual({ ok: true, charged: [{ charge: rate(3), used: 3 }] });
    expect((await store.charge([rate(3)], new Date(t0 + 60_002))).ok).toBe(false);
  });

  it('sums budget amounts in the window', async () => {
    const store = await lowdbStore(tempPath());
    const now = new Date();
    expect(await store.charge([budget(600)], now)).toEqual({ ok: true, charged: [{ charge: budget(600), used: 600 }] });
    expect(await store.charge([budget(500)], now)).toEqual({ ok: false, charge: budget(500), used: 600 });
    expect(await store.charge([budget(400)], now)).toEqual({ ok: true, charged: [{ charge: budget(400), used: 1000 }] });
  });

  it('records all charges of a call or none of them', async () => {
    const store = await lowdbStore(tempPath());
    const now = new Date();
    const refused = await store.charge([rate(5), budget(2000)], now);
    expect(refused).toMatchObject({ ok: false, charge: { key: 'budget:b:agent' }, used: 0 });
    // The rate charge was not recorded: five calls still fit.
    for (let i = 0; i < 5; i++) expect((await store.charge([rate(5)], now)).ok).toBe(true);
    expect((await store.charge([rate(5)], now)).ok).toBe(false);
  });

  it('counts two charges on one key in one call together', async () => {
    const store = await lowdbStore(tempPath());
    expect((await store.charge([budget(600), budget(600)], new Date())).ok).toBe(false);
  });

  it('keeps counters across a restart', async () => {
    const path = tempPath();
    const store = await lowdbStore(path);
    const now = new Date();
    await store.charge([rate(1)], now);
    await store.close();
    expect((await (await lowdbStore(path)).charge([rate(1)], now)).ok).toBe(false);
  });

  it('refuses a charge that is not a number (fail closed)', async () => {
    const store = await lowdbStore(tempPath());
    await expect(store.charge([budget(Number.NaN)], new Date())).rejects.toThrow(/finite/);
    await expect(store.charge([budget(-5)], new Date())).rejects.toThrow(/non-negative/);
  });
});
