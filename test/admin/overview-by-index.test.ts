// GET /api/overview through the running ledger's index: the same counts by day (or hour) and surface
// as the scan the console made before, for every period, on a ledger with every event kind over six
// weeks, and after the index file was deleted or damaged (rebuilt from the ledger).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleRoutes, overview } from '../../src/admin/console/index.js';
import { overviewOf } from '../../src/admin/console/overview.js';
import { createAdminServer } from '../../src/admin/index.js';
import { INDEX_FILE, LedgerIndex, readReceipts } from '../../src/ledger/index.js';
import { directory, log } from '../approvals/fixtures.js';
import { ledgerOverWeeks, silentLog } from '../ledger/helpers.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

const PERIODS = ['24h', '7d', '30d'] as const;

async function lastTs(dir: string): Promise<Date> {
  let ts = '';
  for await (const r of readReceipts(dir)) ts = r.body.ts;
  return new Date(ts);
}

async function api(ledgerDir: string, index: LedgerIndex | null, now: Date) {
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers: directory,
    log,
    routes: consoleRoutes({ ledgerDir, keysDir: ledgerDir, index, clock: () => now }),
  });
  const url = await admin.listen();
  closing.push(() => admin.close());
  return async (query: string) => {
    const res = await fetch(`${url}/api/overview${query}`, { headers: { authorization: 'Bearer alice-token' } });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.text();
  };
}

describe('the overview through the ledger index', () => {
  it('counts what the scan counts, for every period, in the same order', async () => {
    const dir = await ledgerOverWeeks();
    const now = await lastTs(dir);
    const index = new LedgerIndex(dir, () => Number.MAX_SAFE_INTEGER, silentLog);
    closing.push(() => index.close());
    const indexed = await api(dir, index, now);
    const scanned = await api(dir, null, now);
    for (const period of PERIODS) {
      // Answered by the index itself, not by its fallback to a scan.
      const byIndex = await overviewOf((visit) => index.visitFacts(visit), period, now);
      expect(byIndex?.surfaces.length, period).toBeGreaterThan(0);
      expect(JSON.stringify(byIndex)).toBe(await scanned(`?period=${period}`));
      expect(await indexed(`?period=${period}`)).toBe(await scanned(`?period=${period}`));
    }
    const month = JSON.parse(await indexed('?period=30d')) as { surfaces: Array<{ series: object[] }> };
    expect(month.surfaces.map((s) => s.series.filter((b) => Object.keys(b).length).length).reduce((a, b) => a + b)).toBeGreaterThan(20);
  });

  it('counts what the scan counts after the index file was deleted or damaged', async () => {
    const dir = await ledgerOverWeeks();
    const now = await lastTs(dir);
    const good = readFileSync(join(dir, INDEX_FILE));
    for (const damage of [() => rmSync(join(dir, INDEX_FILE)), () => writeFileSync(join(dir, INDEX_FILE), good.subarray(0, 64 + 64 * 3 + 17))]) {
      damage();
      const index = new LedgerIndex(dir, () => Number.MAX_SAFE_INTEGER, silentLog);
      for (const period of PERIODS) expect(await overview(dir, index, period, now), period).toEqual(await overview(dir, null, period, now));
      await index.close();
      expect(readFileSync(join(dir, INDEX_FILE)).equals(good)).toBe(true);
    }
  });
});
