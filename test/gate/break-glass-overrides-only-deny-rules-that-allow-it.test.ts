// A break-glass window through the gate with real parts: a deny rule is overridden only when it says
// `break_glass: allow`; any other deny stays a DENY inside the window, while HOLD and SILENCE are let
// through as before. The window seam stands for an open window covering every call.
import { afterEach, describe, expect, it } from 'vitest';
import { gateRig, receiptOf, textOf, type Rig } from './rig.js';

const RULES = `  - { id: infra.no-db-deletion, effect: deny, match: { server: db, tool: delete-db-instance }, reason: production databases are never deleted }
  - { id: infra.no-restarts, effect: deny, break_glass: allow, match: { server: db, tool: reboot-db-instance } }
  - id: infra.snapshots
    effect: require_approval
    match: { server: db, tool: delete-db-snapshot }
    approval: { approvers: [group:dba] }
`;
const WINDOW = { id: 'bg_0123456789abcdef01234567', opened_by: 'user:olga', reason: 'INC-7 outage' };
let rig: Rig;
afterEach(() => rig?.close());

describe('a break-glass window and deny rules', () => {
  it('a call denied by a rule without break_glass: allow stays denied with a window open', async () => {
    rig = await gateRig(RULES, { breakGlass: async () => WINDOW });
    const answer = await rig.call('delete-db-instance', { id: 'prod-payments' });
    expect(textOf(answer)).toBe('toolgate: call denied (rule infra.no-db-deletion): production databases are never deleted');
    expect(receiptOf(answer)).toMatchObject({ event: 'deny' });
    expect(receiptOf(answer)).not.toHaveProperty('break_glass');
    expect(rig.upstream.calls).toEqual([]);
  });

  it('a call denied by a rule that says break_glass: allow runs inside the window, flagged', async () => {
    rig = await gateRig(RULES, { breakGlass: async () => WINDOW });
    const answer = await rig.call('reboot-db-instance', { id: 'prod-payments' });
    expect(receiptOf(answer)).toMatchObject({ event: 'complete', policy: { effect: 'deny', rules: ['infra.no-restarts'] }, break_glass: WINDOW });
    expect(rig.upstream.calls).toEqual([{ id: 'prod-payments' }]);
  });

  it('held and silenced calls are let through as before', async () => {
    rig = await gateRig(RULES, { breakGlass: async () => WINDOW });
    expect(receiptOf(await rig.call('delete-db-snapshot', { id: 's1' }))).toMatchObject({ event: 'complete', policy: { effect: 'hold' } });
    expect(receiptOf(await rig.call('describe-db-instances'))).toMatchObject({ event: 'complete', policy: { effect: 'silence' } });
    expect(rig.upstream.calls).toHaveLength(2);
  });
});
