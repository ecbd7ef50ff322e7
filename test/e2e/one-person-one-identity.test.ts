// Identity tricks against the real gateway and the real admin API. Principal and reviewer ids are
// canonical from config load on (lower-case, "user:" when no kind is given), so one person is one
// identity whatever the spelling: "User:Alice" the principal is alice the reviewer. She cannot
// approve her own call, a break-glass window she opened never releases her own calls, and a config
// that lists her twice as a reviewer (two votes toward a quorum) does not start.
import { describe, expect, it } from 'vitest';
import { admin, agent, receiptBody, serve, servedForFile, sha256, textOf, TOKENS, until, type Served } from './harness.js';

const ALICE_AS_AGENT = 'alice-agent-token-0001';

const POLICY = `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: echo-held
    effect: require_approval
    match: { server: fx, tool: echo }
    approval: { approvers: ["group:dba"], quorum: 1, timeout: 15m, wait: 1s }
`;

async function pendingFor(served: Served, text: string): Promise<{ id: string; principal?: unknown }> {
  return until(async () => {
    const { json } = await admin(served, '/api/approvals?status=pending', TOKENS.bob);
    return (json.approvals as Array<{ id: string }>).find((a) => JSON.stringify(a).includes(text));
  }, `a pending approval for ${text}`);
}

describe('one person, one identity', () => {
  const gate = servedForFile({
    policy: POLICY,
    principals: `  - { id: "User:Alice", token_sha256: ${sha256(ALICE_AS_AGENT)}, groups: [engineering] }\n`,
  });

  it('refuses a reviewer deciding her own call made under another spelling of her id', async () => {
    const alice = await agent(gate.served(), ALICE_AS_AGENT);
    const held = await alice.callTool({ name: 'fx__echo', arguments: { text: 'my own transfer' } });
    await alice.close();
    expect(textOf(held)).toMatch(/awaiting human approval/);
    expect(receiptBody(held).principal.id).toBe('user:alice');
    const approval = await pendingFor(gate.served(), 'my own transfer');
    const refused = await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.alice, {});
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('self_approval');
    const approved = await admin(gate.served(), `/api/approvals/${approval.id}/approve`, TOKENS.bob, {});
    expect(approved.status).toBe(200);
    expect(approved.json.decisions?.[0]?.reviewer ?? JSON.stringify(approved.json)).toContain('user:bob');
  });

  it('never releases a call through a break-glass window opened by the person who made it', async () => {
    const opened = await admin(gate.served(), '/api/break-glass', TOKENS.alice, { reason: 'incident 7', for: '5m', surface: 'fx' });
    expect(opened.status).toBe(201);
    expect(opened.json.opened_by).toBe('user:alice');
    try {
      const alice = await agent(gate.served(), ALICE_AS_AGENT);
      const own = await alice.callTool({ name: 'fx__echo', arguments: { text: 'glass for me' } });
      await alice.close();
      expect(own.isError).toBe(true);
      expect(textOf(own)).toMatch(/awaiting human approval/);
      expect(receiptBody(own).break_glass).toBeUndefined();

      const other = await gate.client().callTool({ name: 'fx__echo', arguments: { text: 'glass for ci' } });
      expect(textOf(other)).toBe('glass for ci');
      expect(receiptBody(other).break_glass).toMatchObject({ id: opened.json.id, opened_by: 'user:alice' });
    } finally {
      await admin(gate.served(), `/api/break-glass/${opened.json.id}/close`, TOKENS.alice, {});
    }
  });

  it('does not start when one person is listed twice as a reviewer ("alice" and "user:alice")', async () => {
    const reviewers = `  - { id: "user:alice", token_sha256: ${sha256('second-alice-token')}, groups: [dba] }\n`;
    const outcome = await serve({ policy: POLICY, reviewers }).then(
      async (started) => `started (${await started.stop()})`,
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/reviewers\[3\]\.id "user:alice" is user:alice, already reviewers\[0\] \("alice"\)/);
  });
});
