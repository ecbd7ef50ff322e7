// The shadow candidate decides beside the policy in force and never changes a call: a candidate that
// throws leaves the call, its answer and its receipts as without it; the comparison is of the call as
// it arrived (the same quarantine, before limits), and only its decision receipts record a difference.
import { afterEach, expect, it } from 'vitest';
import type { Decision } from '../../src/core/index.js';
import type { CallObservation } from '../../src/gate/index.js';
import { compileBundle, decider } from '../../src/policy/index.js';
import { gateRig, heldApproval, policyText, receiptOf, reviewer, textOf, type Rig } from './rig.js';

let rig: Rig;
afterEach(() => rig?.close());

const candidate = (rules: string) => decider(compileBundle([{ file: 'candidate.yaml', text: policyText(rules) }]));
const observed: CallObservation[] = [];
const observe = (o: CallObservation) => void observed.push(o);

it('a candidate that throws changes nothing of the call: its answer and receipts are as without shadow', async () => {
  const RULES = '  - { id: read-ok, effect: allow, match: { server: db, tool: read } }\n';
  const thrown = (): Decision => {
    throw new Error('candidate exploded');
  };
  rig = await gateRig(RULES, { shadow: thrown, observe });
  const result = await rig.call('read', { q: 1 });
  expect(JSON.parse(textOf(result))).toEqual({ q: 1 });
  expect(await rig.events()).toEqual(['permit', 'complete']);
  for (const body of await rig.bodies()) expect(body).not.toHaveProperty('shadow');
  expect(observed.at(-1)!.shadow).toEqual({ enforced: 'permit', differs: false, fault: 'throw' });
  expect(rig.logged.some((l) => l.msg === 'shadow candidate failed; the call is decided by the policy in force alone')).toBe(true);
  // The fault's text is for the log, never for the client or a receipt.
  expect(JSON.stringify(result)).not.toContain('exploded');
});

it('compares the call as it arrived: a limit that refuses it is no difference when the candidate has the same rule', async () => {
  const RULES = '  - { id: read-ok, effect: allow, match: { server: db, tool: read }, limits: [ { per: principal, rate: 1/1h } ] }\n';
  rig = await gateRig(RULES, { shadow: candidate(RULES) });
  await rig.call('read');
  const refused = await rig.call('read');
  expect(receiptOf(refused)).toMatchObject({ event: 'deny', policy: { rules: ['limit:read-ok:rate:principal'] } });
  expect(receiptOf(refused)).not.toHaveProperty('shadow');
});

it('an unknown tool is silence for the candidate too: no difference', async () => {
  rig = await gateRig('  - { id: all-ok, effect: allow, match: { server: db, tool: "*" } }\n', {
    shadow: candidate('  - { id: all-held, effect: require_approval, match: { server: db, tool: "*" }, approval: { approvers: [group:dba] } }\n'),
  });
  const result = await rig.call('nope', {}, { quarantine: { action: 'silence', reason: 'no such tool' } });
  expect(receiptOf(result)).toMatchObject({ event: 'silence' });
  expect(receiptOf(result)).not.toHaveProperty('shadow');
});

it('a held call: the hold records the difference, the release after its approval does not', async () => {
  rig = await gateRig(
    '  - { id: write-held, effect: require_approval, match: { server: db, tool: write }, approval: { approvers: [group:dba], wait: 10s } }\n',
    {
      shadow: candidate('  - { id: write-no, effect: deny, match: { server: db, tool: write } }\n'),
    },
  );
  const answering = rig.call('write', { row: 1 });
  await rig.approvals.decide((await heldApproval(rig.approvals)).id, reviewer('alice'), 'approve');
  await answering;
  const bodies = await rig.bodies();
  expect(bodies.map((b) => [b.event, (b.shadow as { effect?: string } | undefined)?.effect])).toEqual([
    ['hold', 'deny'],
    ['vote', undefined],
    ['approve', undefined],
    ['permit', undefined],
    ['complete', undefined],
  ]);
  expect(bodies[0]!.shadow).toMatchObject({ rules: ['write-no'] });
});
