// Held calls through the real gateway and the real admin API: approve with progress heartbeats,
// reject, separation of duties, wait-then-retry re-attaching, and exactly one execution under
// twenty concurrent identical retries.
import { describe, expect, it } from 'vitest';
import { admin, receiptBody, servedForFile, textOf, TOKENS, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    reason: echo needs a DBA's eyes
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 20s }
  - id: pid-held-briefly
    effect: require_approval
    match: { server: fx, tool: pid }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
  - id: cancel-count-ok
    effect: allow
    match: { server: fx, tool: cancel-count }
`;

async function pendingFor(served: Served, text: string): Promise<{ id: string }> {
  return until(async () => {
    const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
    return (json.approvals as Array<{ id: string; arguments?: unknown; call?: { args?: unknown } }>).find((a) => JSON.stringify(a).includes(text));
  }, `a pending approval for ${text}`);
}

describe('held calls', () => {
  const gate = servedForFile({ policy: POLICY });

  it('holds the request open with progress, then runs it once a reviewer approves', async () => {
    const progress: Array<{ progress: number; message?: string }> = [];
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'approve me' } }, undefined, {
      onprogress: (p) => progress.push(p),
      timeout: 60_000,
    });
    const approval = await pendingFor(gate.served(), 'approve me');
    const detail = await admin(gate.served(), `/api/approvals/${approval.id}`, TOKENS.alice);
    expect(JSON.stringify(detail.json)).toContain('echo needs a DBA');
    const decided = await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, { note: 'looks fine' });
    expect(decided.status).toBe(200);
    const result = await call;
    expect(textOf(result)).toBe('approve me');
    expect(receiptBody(result)).toMatchObject({ event: 'complete', approval: { id: approval.id, decided_by: ['user:alice'] } });
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
  });

  it('refuses a rejected call, saying who decided and why', async () => {
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'reject me' } }, undefined, { timeout: 60_000 });
    const approval = await pendingFor(gate.served(), 'reject me');
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/reject`, TOKENS.bob, { note: 'not today' })).status).toBe(200);
    const result = await call;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('bob');
    expect(textOf(result)).toContain('not today');
    expect(receiptBody(result)).toMatchObject({ event: 'reject', approval: { id: approval.id, decided_by: ['user:bob'] } });
  });

  it('refuses a reviewer outside the approvers', async () => {
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'wrong group' } }, undefined, { timeout: 60_000 });
    const approval = await pendingFor(gate.served(), 'wrong group');
    const refused = await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.carol, {});
    expect(refused.status).toBe(403);
    await admin(gate.served(), `/api/approvals/${approval.id}/reject`, TOKENS.alice, {});
    expect((await call).isError).toBe(true);
  });

  it('answers "pending" when the wait ends, and an identical retry after approval runs exactly once', async () => {
    const first = await gate.client().callTool({ name: 'fx__pid', arguments: { tag: 'once' } });
    expect(first.isError).toBe(true);
    expect(textOf(first)).toMatch(/awaiting human approval apr_/);
    const approval = await pendingFor(gate.served(), '"once"');
    expect(textOf(first)).toContain(approval.id);
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, {})).status).toBe(200);
    const retries = await Promise.all(Array.from({ length: 20 }, () => gate.client().callTool({ name: 'fx__pid', arguments: { tag: 'once' } })));
    const ran = retries.filter((r) => !r.isError);
    expect(ran).toHaveLength(1);
    expect(receiptBody(ran[0])).toMatchObject({ event: 'complete', approval: { id: approval.id } });
    for (const r of retries.filter((x) => x.isError)) expect(textOf(r)).toMatch(/exactly one execution|already used|awaiting/);
  });

  it('cancels the approval when the client cancels its held request', async () => {
    const controller = new AbortController();
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'cancel me' } }, undefined, { signal: controller.signal, timeout: 60_000 });
    const approval = await pendingFor(gate.served(), 'cancel me');
    controller.abort();
    await expect(call).rejects.toThrow();
    const settled = await until(async () => {
      const { json } = await admin(gate.served(), `/api/approvals/${approval.id}`, TOKENS.alice);
      return json.status === 'cancelled' ? json : undefined;
    }, 'the approval to be cancelled');
    expect(settled.status).toBe('cancelled');
    expect((await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, {})).status).toBeGreaterThanOrEqual(400);
  });
});
