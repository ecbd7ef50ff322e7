// An approval is bound to the tool definition it was granted for: when the upstream changes the
// tool's description between the approval and the release, the approval is void (with a `void`
// receipt) and the call is held afresh, through the real gateway and a real fixture upstream.
import { expect, test } from 'vitest';
import type { Reviewer } from '../../src/approvals/index.js';
import { pinOf } from '../../src/pins/index.js';
import { eventually, receiptOf, text } from './helpers.js';
import { V1, V2 } from './pinned-gateway.js';
import { policyGateway } from './policy-gateway.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 10m, wait: 300ms }
`;
const alice: Reviewer = { id: 'user:alice', groups: ['dba'], rights: [] };

test('a tool definition that changes after the approval voids it: the retry is held afresh, nothing runs', async () => {
  const pg = await policyGateway(POLICY, [V1]);
  const call = () => pg.client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  expect(receiptOf(await call()).event).toBe('hold');
  const first = await pg.pending();
  expect(first.call.tool_sha256).toBe(pinOf(V1[0]!));
  await pg.approvals.decide(first.id, alice, 'approve');

  pg.retool(V2);
  await eventually(async () => (await pg.client.listTools()).tools.some((t) => t.description === V2[0]!.description));
  const retry = await call();
  expect(text(retry)).toMatch(/awaiting human approval/);
  expect(receiptOf(retry).event).toBe('hold');
  const voided = await pg.approvals.get(first.id);
  expect(voided).toMatchObject({ status: 'voided', void_reason: expect.stringContaining("the tool's definition changed") });
  const fresh = await pg.pending();
  expect(fresh.id).not.toBe(first.id);
  expect(fresh.call.tool_sha256).toBe(pinOf(V2[0]!));

  await pg.approvals.decide(fresh.id, alice, 'approve');
  expect(text(await call())).toBe('{"text":"hi"}');
});
