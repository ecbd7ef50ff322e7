// The console's receipt filter and GET /api/receipts must speak the same events: a reviewer who
// picks an event from the filter gets a search, not a 400.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleRoutes } from '../../src/admin/console/index.js';
import { createAdminServer } from '../../src/admin/index.js';
import { RECEIPT_EVENTS } from '../../web/src/model.js';
import { directory, log } from '../approvals/fixtures.js';
import { openTestLedger } from '../fixtures/ledger.js';

const closing: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function searchApi() {
  const { ledger, dir } = await openTestLedger();
  closing.push(() => ledger.close());
  const admin = createAdminServer({
    admin: { host: '127.0.0.1', port: 0, allowed_hosts: [] },
    reviewers: directory,
    log,
    routes: consoleRoutes({ ledgerDir: join(dir, 'ledger'), keysDir: join(dir, 'keys') }),
  });
  const url = await admin.listen();
  closing.push(() => admin.close());
  return (event: string) => fetch(`${url}/api/receipts?event=${event}`, { headers: { authorization: 'Bearer alice-token' } });
}

describe('the console receipt filter', () => {
  it('offers only events a receipts search accepts', async () => {
    const search = await searchApi();
    const refused: string[] = [];
    for (const event of RECEIPT_EVENTS) if ((await search(event)).status !== 200) refused.push(event);
    expect(refused).toEqual([]);
  });
});
