// Live shadow mode (policy.shadow): a candidate bundle decides every call beside the policy in force
// and enforces nothing. Where it decides differently, the decision receipt says how (`shadow`) and
// /metrics counts it; where it agrees, receipts are as without it. A candidate that does not compile
// or whose condition fails never touches a call: the call is decided and answered as without shadow.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { readReceipts } from '../../src/ledger/index.js';
import { agent, receiptBody, serve, textOf, TOKENS, toolgate, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
rules:
  - { id: echo-ok, effect: allow, match: { server: fx, tool: echo } }
  - { id: pid-ok, effect: allow, match: { server: fx, tool: pid } }
  - { id: touch-no, effect: deny, match: { server: fx, tool: touch } }
  - id: exact-reviewed
    effect: require_approval
    match: { server: fx, tool: exact }
    approval: { approvers: [group:dba], wait: 1s }
`;
const CANDIDATE = `version: toolgate.policy/v1
rules:
  - { id: echo-ok, effect: allow, match: { server: fx, tool: echo } }
  - { id: pid-no, effect: deny, match: { server: fx, tool: pid } }
  - id: touch-reviewed
    effect: require_approval
    match: { server: fx, tool: touch }
    approval: { approvers: [group:dba] }
  - { id: exact-ok, effect: allow, match: { server: fx, tool: exact } }
`;
/** A candidate whose condition fails on every echo call: `args.missing` is no key of the call. */
const THROWING = `version: toolgate.policy/v1
rules:
  - { id: echo-checked, effect: allow, match: { server: fx, tool: echo }, when: 'args.missing.startsWith("x")' }
`;

const shadowOption = 'shadow: [candidate/*.yaml]';

function gatewayDir(candidate: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-shadow-'));
  mkdirSync(join(dir, 'candidate'));
  if (candidate !== undefined) writeFileSync(join(dir, 'candidate', 'policy.yaml'), candidate);
  return dir;
}

async function metric(served: Served, pattern: RegExp): Promise<number> {
  const res = await fetch(`${served.adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.alice}` } });
  const line = (await res.text()).split('\n').find((l) => pattern.test(l));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name: `fx__${name}`, arguments: args });

describe('a gateway with a shadow candidate', () => {
  let served: Served;
  let client: Client;
  beforeAll(async () => {
    served = await serve({ dir: gatewayDir(CANDIDATE), policy: POLICY, watch: true, policyOptions: shadowOption });
    client = await agent(served);
  });
  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });

  it('writes no shadow where the candidate decides the same', async () => {
    const result = await call(client, 'echo', { text: 'same' });
    expect(textOf(result)).toBe('same');
    const receipt = receiptBody(result);
    expect(receipt.event).toBe('complete');
    const permit = await receiptOf(served, receipt.call.id, 'permit');
    expect(permit.policy.rules).toEqual(['echo-ok']);
    expect(permit).not.toHaveProperty('shadow');
  });

  it('runs a permitted call the candidate would deny, and the permit says so', async () => {
    const result = await call(client, 'pid');
    expect(result.isError).toBeFalsy();
    expect(Number(textOf(result))).toBeGreaterThan(0);
    const receipt = receiptBody(result);
    expect(receipt.event).toBe('complete');
    expect(receipt).not.toHaveProperty('shadow');
    const permit = await receiptOf(served, receipt.call.id, 'permit');
    expect(permit.policy).toMatchObject({ effect: 'permit', rules: ['pid-ok'] });
    expect(permit.shadow).toEqual({ bundle_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), effect: 'deny', rules: ['pid-no'] });
    expect(permit.shadow.bundle_sha256).not.toBe(permit.policy.bundle_sha256);
  });

  it('denies what the policy denies though the candidate would hold it', async () => {
    const result = await call(client, 'touch');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/call denied \(rule touch-no\)/);
    const receipt = receiptBody(result);
    expect(receipt).toMatchObject({ event: 'deny', policy: { effect: 'deny', rules: ['touch-no'] }, shadow: { effect: 'hold', rules: ['touch-reviewed'] } });
  });

  it('holds what the policy holds though the candidate would permit it: the hold says so', async () => {
    const result = await call(client, 'exact');
    expect(textOf(result)).toMatch(/awaiting human approval/);
    const receipt = receiptBody(result);
    expect(receipt).toMatchObject({ event: 'hold', policy: { effect: 'hold', rules: ['exact-reviewed'] }, shadow: { effect: 'permit', rules: ['exact-ok'] } });
  });

  it('counts agreements and differences in /metrics', async () => {
    expect(await metric(served, /^toolgate_shadow_decisions_total\{agreement="same",enforced="permit",candidate="permit"\}/)).toBeGreaterThanOrEqual(1);
    expect(await metric(served, /^toolgate_shadow_decisions_total\{agreement="differs",enforced="permit",candidate="deny"\}/)).toBe(1);
    expect(await metric(served, /^toolgate_shadow_decisions_total\{agreement="differs",enforced="deny",candidate="hold"\}/)).toBe(1);
    expect(await metric(served, /^toolgate_shadow_decisions_total\{agreement="differs",enforced="hold",candidate="permit"\}/)).toBe(1);
  });

  it('keeps the previous candidate when a reload finds it broken, and calls go on unaffected', async () => {
    const before = (await receiptOf(served, receiptBody(await call(client, 'pid')).call.id, 'permit')).shadow.bundle_sha256;
    writeFileSync(join(served.dir, 'candidate', 'policy.yaml'), 'version: toolgate.policy/v1\nrules: [ { id: broken\n');
    await until(() => served.stderr().includes('shadow candidate reload rejected'), 'the rejected reload', 20_000);
    expect(await metric(served, /^toolgate_shadow_faults_total\{kind="load"\}/)).toBe(1);
    const result = await call(client, 'pid');
    expect(result.isError).toBeFalsy();
    expect((await receiptOf(served, receiptBody(result).call.id, 'permit')).shadow).toEqual({ bundle_sha256: before, effect: 'deny', rules: ['pid-no'] });
  });

  it('takes up a candidate whose conditions fail without touching a call: they are counted as faults', async () => {
    writeFileSync(join(served.dir, 'candidate', 'policy.yaml'), THROWING);
    await until(
      async () => (await receiptOf(served, receiptBody(await call(client, 'pid')).call.id, 'permit')).shadow?.effect === 'silence',
      'the new candidate',
      20_000,
    );
    const result = await call(client, 'echo', { text: 'still runs' });
    expect(textOf(result)).toBe('still runs');
    const permit = await receiptOf(served, receiptBody(result).call.id, 'permit');
    expect(permit.policy).toMatchObject({ effect: 'permit', rules: ['echo-ok'] });
    // What the candidate would do if it were in force: its on_error denies.
    expect(permit.shadow).toMatchObject({ effect: 'deny', rules: ['echo-checked'] });
    expect(await metric(served, /^toolgate_shadow_faults_total\{kind="evaluation"\}/)).toBe(1);
    expect(served.stderr()).toContain('shadow candidate could not evaluate a condition');
  });
});

describe('the review of a shadowed gateway', () => {
  it('lists per surface how many calls the candidate would have decided differently, and how', async () => {
    const dir = gatewayDir(CANDIDATE);
    const served = await serve({ dir, policy: POLICY, policyOptions: shadowOption });
    const client = await agent(served);
    try {
      for (let i = 0; i < 3; i++) await call(client, 'pid');
      await call(client, 'touch');
      await call(client, 'echo', { text: 'same' });
      await receiptOf(served, receiptBody(await call(client, 'echo', { text: 'last' })).call.id, 'complete');
    } finally {
      await client.close();
      await served.stop();
    }
    const json = toolgate(['report', '-c', join(dir, 'toolgate.yaml'), '--format', 'json']);
    expect(json.stderr).toBe('');
    const { shadow } = JSON.parse(json.stdout);
    expect(shadow).toEqual({
      differs: 4,
      candidates: [expect.stringMatching(/^[0-9a-f]{64}$/)],
      surfaces: [
        { surface: 'fx/pid', server: 'fx', tool: 'pid', differs: 3, changes: [{ from: 'permit', to: 'deny', other_rules: false, calls: 3 }] },
        { surface: 'fx/touch', server: 'fx', tool: 'touch', differs: 1, changes: [{ from: 'deny', to: 'hold', other_rules: false, calls: 1 }] },
      ],
    });
    const text = toolgate(['report', '-c', join(dir, 'toolgate.yaml')]).stdout;
    expect(text).toContain('shadow:\n  4 call(s) decided differently by candidate');
    expect(text).toContain('  fx/pid: 3 (permit→deny ×3)\n  fx/touch: 1 (deny→hold ×1)');
  });
});

describe('a gateway whose shadow candidate is broken at start', () => {
  let served: Served;
  let client: Client;
  beforeAll(async () => {
    served = await serve({ dir: gatewayDir('version: toolgate.policy/v1\nrules: [ { id: broken\n'), policy: POLICY, policyOptions: shadowOption });
    client = await agent(served);
  });
  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });

  it('starts, says why the candidate is not loaded, and enforces its policy', async () => {
    const warning = served
      .stderr()
      .split('\n')
      .find((l) => l.includes('shadow candidate not loaded'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning!).err).toMatch(/candidate[/\\]policy\.yaml/);
    const result = await call(client, 'pid');
    expect(result.isError).toBeFalsy();
    const permit = await receiptOf(served, receiptBody(result).call.id, 'permit');
    expect(permit).not.toHaveProperty('shadow');
    expect(receiptBody(await call(client, 'touch'))).toMatchObject({ event: 'deny', policy: { rules: ['touch-no'] } });
    expect(await metric(served, /^toolgate_shadow_faults_total\{kind="load"\}/)).toBe(1);
  });
});

// biome-ignore lint/suspicious/noExplicitAny: tests read receipt fields by name.
async function receiptOf(served: Served, callId: string, event: string): Promise<any> {
  return until(async () => {
    for await (const r of readReceipts(join(served.dir, 'ledger'))) if (r.body.event === event && 'call' in r.body && r.body.call.id === callId) return r.body;
    return undefined;
  }, `the ${event} receipt of ${callId}`);
}
