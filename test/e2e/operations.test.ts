// Operating the real gateway: rate limits that survive a restart, a pending approval that survives a
// restart, break-glass letting a refused call through with the flag, metrics scraped during
// traffic, no argument value in the logs, /readyz, and a SIGTERM drain with a call in flight.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { admin, agent, receiptBody, serve, textOf, TOKENS, until } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-rated
    effect: allow
    match: { server: fx, tool: echo }
    limits: [ { per: principal, rate: 3/1h } ]
  - id: slow-ok
    effect: allow
    match: { server: fx, tool: slow }
  - id: pid-held
    effect: require_approval
    match: { server: fx, tool: pid }
    approval: { approvers: ["group:dba"], wait: 1s }
  - id: no-crash
    effect: deny
    match: { server: fx, tool: crash }
`;

describe('operations', () => {
  it('enforces a rate limit across a restart, and keeps a pending approval for the retry after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'toolgate-e2e-restart-'));
    let served = await serve({ policy: POLICY, dir });
    let client = await agent(served);
    for (let i = 0; i < 2; i++) expect((await client.callTool({ name: 'fx__echo', arguments: { text: `n${i}` } })).isError).toBeFalsy();
    const held = await client.callTool({ name: 'fx__pid', arguments: {} });
    expect(textOf(held)).toMatch(/awaiting human approval/);
    await client.close();
    expect(await served.stop()).toBe(0);

    served = await serve({ policy: POLICY, dir });
    client = await agent(served);
    try {
      expect((await client.callTool({ name: 'fx__echo', arguments: { text: 'n2' } })).isError).toBeFalsy();
      const limited = await client.callTool({ name: 'fx__echo', arguments: { text: 'n3' } });
      expect(limited.isError).toBe(true);
      expect(textOf(limited)).toMatch(/limit of rule echo-rated/);
      const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
      expect(json.approvals).toHaveLength(1);
      expect((await admin(served, `/api/approvals/${json.approvals[0].id}/approve`, TOKENS.alice, {})).status).toBe(200);
      const retry = await client.callTool({ name: 'fx__pid', arguments: {} });
      expect(retry.isError).toBeFalsy();
      expect(receiptBody(retry)).toMatchObject({ event: 'complete', approval: { id: json.approvals[0].id } });
    } finally {
      await client.close();
      await served.stop();
    }
  });

  it('lets a refused call through an open break-glass window, flagged in its receipts, until it closes', async () => {
    const served = await serve({ policy: POLICY });
    const client = await agent(served);
    try {
      const refused = await client.callTool({ name: 'fx__crash', arguments: {} });
      expect(refused.isError).toBe(true);
      const opened = await admin(served, '/api/break-glass', TOKENS.alice, { reason: 'incident 42', for: '5m', surface: 'fx/pid' });
      expect(opened.status, JSON.stringify(opened.json)).toBe(201);
      const through = await client.callTool({ name: 'fx__pid', arguments: {} });
      expect(through.isError).toBeFalsy();
      expect(receiptBody(through)).toMatchObject({ event: 'complete', break_glass: { opened_by: 'user:alice', reason: 'incident 42' } });
      expect((await admin(served, '/api/break-glass', TOKENS.bob, { reason: 'no right', for: '5m' })).status).toBe(403);
      const id = opened.json.id ?? opened.json.window?.id;
      expect((await admin(served, `/api/break-glass/${id}/close`, TOKENS.alice, {})).status).toBe(200);
      expect(textOf(await client.callTool({ name: 'fx__pid', arguments: {} }))).toMatch(/awaiting human approval/);
    } finally {
      await client.close();
      await served.stop();
    }
  });

  it('exposes metrics during traffic, says ready, and logs calls without argument values', async () => {
    const served = await serve({ policy: POLICY });
    const client = await agent(served);
    try {
      const ready = await fetch(`${served.adminUrl}/readyz`);
      expect(ready.status).toBe(200);
      await client.callTool({ name: 'fx__echo', arguments: { text: 'SECRET-VALUE-4711' } });
      await client.callTool({ name: 'fx__crash', arguments: { note: 'ANOTHER-SECRET-0815' } });
      const res = await fetch(`${served.adminUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.alice}` } });
      const text = await res.text();
      expect(text).toMatch(/toolgate_calls_total\{upstream="fx",tool="echo",effect="permit",outcome="complete"\} 1/);
      expect(text).toMatch(/toolgate_calls_total\{upstream="fx",tool="crash",effect="deny",outcome="deny"\} 1/);
      expect((await fetch(`${served.adminUrl}/metrics`)).status).toBe(401);
      await until(() => served.stderr().includes('"surface":"fx/crash"') || undefined, 'the call log line');
      expect(served.stderr()).not.toContain('SECRET-VALUE-4711');
      expect(served.stderr()).not.toContain('ANOTHER-SECRET-0815');
    } finally {
      await client.close();
      await served.stop();
    }
  });

  it('drains on SIGTERM: the call in flight finishes, new calls are refused, the exit is clean', async () => {
    const served = await serve({ policy: POLICY });
    const client = await agent(served);
    const late = await agent(served);
    const inFlight = client.callTool({ name: 'fx__slow', arguments: { steps: 10 } });
    await new Promise((r) => setTimeout(r, 150));
    served.child.kill('SIGTERM');
    await until(() => served.stderr().includes('draining') || undefined, 'the drain to start');
    const refused = await late
      .callTool({ name: 'fx__echo', arguments: { text: 'too late' } })
      .catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }));
    expect(refused.isError).toBe(true);
    const finished = await inFlight;
    expect(finished.isError).toBeFalsy();
    expect(receiptBody(finished)).toMatchObject({ event: 'complete' });
    expect(await served.exited).toBe(0);
  });
});
