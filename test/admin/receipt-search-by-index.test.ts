// GET /api/receipts by receipt id, call id and principal through the running ledger's index: the
// same answer as the scan the console made before, for receipts acknowledged just before the request.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/admin/console/index.js';
import { createAdminServer } from '../../src/admin/index.js';
import { directory, log } from '../approvals/fixtures.js';
import { openTestLedger } from '../fixtures/ledger.js';
import type { AppendedReceipt } from '../../src/ledger/index.js';
import { draft } from '../ledger/helpers.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function api(ledgerDir: string, keysDir: string, index: Parameters<typeof consoleRoutes>[0]['index']) {
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers: directory,
    log,
    routes: consoleRoutes({ ledgerDir, keysDir, index }),
  });
  const url = await admin.listen();
  closing.push(() => admin.close());
  return async (query: string) => {
    const res = await fetch(`${url}/api/receipts${query}`, { headers: { authorization: 'Bearer alice-token' } });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
}

describe('receipt search through the ledger index', () => {
  it('answers by receipt id, call id and principal, and one receipt with its neighbours, as the scan does', async () => {
    const { ledger, dir } = await openTestLedger();
    closing.push(() => ledger.close());
    const written: AppendedReceipt[] = [];
    for (let i = 0; i < 12; i++) {
      const d = draft(i % 4, i % 2 ? 'complete' : 'permit');
      written.push(await ledger.append(Object.assign(d, { principal: { id: `agent:${i % 3}` } })));
    }
    const keys = join(dir, 'keys');
    const indexed = await api(join(dir, 'ledger'), keys, ledger.index);
    const scanned = await api(join(dir, 'ledger'), keys, null);
    const ids = [0, 7, 11].map((i) => `/${written[i]!.body.id}`);
    for (const query of [
      `?receipt_id=${written[7]!.body.id}`,
      '?call_id=call_2',
      '?principal=agent:1',
      '?principal=agent:1&limit=2',
      '?call_id=call_9',
      ...ids,
    ]) {
      expect(await indexed(query), query).toEqual(await scanned(query));
    }
    expect((await indexed(`?receipt_id=${written[7]!.body.id}`)).receipts.map((r: { seq: number }) => r.seq)).toEqual([7]);
  });
});
