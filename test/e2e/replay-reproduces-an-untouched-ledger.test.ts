// Replay over the ledger of the real `toolgate serve`: a call held and approved through the admin
// API, a constrained call, a call let through by a break-glass window, and a principal whose groups
// change in the config before the replay. Every decision reproduces (exit 0); a candidate bundle that
// really differs reports exactly those differences.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { admin, agent, receiptBody, serve, textOf, toolgate, TOKENS, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
  - id: pid-tagged
    effect: allow_with_constraints
    match: { server: fx, tool: pid }
    constraints: { set: { tag: '"via toolgate"' } }
  - id: engineers-slow
    effect: allow
    match: { server: fx, tool: slow }
    principal: { groups: [engineering] }
  - id: exact-denied
    effect: deny
    match: { server: fx, tool: exact }
    break_glass: allow
`;

/** The candidate differs in two places: pid would forward another tag, and engineers may no longer call slow. */
const CANDIDATE = POLICY.replace('"via toolgate"', '"via candidate"').replace('id: engineers-slow\n    effect: allow', 'id: engineers-slow\n    effect: deny');

const EVIDENCE = 'evidence: { store_arguments: true, dir: evidence }\n';

describe('replay of an untouched ledger', () => {
  let served: Served;
  let client: Client;
  let config: string;

  beforeAll(async () => {
    served = await serve({ policy: POLICY, extra: EVIDENCE });
    client = await agent(served);
    config = join(served.dir, 'toolgate.yaml');

    const held = client.callTool({ name: 'fx__echo', arguments: { text: 'approve me' } }, undefined, { timeout: 60_000 });
    const approval = await until(async () => {
      const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
      return (json.approvals as Array<{ id: string }>)[0];
    }, 'a pending approval');
    expect((await admin(served, `/api/approvals/${approval.id}/approve`, TOKENS.alice, { note: 'ok' })).status).toBe(200);
    expect(textOf(await held)).toBe('approve me');

    expect((await client.callTool({ name: 'fx__pid', arguments: {} })).isError).toBeFalsy();
    expect((await client.callTool({ name: 'fx__slow', arguments: { steps: 1 } })).isError).toBeFalsy();

    const window = await admin(served, '/api/break-glass', TOKENS.alice, { reason: 'INC-7 outage', for: '30m', principal: 'agent:ci', surface: 'fx/exact' });
    expect(window.status).toBe(201);
    const glass = await client.callTool({ name: 'fx__exact', arguments: {} });
    expect(textOf(glass)).toBe('exact');
    expect(receiptBody(glass)).toMatchObject({ policy: { effect: 'deny', rules: ['exact-denied'] }, break_glass: { reason: 'INC-7 outage' } });

    await client.close();
    await served.stop();
    // The principal moves teams after its calls: replay must judge them with the groups they had.
    writeFileSync(config, readFileSync(config, 'utf8').replace('groups: [engineering]', 'groups: [sales]'));
  }, 120_000);

  afterAll(async () => {
    await served?.stop();
  });

  it('reproduces every decision and exits 0', () => {
    const run = toolgate(['replay', '-c', config, '--since', '1d', '--format', 'json']);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ mode: 'reproduce', differences: [], problems: [] });
    // echo's hold and its approved permit, pid's constrained permit, slow's permit, exact's break-glass permit.
    expect(result.sampled).toBe(5);
    expect(result.same).toBe(result.sampled);
    expect(run.status).toBe(0);
  });

  it('reports exactly what a candidate bundle would change', () => {
    const candidate = join(served.dir, 'candidate.yaml');
    writeFileSync(candidate, CANDIDATE);
    const run = toolgate(['replay', '-c', config, '--since', '1d', '--bundle', candidate, '--format', 'json']);
    const result = JSON.parse(run.stdout);
    expect(result.problems).toEqual([]);
    expect(
      result.differences.map((d: { surface: string; recorded: { effect: string }; replayed: { effect: string } }) => [
        d.surface,
        d.recorded.effect,
        d.replayed.effect,
      ]),
    ).toEqual([
      ['fx/pid', 'permit', 'permit'],
      ['fx/slow', 'permit', 'deny'],
    ]);
    expect(result.differences[0].recorded.effective_args_sha256).not.toBe(result.differences[0].replayed.effective_args_sha256);
    const text = toolgate(['replay', '-c', config, '--since', '1d', '--bundle', candidate]).stdout;
    expect(text).toContain('fx/pid: permit -> permit: 1');
    expect(text).toMatch(/forwarded arguments [0-9a-f]{12}… -> [0-9a-f]{12}…/);
    expect(run.status).toBe(0);
  });
});
