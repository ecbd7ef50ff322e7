// Approved held calls count against limits and budgets like any other: charged at release, and a
// release that would pass a limit is refused with a receipt. With the shipped payments bundle
// (budget 20,000 per agent per day), approved and unheld transfers together stay within it.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { gateRig, heldApproval, receiptOf, reviewer, textOf, type Rig } from './rig.js';

const PAYMENTS = readFileSync(new URL('../../policies/payments/policy.yaml', import.meta.url), 'utf8')
  .split('\nrules:\n')[1]!
  .replace('group:finance', 'group:dba');
let rig: Rig;
afterEach(() => rig?.close());

const transfer = (amount: number) => rig.call('transfer', { amount, currency: 'EUR', to: 'acct-1' }, { server: 'payments', principal: 'agent:billing' });

it('approved transfers and unheld transfers together cannot pass the daily budget', async () => {
  rig = await gateRig(PAYMENTS);
  const results = [];
  for (const amount of [9_000, 900, 9_000, 900, 900, 9_000]) {
    const answering = transfer(amount);
    if (amount > 1_000) await rig.approvals.decide((await heldApproval(rig.approvals)).id, reviewer('alice'), 'approve');
    results.push(await answering);
  }
  const sent = rig.upstream.calls.map((args) => args.amount as number);
  expect(sent.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
  expect(sent).toEqual([9_000, 900, 9_000, 900]);
  const last = results.at(-1)!;
  expect(receiptOf(last)).toMatchObject({ event: 'deny', policy: { rules: ['limit:transfers-capped:budget:principal'] } });
  expect(textOf(last)).toMatch(/was granted, but limit of rule transfers-capped reached/);
});
