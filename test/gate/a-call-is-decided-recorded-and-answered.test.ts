// The gate's story of one call with real parts behind its seams: decide, charge, record, dispatch,
// record, answer; and what happens when a step cannot be done.
import { afterEach, describe, expect, it } from 'vitest';
import { gateRig, receiptOf, textOf, type Rig } from './rig.js';

const RULES = `  - { id: reads, effect: allow, match: { server: db, tool: query } }
  - { id: no-drops, effect: deny, match: { server: db, tool: drop_table }, reason: dropping tables is not allowed }
  - id: capped-export
    effect: allow_with_constraints
    match: { server: db, tool: export }
    constraints: { set: { limit: 'has(args.limit) ? min(args.limit, 100) : 100' } }
    limits: [{ per: principal, rate: 2/1h }]
`;
let rig: Rig;
afterEach(() => rig?.close());

describe('a call through the gate', () => {
  it('a permitted call is recorded, dispatched, recorded again and answered with its complete receipt', async () => {
    rig = await gateRig(RULES);
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(textOf(answer)).toBe('{"sql":"select 1"}');
    expect(receiptOf(answer)).toMatchObject({ event: 'complete', policy: { effect: 'permit', rules: ['reads'] } });
    expect(await rig.events()).toEqual(['permit', 'complete']);
  });

  it('a denied call gets a deny receipt and its reason, and never reaches the upstream', async () => {
    rig = await gateRig(RULES);
    const answer = await rig.call('drop_table', { name: 'users' });
    expect(textOf(answer)).toBe('toolgate: call denied (rule no-drops): dropping tables is not allowed');
    expect(receiptOf(answer).event).toBe('deny');
    expect(rig.upstream.calls).toEqual([]);
  });

  it('a call no rule permits is refused with a silence receipt', async () => {
    rig = await gateRig(RULES);
    const answer = await rig.call('vacuum');
    expect(answer.isError).toBe(true);
    expect(receiptOf(answer)).toMatchObject({ event: 'silence', policy: { rules: [] } });
    expect(rig.upstream.calls).toEqual([]);
  });

  it('constraints rewrite the arguments the upstream gets, and limits are charged before it runs', async () => {
    rig = await gateRig(RULES);
    await rig.call('export', { limit: 5000 });
    await rig.call('export', {});
    const third = await rig.call('export', {});
    expect(rig.upstream.calls).toEqual([{ limit: 100 }, { limit: 100 }]);
    expect(receiptOf(third)).toMatchObject({ event: 'deny', policy: { rules: ['limit:capped-export:rate:principal'] } });
    expect(textOf(third)).toMatch(/limit of rule capped-export reached/);
  });

  it('when the receipt after dispatch cannot be written, the call has run: the client gets its result with the permit receipt', async () => {
    rig = await gateRig(RULES);
    rig.failReceipts('complete');
    const answer = await rig.call('query', { sql: 'select 2' });
    expect(answer.isError).toBeFalsy();
    expect(textOf(answer)).toBe('{"sql":"select 2"}');
    expect(receiptOf(answer).event).toBe('permit');
    expect(rig.upstream.calls).toHaveLength(1);
    expect(rig.logged.some((l) => String(l.msg).includes('complete receipt could not be written'))).toBe(true);
  });

  it('a decider that throws is a deny, never a permit', async () => {
    rig = await gateRig(RULES, {
      decider: () => () => {
        throw new Error('boom');
      },
    });
    const answer = await rig.call('query', { sql: 'select 1' });
    expect(receiptOf(answer)).toMatchObject({ event: 'deny', policy: { reason: 'policy evaluation failed (fail closed)' } });
    expect(rig.upstream.calls).toEqual([]);
  });
});
