// Constraints the gate enforces itself, and receipts that say which were applied: a timeout that
// cancels the upstream request at the deadline (notifications/cancelled, as MCP says), the names of
// the arguments `set` rewrote with the hash of what was forwarded (only when something changed), and
// every limit charged with its counter after the charge.
import { afterEach, describe, expect, it } from 'vitest';
import { outcomesUpstream, type RealUpstream } from './real-upstream.js';
import { gateRig, receiptOf, textOf, type Rig } from './rig.js';

let rig: Rig;
let up: RealUpstream | undefined;
afterEach(async () => {
  await rig?.close();
  await up?.close();
  up = undefined;
});

type Constraints = { set?: string[]; timeout_ms?: number; limits?: Array<{ name: string; used: number; max: number }> };
const bodyOf = (answer: Parameters<typeof receiptOf>[0]) =>
  receiptOf(answer) as ReturnType<typeof receiptOf> & { constraints?: Constraints; call: { args_sha256: string; effective_args_sha256?: string } };

describe('constraints.timeout', () => {
  const BOUNDED = `  - id: bounded
    effect: allow_with_constraints
    match: { server: db, tool: slow }
    constraints: { timeout: 300ms }
`;

  it('at the deadline cancels the upstream request, refuses in words naming the constraint, and records unknown', async () => {
    rig = await gateRig(BOUNDED);
    up = await outcomesUpstream('60s');
    const started = Date.now();
    const answer = await rig.call('slow', { ms: 5000 }, { dispatch: up.dispatch('slow') });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/constraints\.timeout of rule bounded \(300ms\)/);
    expect(textOf(answer)).toMatch(/may have run/);
    const receipt = bodyOf(answer);
    expect(receipt.event).toBe('unknown');
    expect(receipt.constraints).toEqual({ timeout_ms: 300 });
    const cancel = await up.traced((t) => t.event === 'received');
    expect(cancel).toMatchObject({
      message: { method: 'notifications/cancelled', params: { requestId: expect.any(Number), reason: expect.stringMatching(/timeout/) } },
    });
    expect(await up.traced((t) => t.event === 'cancelled')).toMatchObject({ tool: 'slow' });
  });

  it('a call that answers in time completes, and its receipts name the timeout', async () => {
    rig = await gateRig(BOUNDED);
    up = await outcomesUpstream('60s');
    const answer = await rig.call('slow', { ms: 10 }, { dispatch: up.dispatch('slow') });
    expect(textOf(answer)).toBe('slow done');
    expect(bodyOf(answer)).toMatchObject({ event: 'complete', constraints: { timeout_ms: 300 } });
    expect((await rig.bodies()).map((b) => b.constraints)).toEqual([{ timeout_ms: 300 }, { timeout_ms: 300 }]);
  });

  it('is refused at load on a rule that is not allow_with_constraints', async () => {
    await expect(gateRig(`  - { id: plain, effect: allow, match: { server: db }, constraints: { timeout: 1s } }\n`)).rejects.toThrow(/constraints/);
  });
});

describe('receipts name the constraints applied', () => {
  const RULES = `  - id: capped
    effect: allow_with_constraints
    match: { server: db, tool: export }
    constraints: { set: { limit: 'has(args.limit) ? min(args.limit, 100) : 100', format: '"csv"' } }
    limits: [{ per: principal, rate: 5/1h }, { per: upstream, budget: { arg: limit, max: 1000, window: 1d } }]
`;

  it('the arguments set rewrote, by name, with the hash of what was forwarded, and each limit with its counter after the charge', async () => {
    rig = await gateRig(RULES);
    const answer = await rig.call('export', { limit: 5000, format: 'csv' });
    const receipt = bodyOf(answer);
    expect(rig.upstream.calls).toEqual([{ limit: 100, format: 'csv' }]);
    expect(receipt.constraints).toEqual({
      set: ['limit'],
      limits: [
        { name: 'limit:capped:rate:principal', used: 1, max: 5 },
        { name: 'limit:capped:budget:upstream', used: 100, max: 1000 },
      ],
    });
    expect(receipt.call.effective_args_sha256).toMatch(/^[0-9a-f]{64}$/);
    const second = bodyOf(await rig.call('export', { limit: 50 }));
    expect(second.constraints?.set).toEqual(['format']);
    expect(second.constraints?.limits).toEqual([
      { name: 'limit:capped:rate:principal', used: 2, max: 5 },
      { name: 'limit:capped:budget:upstream', used: 150, max: 1000 },
    ]);
  });

  it('arguments that set left as they were name no rewrite and no second hash', async () => {
    rig = await gateRig(RULES);
    const receipt = bodyOf(await rig.call('export', { limit: 10, format: 'csv' }));
    expect(receipt.constraints?.set).toBeUndefined();
    expect(receipt.call.effective_args_sha256).toBeUndefined();
    expect(receipt.constraints?.limits).toHaveLength(2);
  });
});
