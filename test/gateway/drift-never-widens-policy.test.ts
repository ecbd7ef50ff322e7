// pins.on_drift: hold through the real gateway, with a real policy and real approvals: policy decides
// first, and a drifted tool's quarantine only makes that stricter. A call policy denies stays denied;
// a held call needs the rule's approvers and a pin reviewer, so a pin reviewer with no rights on the
// rule cannot release it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Approvals, type Reviewer } from '../../src/approvals/index.js';
import { parseConfig } from '../../src/config/index.js';
import { approvalRecorder, Gate } from '../../src/gate/index.js';
import { startGateway, type Gateway } from '../../src/gateway/index.js';
import { identityOf } from '../../src/pins/index.js';
import { compileBundle, decider } from '../../src/policy/index.js';
import { openLowdbStore } from '../../src/store/index.js';
import { openTestLedger } from '../fixtures/ledger.js';
import { registryIn } from '../pins/helpers.js';
import { eventually, httpClient, log, receiptOf, text } from './helpers.js';
import { pinsFixtureConfig, V1, V2 } from './pinned-gateway.js';

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

const open: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function driftedGateway(): Promise<{ client: Client; approvals: Approvals; gateway: Gateway }> {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-drift-'));
  const { registry } = await registryIn(dir, { onDrift: 'hold' });
  const yaml = pinsFixtureConfig(dir, [V1, V2]);
  const { config } = parseConfig(join(dir, 'toolgate.yaml'), yaml);
  const { ledger } = await openTestLedger();
  const store = await openLowdbStore(join(dir, 'approvals.json'));
  const approvals = new Approvals({ store, log, record: approvalRecorder(ledger) });
  const bundle = compileBundle([{ file: 'policy.yaml', text: POLICY }]);
  const gate = new Gate({ decider: () => decider(bundle), receipts: ledger, approvals, limits: store, driftApprovers: ['user:pinner'], log });
  const gateway = await startGateway({ config, handler: gate, pins: registry, log });
  const client = await httpClient(gateway.http!.url);
  open.push(
    () => ledger.close(),
    () => store.close(),
    () => gateway.close(),
    () => client.close(),
  );
  const identity = identityOf(gateway.upstreams[0]!.config);
  await eventually(async () => (await registry.record(identity))?.drifts.echo !== undefined);
  await eventually(async () => (await client.listTools()).tools.some((t) => t.description === V2[0]!.description));
  return { client, approvals, gateway };
}

async function pending(approvals: Approvals) {
  let found: Awaited<ReturnType<Approvals['list']>>[number] | undefined;
  await eventually(async () => Boolean((found = (await approvals.list('pending'))[0])));
  return found!;
}

test('a call policy denies stays denied on a drifted tool, naming the policy rule', async () => {
  const { client, approvals } = await driftedGateway();
  const refused = await client.callTool({ name: 'fx__echo', arguments: { text: 'vault' } });
  expect(refused.isError).toBe(true);
  expect(receiptOf(refused)).toMatchObject({ event: 'deny', policy: { rules: ['deny-vault'] } });
  expect(await approvals.list()).toEqual([]);
}, 15_000);

test('a call policy permits becomes a hold for the pin reviewers', async () => {
  const { client, approvals } = await driftedGateway();
  const answering = client.callTool({ name: 'fx__echo', arguments: { text: 'hi' } });
  const held = await pending(approvals);
  expect(held).toMatchObject({ rule_id: 'pin-drift', approvers: ['user:pinner'] });
  await approvals.decide(held.id, pinner, 'approve');
  expect(text(await answering)).toBe('{"text":"hi"}');
});

test('a held call on a drifted tool needs the rule approvers and a pin reviewer: neither alone releases it', async () => {
  const { client, approvals } = await driftedGateway();
  const answering = client.callTool({ name: 'fx__echo', arguments: { text: 'held' } });
  const held = await pending(approvals);
  expect(held).toMatchObject({ rule_id: 'echo-held', approvers: ['group:dba'], pin_approvers: ['user:pinner'] });
  expect((await approvals.decide(held.id, pinner, 'approve')).status).toBe('pending');
  expect((await approvals.decide(held.id, alice, 'approve')).status).toBe('approved');
  const answer = await answering;
  expect(text(answer)).toBe('{"text":"held"}');
  expect(receiptOf(answer)).toMatchObject({ event: 'complete', policy: { rules: ['echo-held', 'pin-drift'] } });
});
