// A reviewer must know whether approving a held call lets the agent's call go ahead now (the agent
// is still waiting on it) or only if the agent repeats the call (its request already got a
// "pending" answer). The admin API says so in `agent_waiting`, on the list, the call and the events.
import { describe, expect, it } from 'vitest';
import { callRequest, holdDecision } from '../approvals/fixtures.js';
import { adminServer } from './fixtures.js';

describe('a held call in the admin API', () => {
  it('says the agent is waiting while its request is open, and not once the wait has ended', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest({ sql: 'DELETE FROM users' }), holdDecision(), {});
    const shown = async () => (await (await api(`/api/approvals/${approval.id}`, { token: 'alice-token' })).json()) as { agent_waiting: boolean };
    expect((await shown()).agent_waiting).toBe(false);

    const abort = new AbortController();
    const waiting = approvals.wait(approval.id, { waitMs: 60_000, signal: abort.signal });
    await expect.poll(async () => (await shown()).agent_waiting).toBe(true);
    const list = await (await api('/api/approvals?status=pending', { token: 'alice-token' })).json();
    expect(list.approvals[0]).toMatchObject({ id: approval.id, agent_waiting: true });

    abort.abort();
    await waiting;
    expect((await shown()).agent_waiting).toBe(false);
  });
});
