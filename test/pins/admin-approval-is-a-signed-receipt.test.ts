// A pin approval becomes a signed `pin_approve` receipt in a real ledger (wired as the gateway does:
// registry listener -> pinApprovalDraft -> ledger.append) that verifies against the keyring and
// names the surface, the new pin, the change and the reviewer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceipts, verifyLedger } from '../../src/ledger/index.js';
import { pinApprovalDraft } from '../../src/pins/index.js';
import { canonicalSha256, Keyring, keyringPath } from '../../src/receipts/index.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { driftedGateway, TOKENS } from './admin-fixtures.js';

const BUNDLE = 'c'.repeat(64);

describe('a pin approval', () => {
  it('is recorded as a signed pin_approve receipt naming the reviewer and the change', async () => {
    const { api, registry, from, to } = await driftedGateway();
    const { ledger, dir } = await openTestLedger();
    const appended: Array<Promise<unknown>> = [];
    registry.subscribe((event) => {
      if (event.kind === 'approved') appended.push(ledger.append(pinApprovalDraft(event, BUNDLE)));
    });
    expect((await api('/api/pins/docs/search/approve', TOKENS.pins, { expected_pin: to })).status).toBe(200);
    await Promise.all(appended);
    await ledger.close();

    const report = await verifyLedger(join(dir, 'ledger'), Keyring.load(keyringPath(join(dir, 'keys'))));
    expect(report).toMatchObject({ ok: true, receipts: 1 });
    const bodies = [];
    for await (const r of readReceipts(join(dir, 'ledger'))) bodies.push(r.body);
    expect(bodies).toEqual([
      expect.objectContaining({
        event: 'pin_approve',
        call: {
          id: 'pin:docs/search',
          session: 'admin',
          rpc_id: null,
          server: 'docs',
          tool: 'search',
          tool_sha256: to,
          args_sha256: canonicalSha256({ from, to }),
        },
        principal: { id: 'user:pat' },
        policy: {
          bundle_sha256: BUNDLE,
          rules: [],
          effect: 'pin_approve',
          reason: `definition of docs/search changed from ${from} to ${to}; approved by user:pat`,
        },
      }),
    ]);
  });

  it('of a new tool says so in its reason', () => {
    const draft = pinApprovalDraft(
      {
        kind: 'approved',
        upstream: 'docs',
        identity: 'd'.repeat(64),
        tool: 'admin',
        from: null,
        to: 'e'.repeat(64),
        reviewer: 'user:pat',
        at: new Date().toISOString(),
      },
      BUNDLE,
    );
    expect(draft.event === 'pin_approve' && draft.policy.reason).toBe(
      `definition of docs/admin changed from (new tool) to ${'e'.repeat(64)}; approved by user:pat`,
    );
    expect(draft.event === 'pin_approve' && draft.call.args_sha256).toBe(canonicalSha256({ from: null, to: 'e'.repeat(64) }));
  });
});
