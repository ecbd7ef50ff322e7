// The review of what a real `toolgate serve` recorded: calls under constraints (set, timeout, a rate
// limit reached), a held call approved and released (one call, not two), a second principal, a
// registry that files the tools under classes, and a policy reload that turns echo into a held tool
// (its policy_change splits the time). `toolgate report -c` shows each of these in JSON and text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { admin, agent, pendingApproval, serve, sha256, textOf, toolgate, TOKENS, until, type Served } from './harness.js';

const REGISTRY = `version: toolgate.registry/v1
classes:
  comms: { expects: [require_approval, allow_with_constraints] }
  read-only: { expects: [allow] }
surfaces:
  - { match: { server: fx, tool: echo }, class: comms, owner: team-app, tier: high, review_by: 2099-01-01 }
  - { match: { server: fx, tool: pid }, class: read-only, owner: team-app, tier: low, review_by: 2099-01-01 }
`;

const POLICY = `version: toolgate.policy/v1
rules:
  - id: echo-tagged
    effect: allow_with_constraints
    match: { server: fx, tool: echo }
    constraints: { set: { text: '"tagged"' }, timeout: 20s }
    limits: [ { per: principal, rate: 3/1h } ]
  - id: pid-held
    effect: require_approval
    match: { server: fx, tool: pid }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 10s }
  - id: exact-open
    effect: allow
    match: { server: fx, tool: exact }
`;

// After the reload: every echo is held.
const HELD_ECHO = POLICY.replace(
  / {2}- id: echo-tagged[\s\S]*?rate: 3\/1h \} \]\n/,
  '  - id: echo-held\n    effect: require_approval\n    match: { server: fx, tool: echo }\n    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }\n',
);

const OPS_TOKEN = 'ops-token-0001';

// biome-ignore lint/suspicious/noExplicitAny: the test reads the report's JSON by name.
type Json = any;

describe('the review of a served gateway', () => {
  let served: Served;
  let ci: Client;
  let ops: Client;
  let config: string;
  let report: Json;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-review-'));
    writeFileSync(join(dir, 'surfaces.yaml'), REGISTRY);
    served = await serve({
      dir,
      policy: POLICY,
      watch: true,
      extra: 'registry: surfaces.yaml\n',
      principals: `  - { id: "agent:ops", token_sha256: ${sha256(OPS_TOKEN)}, groups: [engineering] }\n`,
    });
    config = join(dir, 'toolgate.yaml');
    ci = await agent(served);
    ops = await agent(served, OPS_TOKEN);
    // agent:ci: four echoes (the fourth passes the rate limit: denied), one exact.
    for (let i = 0; i < 4; i++) await ci.callTool({ name: 'fx__echo', arguments: { text: `hi ${i}` } });
    await ci.callTool({ name: 'fx__exact', arguments: {} });
    // agent:ops: a held pid, approved while the agent waits, released and run: one call.
    const held = ops.callTool({ name: 'fx__pid', arguments: {} });
    const pending = await pendingApproval(served);
    expect((await admin(served, `/api/approvals/${pending.id}/approve`, TOKENS.alice, { note: 'ok' })).status).toBe(200);
    expect(textOf(await held)).toMatch(/^\d+$/);
    // The policy changes: echo is held from now on (two echoes, both left pending).
    writeFileSync(join(dir, 'policy.yaml'), HELD_ECHO);
    await until(() => served.stderr().includes('"policy reloaded"') || undefined, 'the policy reload');
    for (let i = 0; i < 2; i++) expect(textOf(await ops.callTool({ name: 'fx__echo', arguments: { text: `later ${i}` } }))).toMatch(/awaiting human approval/);
    const run = toolgate(['report', '-c', config, '--since', '1h', '--format', 'json']);
    expect(run.stderr).toBe('');
    report = JSON.parse(run.stdout);
  }, 120_000);

  afterAll(async () => {
    await ci?.close();
    await ops?.close();
    await served?.stop();
  });

  it('counts a held, approved and released call once, with its final outcome', () => {
    const pid = report.surfaces.find((s: Json) => s.tool === 'pid');
    expect(pid).toMatchObject({ surface: 'fx/pid', server: 'fx', tool: 'pid', class: 'read-only', calls: 1 });
    expect(pid.decisions.hold).toMatchObject({ count: 1, rate: 1 });
    expect(pid.decisions.permit.count).toBe(0);
    expect(pid.hold_outcomes.approve).toMatchObject({ count: 1, rate: 1 });
    expect(pid.final.permit).toMatchObject({ count: 1, rate: 1 });
    expect(report.totals.calls).toBe(8);
  });

  it('shows each principal and each class of action', () => {
    const principals = Object.fromEntries(report.principals.map((p: Json) => [p.principal, p.calls]));
    expect(principals).toEqual({ 'agent:ci': 5, 'agent:ops': 3 });
    const classes = Object.fromEntries(report.classes.map((c: Json) => [c.class, c.calls]));
    expect(classes).toEqual({ comms: 6, 'read-only': 1, unclassified: 1 });
    const comms = report.classes.find((c: Json) => c.class === 'comms');
    expect(comms.decisions).toMatchObject({ permit: { count: 3 }, deny: { count: 1 }, hold: { count: 2 } });
    expect(comms.hold_outcomes.pending).toMatchObject({ count: 2, rate: 1 });
  });

  it('ties the rise in holds to the policy change that caused it', () => {
    // The bundle serve started with took effect in the period too (nothing before it), then the reload's.
    const [start, change] = report.policy_changes;
    expect(report.policy_changes).toHaveLength(2);
    expect(start).toMatchObject({ previous_bundle_sha256: null, before: { calls: 0 }, after: { calls: 6 } });
    expect(change.bundle_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(change.previous_bundle_sha256).toBe(start.bundle_sha256);
    expect(change.signed_by).toEqual([]);
    expect(change.files.map((f: Json) => f.name).sort()).toEqual(['policy.yaml', 'surfaces.yaml']);
    expect([change.before.calls, change.after.calls]).toEqual([6, 2]);
    expect(change.decisions.hold).toMatchObject({ count: 2, rate: 1, previous_rate: 1 / 6 });
    expect(change.decisions.hold.change_pp).toBeCloseTo(83.3, 1);
  });

  it('shows which constraints and limits the calls ran under, and how close to the maximum', () => {
    expect(report.constraints.permits).toBe(5);
    expect(report.constraints.constrained).toMatchObject({ count: 3 });
    expect(report.constraints.set).toEqual({ calls: 3, arguments: [{ name: 'text', calls: 3 }] });
    expect(report.constraints.timeout).toEqual({ calls: 3, min_ms: 20_000, max_ms: 20_000 });
    expect(report.constraints.limits).toEqual([
      { name: 'limit:echo-tagged:rate:principal', calls: 3, max: 3, peak_used: 3, peak_share: 1, near_max: 1, reached: 1 },
    ]);
  });

  it('prints the same sections as text, with changes in percentage points', () => {
    const text = toolgate(['report', '-c', config, '--since', '1h']).stdout;
    expect(text).toMatch(/policy changes:\n {2}[0-9a-f]{12}… took effect \S+ \(signed by nobody\), replacing none\n/);
    expect(text).toMatch(/hold 16\.7% -> 100\.0% \(\+83\.3 pp\)/);
    expect(text).toMatch(/principals:\n[\s\S]*agent:ci\s+5/);
    expect(text).toMatch(/classes:\n[\s\S]*comms\s+6/);
    expect(text).toContain('limit:echo-tagged:rate:principal: 3 call(s), peak 3 of 3 (100.0%), 1 at 80% or more, 1 reached');
    const md = toolgate(['report', '-c', config, '--since', '1h', '--format', 'md']).stdout;
    for (const heading of ['## Policy changes', '## Principals', '## Classes', '## Constraints', '## Votes', '## Break-glass']) expect(md).toContain(heading);
  });
});
