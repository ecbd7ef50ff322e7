// Voided approvals counted where a governance lead looks for them: an approval granted under one
// policy, whose requirement a hot reload then changes, is voided at release; /metrics counts it by
// surface and `toolgate report` shows it beside the approval that was used, with the snapshot-mismatch
// rate (voided / (approved + voided)).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { admin, agent, pendingApproval, serve, textOf, toolgate, TOKENS, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
  - id: pid-held
    effect: require_approval
    match: { server: fx, tool: pid }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
`;

async function approvePending(served: Served): Promise<void> {
  const pending = await pendingApproval(served);
  expect((await admin(served, `/api/approvals/${pending.id}/approve`, TOKENS.alice, { note: 'ok' })).status).toBe(200);
}

describe('voided approvals', () => {
  let served: Served;
  let client: Client;

  beforeAll(async () => {
    served = await serve({ policy: POLICY, watch: true });
    client = await agent(served);
    // Approved and used.
    expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'one' } }))).toMatch(/awaiting human approval/);
    await approvePending(served);
    expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'one' } }))).toBe('one');
    // Approved, then the policy changes who must approve before the call is released: voided.
    expect(textOf(await client.callTool({ name: 'fx__pid', arguments: {} }))).toMatch(/awaiting human approval/);
    await approvePending(served);
    writeFileSync(join(served.dir, 'policy.yaml'), POLICY.replace(/(tool: pid }\n {4}approval: \{ approvers: \[)"group:dba"/, '$1"group:finance"'));
    await until(() => served.stderr().includes('"policy reloaded"') || undefined, 'the policy reload');
    expect(textOf(await client.callTool({ name: 'fx__pid', arguments: {} }))).toMatch(/awaiting human approval/);
  }, 120_000);

  afterAll(async () => {
    await client?.close();
    await served?.stop();
  });

  it('are counted by surface in /metrics', async () => {
    const res = await fetch(`${served.adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.alice}` } });
    const text = await res.text();
    expect(text).toContain('toolgate_approvals_voided_total{upstream="fx",tool="pid"} 1');
    expect(text).not.toContain('toolgate_approvals_voided_total{upstream="fx",tool="echo"}');
  });

  it('are counted in the report with the snapshot-mismatch rate', () => {
    const config = join(served.dir, 'toolgate.yaml');
    const json = toolgate(['report', '-c', config, '--since', '1d', '--format', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).approvals).toMatchObject({ approved: 1, voided: 1, snapshot_mismatch: { count: 1, rate: 0.5 } });
    expect(toolgate(['report', '-c', config, '--since', '1d']).stdout).toContain('approvals: 1 granted, 1 voided at release; snapshot-mismatch rate 50.0%');
  });
});
