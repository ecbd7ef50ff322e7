// An AND approval through the real `toolgate serve`, a real fixture upstream, the real admin API and
// the real ledger: two approval rules match one call (one wants a DBA, the other someone from
// finance with a change ticket), so two DBAs do not release it, a finance decision without its
// ticket is refused (422), and the finance approval with it runs the call.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { admin, receiptBody, servedForFile, textOf, TOKENS, until, type Served } from './harness.js';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-needs-a-dba
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 30s }
  - id: echo-needs-finance
    effect: require_approval
    match: { server: fx, tool: echo }
    approval:
      require: [{ group: finance, quorum: 1 }]
      evidence: { note: required, fields: [ticket] }
      timeout: 15m
      wait: 30s
`;

async function pendingFor(served: Served, text: string): Promise<{ id: string }> {
  return until(async () => {
    const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.alice);
    return (json.approvals as Array<{ id: string }>).find((a) => JSON.stringify(a).includes(text));
  }, `a pending approval for ${text}`);
}

// biome-ignore lint/suspicious/noExplicitAny: tests read receipt fields by name.
async function receiptsOf(served: Served, approvalId: string): Promise<any[]> {
  const out = [];
  for await (const { body } of readReceipts(join(served.dir, 'ledger'))) {
    if (body.event !== 'rotate' && body.approval?.id === approvalId) out.push(body);
  }
  return out;
}

describe('an approval across groups through toolgate serve', () => {
  const gate = servedForFile({ policy: POLICY });

  it('needs every matched rule: two DBAs do not release it, finance with a ticket does', async () => {
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'pay out' } }, undefined, { timeout: 60_000 });
    const { id } = await pendingFor(gate.served(), 'pay out');
    const ask = (token: string, verdict: string, body: unknown) => admin(gate.served(), `/api/approvals/${id}/${verdict}`, token, body);
    expect((await ask(TOKENS.alice, 'approve', { note: 'sql fine', evidence: { ticket: 'CHG-7' } })).json.status).toBe('pending');
    expect((await ask(TOKENS.bob, 'approve', { note: 'me too', evidence: { ticket: 'CHG-7' } })).json.status).toBe('pending');
    const missing = await ask(TOKENS.carol, 'approve', { note: 'budget ok' });
    expect(missing.status).toBe(422);
    expect(missing.json.error.message).toMatch(/the evidence field "ticket"/);
    const granted = await ask(TOKENS.carol, 'approve', { note: 'budget ok', evidence: { ticket: 'CHG-7' } });
    expect(granted.json.status).toBe('approved');
    const result = await call;
    expect(textOf(result)).toBe('pay out');
    expect(receiptBody(result)).toMatchObject({ event: 'complete', approval: { id, decided_by: ['user:alice', 'user:bob', 'user:carol'] } });
    expect((await receiptsOf(gate.served(), id)).map((r) => r.event)).toContain('approve');
  });
});
