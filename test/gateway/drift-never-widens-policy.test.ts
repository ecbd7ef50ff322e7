// pins.on_drift: hold through the real gateway, with a real policy and real approvals: policy decides
// first, and a drifted tool's quarantine only makes that stricter. A call policy denies stays denied;
// a held call needs the rule's approvers and a pin reviewer, so a pin reviewer with no rights on the
// rule cannot release it.
import { expect, test } from 'vitest';
import type { Reviewer } from '../../src/approvals/index.js';
import { registryIn } from '../pins/helpers.js';
import { eventually, receiptOf, text } from './helpers.js';
import { V1, V2 } from './pinned-gateway.js';
import { policyGateway } from './policy-gateway.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - { id: deny-vault, effect: deny, match: { server: fx, tool: echo }, when: 'args.text == "vault"' }
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    when: 'args.text == "held"'
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 10m, wait: 20s }
  - { id: echo-ok, effect: allow, match: { server: fx, tool: [echo, other] } }
`;
const pinner: Reviewer = { id: 'user:pinner', groups: ['platform'], rights: ['pins'] };
const alice: Reviewer = { id: 'user:alice', groups: ['dba'], rights: [] };

async function driftedGateway() {
  const pg = await policyGateway(POLICY, [V1, V2], {
    pins: async (dir) => (await registryIn(dir, { onDrift: 'hold' })).registry,
    driftApprovers: ['user:pinner'],
  });
  await eventually(async () => (await pg.client.listTools()).tools.some((t) => t.description === V2[0]!.description));
  return pg;
}

test('a call policy denies stays denied on a drifted tool, naming the policy rule', async () => {
  const { client, approvals } = await driftedGateway();
  const refused = await client.callTool({ name: 'fx__echo', arguments: { text: 'vault' } });
  expect(refused.isError).toBe(true);
  expect(receiptOf(refused)).toMatchObject({ event: 'deny', policy: { rules: ['deny-vault'] } });
  expect(await approvals.list()).toEqual([]);
}, 15_000);

test('a call policy permits becomes a hold for the pin reviewers', async () => {
  const { client, approvals, pending } = await driftedGateway();
  const answering = client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  const held = await pending();
  expect(held).toMatchObject({ rule_id: 'pin-drift', approvers: ['user:pinner'] });
  await approvals.decide(held.id, pinner, 'approve');
  expect(text(await answering)).toBe('{"text":"hi"}');
});

test('a held call on a drifted tool needs the rule approvers and a pin reviewer: neither alone releases it', async () => {
  const { client, approvals, pending } = await driftedGateway();
  const answering = client.callTool({ name: 'fx__echo', arguments: { text: 'held' } });
  const held = await pending();
  expect(held).toMatchObject({
    rule_id: 'echo-held',
    requirement: [
      { rule: 'echo-held', approvers: ['group:dba'], quorum: 1 },
      { rule: 'pin-drift', approvers: ['user:pinner'], quorum: 1 },
    ],
  });
  expect((await approvals.decide(held.id, pinner, 'approve')).status).toBe('pending');
  expect((await approvals.decide(held.id, alice, 'approve')).status).toBe('approved');
  const answer = await answering;
  expect(text(answer)).toBe('{"text":"held"}');
  expect(receiptOf(answer)).toMatchObject({ event: 'complete', policy: { rules: ['echo-held', 'pin-drift'] } });
});
