// Issue 14's "done when": a quarter of a governance program played through the real `toolgate serve`
// (test/e2e/harness.ts), real fixture upstreams, the real admin API, ledger and CLI. Two upstreams
// besides the harness's own, two principals, reviewers in two groups (security-team, platform-lead)
// and an auditor; an AND approval (one of each group, with a change ticket); halfway the policy file
// changes and the gateway reloads it, which voids an approval granted but not yet used; a break-glass
// window opened by one reviewer and confirmed by another (open_quorum: 2) lets a denied call through
// and is reviewed by a third. Then `toolgate replay` over the whole ledger reproduces every decision
// (exit 0), and `toolgate report` shows the window, its review and the call it let through, and the
// votes with their reviewers' groups and the voided approval; `report --check` passes since the window was reviewed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { admin, agent, fixture, pendingApproval, receiptBody, serve, sha256, textOf, toolgate, TOKENS, until, type Served } from './harness.js';

const T = { ops: 'ops-agent-token-1', sam: 'sam-security-token', pat: 'pat-platform-token' };

const FIRST_HALF = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: payments-transfer
    effect: require_approval
    match: { server: payments, tool: echo }
    approval:
      require: [{ group: security-team, quorum: 1 }, { group: platform-lead, quorum: 1 }]
      evidence: { note: required, fields: [ticket] }
      timeout: 30m
      wait: 1s
  - { id: payments-lookup, effect: allow, match: { server: payments, tool: pid } }
  - { id: infra-no-exact, effect: deny, match: { server: infra, tool: exact }, break_glass: allow }
  - id: infra-slow-engineering
    effect: allow
    match: { server: infra, tool: slow }
    principal: { groups: [engineering] }
`;

/** The policy change: transfers also need finance, and ops may run infra/slow too. */
const SECOND_HALF = FIRST_HALF.replace(
  'require: [{ group: security-team, quorum: 1 }, { group: platform-lead, quorum: 1 }]',
  'require: [{ group: security-team, quorum: 1 }, { group: platform-lead, quorum: 1 }, { group: finance, quorum: 1 }]',
).replace('principal: { groups: [engineering] }', 'principal: { groups: [engineering, ops] }');

const upstream = (name: string) => `  ${name}: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(fixture)}] }\n`;

describe('a quarter of a governance program through toolgate serve', () => {
  let served: Served;
  let ci: Client;
  let ops: Client;
  let config: string;
  let windowId: string;

  const approve = async (id: string, token: string) => {
    const res = await admin(served, `/api/approvals/${id}/approve`, token, { note: 'reviewed the transfer', evidence: { ticket: 'CHG-14' } });
    expect(res.status).toBe(200);
    return res.json.status as string;
  };
  const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });

  beforeAll(async () => {
    served = await serve({
      policy: FIRST_HALF,
      watch: true,
      upstreams: upstream('payments') + upstream('infra'),
      principals: `  - { id: "agent:ops", token_sha256: ${sha256(T.ops)}, groups: [ops] }\n`,
      reviewers: [
        `  - { id: sam, token_sha256: ${sha256(T.sam)}, groups: [security-team], rights: [break-glass] }`,
        `  - { id: pat, token_sha256: ${sha256(T.pat)}, groups: [platform-lead], rights: [break-glass] }`,
        '',
      ].join('\n'),
      extra: 'break_glass: { open_quorum: 2 }\nevidence: { store_arguments: true, dir: evidence }\n',
    });
    config = join(served.dir, 'toolgate.yaml');
    ci = await agent(served);
    ops = await agent(served, T.ops);

    // First half: routine calls on every surface.
    for (let i = 0; i < 3; i++) expect((await call(ci, 'payments__pid')).isError).toBeFalsy();
    expect(textOf(await call(ci, 'infra__slow', { steps: 1 }))).not.toMatch(/refused|denied/);
    expect(textOf(await call(ops, 'infra__slow', { steps: 1 }))).toMatch(/refused/);
    expect(textOf(await call(ci, 'infra__exact'))).toMatch(/denied \(rule infra-no-exact\)/);
    expect(textOf(await call(ci, 'fx__echo', { text: 'no rule' }))).toMatch(/refused/);

    // The AND approval: security-team alone does not release the transfer; platform-lead too does.
    expect(textOf(await call(ci, 'payments__echo', { text: 'pay 100' }))).toMatch(/awaiting human approval/);
    const first = await pendingApproval(served);
    expect(await approve(first.id, T.sam)).toBe('pending');
    expect(await approve(first.id, T.pat)).toBe('approved');
    expect(textOf(await call(ci, 'payments__echo', { text: 'pay 100' }))).toBe('pay 100');

    // A second transfer is approved but not yet used when the policy changes.
    expect(textOf(await call(ci, 'payments__echo', { text: 'pay 200' }))).toMatch(/awaiting human approval/);
    const second = await pendingApproval(served);
    await approve(second.id, T.sam);
    expect(await approve(second.id, T.pat)).toBe('approved');

    // Halfway: the policy file changes and the gateway reloads it.
    writeFileSync(join(served.dir, 'policy.yaml'), SECOND_HALF);
    await until(() => served.stderr().includes('"policy reloaded"') || undefined, 'the policy reload');

    // Second half: the approval granted under the old requirement is void; the transfer is held afresh.
    expect(textOf(await call(ci, 'payments__echo', { text: 'pay 200' }))).toMatch(/awaiting human approval/);
    expect(textOf(await call(ops, 'infra__slow', { steps: 1 }))).not.toMatch(/refused|denied/);
    for (let i = 0; i < 2; i++) expect((await call(ci, 'payments__pid')).isError).toBeFalsy();

    // Break-glass: sam opens, pat confirms, the denied call goes through once; alice reviews it.
    const opened = await admin(served, '/api/break-glass', T.sam, { reason: 'INC-9 infra outage', for: '30m', principal: 'agent:ci', surface: 'infra/exact' });
    expect(opened.status).toBe(201);
    windowId = opened.json.id;
    expect(textOf(await call(ci, 'infra__exact'))).toMatch(/denied/);
    expect((await admin(served, `/api/break-glass/${windowId}/confirm`, T.pat, {})).status).toBe(200);
    const glass = await call(ci, 'infra__exact');
    expect(textOf(glass)).toBe('exact');
    expect(receiptBody(glass)).toMatchObject({ policy: { effect: 'deny', rules: ['infra-no-exact'] }, break_glass: { id: windowId } });
    expect((await admin(served, `/api/break-glass/${windowId}/close`, T.sam, {})).status).toBe(200);
    expect((await admin(served, `/api/break-glass/${windowId}/review`, TOKENS.alice, { note: 'one exact call, matches INC-9' })).status).toBe(200);

    await ci.close();
    await ops.close();
    await served.stop();
  }, 180_000);

  afterAll(async () => {
    await served?.stop();
  });

  it('replays the whole ledger with every decision reproduced, and exits 0', () => {
    const run = toolgate(['replay', '-c', config, '--since', '1d', '--format', 'json']);
    const result = JSON.parse(run.stdout);
    expect(result.differences).toEqual([]);
    expect(result.problems).toEqual([]);
    // Every decision: payments/pid 5, payments/echo 4 (hold, released permit, hold, the hold after the
    // void), infra/exact 3 (deny, deny before the confirmation, the break-glass permit), infra/slow 3, fx/echo 1.
    expect(result.sampled).toBe(16);
    expect(result.same).toBe(result.sampled);
    expect(run.status).toBe(0);
  });

  it('reports the window with its confirmation, review and the call it let through, and the voided approval', () => {
    const run = toolgate(['report', '-c', config, '--since', '1d', '--format', 'json', '--check']);
    expect([run.status, run.stderr]).toEqual([0, '']);
    const report = JSON.parse(run.stdout);
    expect(report.approvals).toMatchObject({ approved: 1, voided: 1, snapshot_mismatch: { rate: 0.5 } });
    // Four votes, each with the group that entitled its reviewer.
    expect(report.approvals.votes.map((v: { reviewer: string; groups: string[]; verdict: string }) => [v.reviewer, v.groups, v.verdict])).toEqual([
      ['user:sam', ['security-team'], 'approve'],
      ['user:pat', ['platform-lead'], 'approve'],
      ['user:sam', ['security-team'], 'approve'],
      ['user:pat', ['platform-lead'], 'approve'],
    ]);
    expect(report.break_glass).toEqual([
      expect.objectContaining({
        id: windowId,
        opened_by: 'user:sam',
        confirmed_by: [expect.objectContaining({ by: 'user:pat' })],
        closed_by: 'user:sam',
        reviewed: true,
        reviews: [expect.objectContaining({ by: 'user:alice', note: 'one exact call, matches INC-9' })],
        let_through: [expect.objectContaining({ surface: 'infra/exact', principal: 'agent:ci', overrode: 'deny', rules: ['infra-no-exact'] })],
      }),
    ]);
    expect(report.break_glass_unreviewed).toEqual([]);
    // Every call, once: payments/pid 5, payments/echo 2 (pay 100: its hold and released permit; pay 200:
    // its hold, void and the hold after the void), infra/exact 3 (deny, deny before the confirmation,
    // the break-glass permit), infra/slow 3, fx/echo 1.
    const surfaces = Object.fromEntries(report.surfaces.map((s: { surface: string; calls: number }) => [s.surface, s.calls]));
    expect(surfaces).toMatchObject({ 'payments/pid': 5, 'payments/echo': 2, 'infra/exact': 3, 'infra/slow': 3, 'fx/echo': 1 });
    const text = toolgate(['report', '-c', config, '--since', '1d']).stdout;
    expect(text).toContain('approvals: 1 granted, 1 voided at release; snapshot-mismatch rate 50.0%');
    expect(text).toContain('votes: 4 (4 approve, 0 reject)');
    expect(text).toMatch(/overrode DENY \(infra-no-exact\)/);
    expect(text).toContain('reviewed');
  });
});
