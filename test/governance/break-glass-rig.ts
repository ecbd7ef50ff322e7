// A break-glass service over a real admin server, a real store and a real ledger, with a clock the
// test moves: what the break-glass tests drive through the admin API.
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { createAdminServer, type AdminServer } from '../../src/admin/index.js';
import { BreakGlass, breakGlassDraft, breakGlassRoutes } from '../../src/breakglass/index.js';
import { readReceipts, type Ledger } from '../../src/ledger/index.js';
import { openLowdbStore } from '../../src/store/index.js';
import { openLedger, reviewers, silentLog, tempDir } from './helpers.js';

const running: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of running.splice(0).reverse()) await close();
});

export async function setup(openQuorum = 1) {
  const dir = tempDir();
  const store = await openLowdbStore(join(dir, 'state.json'));
  const ledger: Ledger = await openLedger(join(dir, 'ledger'));
  let now = new Date('2026-03-10T09:00:00.000Z');
  const breakGlass = new BreakGlass({
    store,
    log: silentLog,
    maxDurationMs: 4 * 3_600_000,
    openQuorum,
    clock: () => now,
    record: (event, w) => ledger.append(breakGlassDraft(event, w, 'b'.repeat(64))),
  });
  const admin: AdminServer = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers,
    log: silentLog,
    routes: breakGlassRoutes(breakGlass, () => now),
  });
  const url = await admin.listen();
  running.push(
    () => store.close(),
    () => ledger.close(),
    () => admin.close(),
  );
  const api = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  const receipts = async () => {
    const out = [];
    for await (const r of readReceipts(join(dir, 'ledger'))) out.push(r.body);
    return out;
  };
  return { breakGlass, api, receipts, setNow: (t: string) => (now = new Date(t)) };
}
