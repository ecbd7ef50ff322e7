// allow_with_constraints (require, set) and limits: what the gate receives to forward and charge.
import { describe, expect, it } from 'vitest';
import { bundleOf, decide } from './helpers.js';

const payments = bundleOf(`  - id: capped
    effect: allow_with_constraints
    match: { server: payments, tool: transfer }
    constraints:
      require: 'args.amount <= 1000'
      set: { limit: 'has(args.limit) ? min(args.limit, 100) : 100', memo: '"via toolgate"' }
    limits:
      - { per: principal, rate: 60/1m }
      - { per: principal, budget: { arg: amount, max: 5000, window: 1d } }
      - { per: upstream, rate: 1000/1h }
      - { per: tool, rate: 10/1s }
`);
const transfer = (args: Record<string, unknown>, principal = 'agent:a') => decide(payments, { server: 'payments', tool: 'transfer', args, principal });

describe('constraints', () => {
  it('require holds: permit, with arguments rewritten and clamped by set', () => {
    const d = transfer({ amount: 250, limit: 500, to: 'x' });
    expect(d.outcome).toBe('permit');
    expect(d.effectiveArgs).toEqual({ amount: 250, limit: 100, to: 'x', memo: 'via toolgate' });
  });

  it('set fills a missing argument and leaves a smaller one', () => {
    expect(transfer({ amount: 1 }).effectiveArgs).toMatchObject({ limit: 100 });
    expect(transfer({ amount: 1, limit: 7 }).effectiveArgs).toMatchObject({ limit: 7 });
  });

  it('require false: deny naming the rule and the constraint', () => {
    const d = transfer({ amount: 1001 });
    expect(d).toMatchObject({ outcome: 'deny', rules: ['capped'] });
    expect(d.reason).toContain('args.amount <= 1000');
  });

  it('a constraint over an argument of the wrong type, or a missing one, denies', () => {
    expect(transfer({ amount: '1' }).outcome).toBe('deny');
    expect(transfer({}).outcome).toBe('deny');
    expect(transfer({ amount: 5, limit: 'lots' }).outcome).toBe('deny');
  });
});

describe('limits', () => {
  it('produce one charge per limit, keyed per principal, upstream or tool', () => {
    const d = transfer({ amount: 250 }, 'agent:b');
    expect(d.limits).toEqual([
      { ruleId: 'capped', key: 'rate:capped:principal:agent:b', kind: 'rate', max: 60, windowMs: 60_000, amount: 1 },
      { ruleId: 'capped', key: 'budget:capped:principal:agent:b', kind: 'budget', max: 5000, windowMs: 86_400_000, amount: 250 },
      { ruleId: 'capped', key: 'rate:capped:upstream:payments', kind: 'rate', max: 1000, windowMs: 3_600_000, amount: 1 },
      { ruleId: 'capped', key: 'rate:capped:tool:payments/transfer', kind: 'rate', max: 10, windowMs: 1000, amount: 1 },
    ]);
  });

  it('a budget argument that is not a non-negative number denies', () => {
    const budget = bundleOf(
      `  - id: b\n    effect: allow\n    match: { server: p }\n    limits: [ { per: principal, budget: { arg: amount, max: 10, window: 1d } } ]\n`,
    );
    for (const amount of ['5', -1, null, [5], undefined]) {
      const d = decide(budget, { server: 'p', tool: 't', args: amount === undefined ? {} : { amount } });
      expect(d.outcome).toBe('deny');
      expect(d.reason).toMatch(/budget argument "amount" must be a non-negative number/);
    }
    expect(decide(budget, { server: 'p', tool: 't', args: { amount: 2.5 } }).limits?.[0]?.amount).toBe(2.5);
  });

  it('limits of a hold apply too, so an approved call is still counted', () => {
    const held = bundleOf(
      `  - id: h\n    effect: require_approval\n    match: { server: p }\n    approval: { approvers: [u] }\n    limits: [ { per: tool, rate: 5/1m } ]\n`,
    );
    expect(decide(held, { server: 'p', tool: 't' })).toMatchObject({ outcome: 'hold', limits: [{ key: 'rate:h:tool:p/t' }] });
  });
});
