// An AND approval through the real `toolgate serve`, a real fixture upstream, the real admin API and
// the real ledger: two approval rules match one call (one wants a DBA, the other someone from
// finance with a change ticket), so two DBAs do not release it, a finance decision without its
// ticket is refused (422), and the finance approval with it runs the call. Every decision is a
// `vote` receipt, and the receipts alone show who had to approve and that the approvers were entitled.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReceipts } from '../../src/ledger/index.js';
import { canonicalJson } from '../../src/core/index.js';
import { admin, receiptBody, servedForFile, sha256, textOf, TOKENS, until, type Served } from './harness.js';

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
    if ('call' in body && body.approval?.id === approvalId) out.push(body);
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
    const receipts = await receiptsOf(gate.served(), id);
    expect(receipts.map((r) => r.event)).toEqual(['hold', 'vote', 'vote', 'vote', 'approve', 'permit', 'complete']);
    const [, , , carols, approve] = receipts;
    expect(carols.approval.vote).toMatchObject({ reviewer: 'user:carol', groups: ['finance'], note: 'budget ok', evidence: { ticket: 'CHG-7' } });
    expect(approve.approval.votes.map((v: { reviewer: string; groups: string[] }) => [v.reviewer, v.groups])).toEqual([
      ['user:alice', ['dba']],
      ['user:bob', ['dba']],
      ['user:carol', ['finance']],
    ]);
  });

  it('lets an auditor check offline, from the receipts alone, that the approvers were entitled', async () => {
    const call = gate.client().callTool({ name: 'fx__echo', arguments: { text: 'audit me' } }, undefined, { timeout: 60_000 });
    const { id } = await pendingFor(gate.served(), 'audit me');
    await admin(gate.served(), `/api/approvals/${id}/approve`, TOKENS.carol, { note: 'ok', evidence: { ticket: 'CHG-8' } });
    await admin(gate.served(), `/api/approvals/${id}/approve`, TOKENS.bob, { note: 'ok', evidence: { ticket: 'CHG-8' } });
    await call;
    const receipts = await receiptsOf(gate.served(), id);
    const hold = receipts.find((r) => r.event === 'hold');
    const approve = receipts.find((r) => r.event === 'approve');
    const requirement = [
      { rule: 'echo-needs-a-dba', approvers: ['group:dba'], quorum: 1 },
      { rule: 'echo-needs-finance', group: 'finance', quorum: 1 },
    ];
    for (const r of receipts) {
      expect(r.approval.requirement).toEqual(requirement);
      expect(r.approval.requirement_sha256).toBe(sha256(canonicalJson(requirement)!));
    }
    expect(approve.policy.bundle_sha256).toBe(hold.policy.bundle_sha256);
    // Each approving voter fits a distinct entry, by the groups recorded with the vote.
    const fits = (entry: (typeof requirement)[number], v: { groups: string[] }) =>
      'group' in entry ? v.groups.includes(entry.group!) : entry.approvers!.some((a) => v.groups.includes(a.slice('group:'.length)));
    const [carol, bob] = approve.approval.votes;
    expect(fits(requirement[1]!, carol) && fits(requirement[0]!, bob)).toBe(true);
  });
});
