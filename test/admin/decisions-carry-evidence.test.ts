// The decision body carries the note and the evidence fields an approval demands, through the real
// admin REST API and the real CLI: a decision lacking them is refused with 422 and a message
// naming what is missing, and nothing is recorded; one carrying them is recorded with the vote.
import { beforeAll, describe, expect, it } from 'vitest';
import { callRequest, holdDecision } from '../approvals/fixtures.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { adminServer } from './fixtures.js';

beforeAll(requireBuiltCli);

/** One DBA (alice or bob) and one from design (carol), with a note and a change ticket. */
const dbaAndDesign = () =>
  holdDecision({
    requirement: [
      { rule: 'prod-sql-writes', group: 'dba', quorum: 1 },
      { rule: 'prod-sql-writes', group: 'design', quorum: 1 },
    ],
    evidence: { note: true, fields: ['ticket'] },
  });

const post = (body: unknown, token: string) => ({ method: 'POST', token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a decision through the admin API', () => {
  it('without the demanded evidence is refused with 422, and nothing is recorded', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), dbaAndDesign());
    const res = await api(`/api/approvals/${approval.id}/approve`, post({ note: 'fine' }, 'alice-token'));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: { code: 'evidence_missing', message: expect.stringContaining('the evidence field "ticket"') } });
    const rejected = await api(`/api/approvals/${approval.id}/reject`, post({ evidence: { ticket: 'CHG-1' } }, 'carol-token'));
    expect(rejected.status).toBe(422);
    expect((await approvals.get(approval.id)).decisions).toEqual([]);
  });

  it('with the note and the evidence is recorded, and the hold shows what it needs', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), dbaAndDesign());
    const shown = await (await api(`/api/approvals/${approval.id}`, { token: 'alice-token' })).json();
    expect(shown).toMatchObject({
      requirement: [
        { group: 'dba', quorum: 1 },
        { group: 'design', quorum: 1 },
      ],
      evidence_required: { note: true, fields: ['ticket'] },
    });
    const first = await api(`/api/approvals/${approval.id}/approve`, post({ note: 'where clause ok', evidence: { ticket: 'CHG-1' } }, 'alice-token'));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ status: 'pending', decisions: [{ reviewer: 'user:alice', groups: ['dba'], evidence: { ticket: 'CHG-1' } }] });
    const second = await api(`/api/approvals/${approval.id}/approve`, post({ note: 'ok', evidence: { ticket: 'CHG-1' } }, 'bob-token'));
    expect((await second.json()).status).toBe('pending');
    const third = await api(`/api/approvals/${approval.id}/approve`, post({ note: 'design ok', evidence: { ticket: 'CHG-1' } }, 'carol-token'));
    expect((await third.json()).status).toBe('approved');
  });

  it('refuses a malformed evidence field with 400, naming it', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), dbaAndDesign());
    const res = await api(`/api/approvals/${approval.id}/approve`, post({ note: 'x', evidence: { ticket: 7 } }, 'alice-token'));
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/evidence\.ticket/);
  });
});

describe('toolgate approvals approve --evidence', { timeout: 60_000 }, () => {
  it('sends the note and every --evidence field, and reports a refusal for missing evidence', async () => {
    const { url, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), dbaAndDesign());
    const env = { TOOLGATE_ADMIN_URL: url, TOOLGATE_TOKEN: 'alice-token' };
    const refused = await toolgate(['approvals', 'approve', approval.id, '--note', 'ok'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/the evidence field "ticket".*evidence_missing/);
    const ok = await toolgate(['approvals', 'approve', approval.id, '--note', 'ok', '--evidence', 'ticket=CHG-1', '--evidence', 'link=https://x/?a=b'], env);
    expect(ok).toMatchObject({ code: 0, stdout: `${approval.id}: pending\n` });
    expect((await approvals.get(approval.id)).decisions[0]).toMatchObject({ note: 'ok', evidence: { ticket: 'CHG-1', link: 'https://x/?a=b' } });
    const bad = await toolgate(['approvals', 'approve', approval.id, '--evidence', 'ticket'], { ...env, TOOLGATE_TOKEN: 'carol-token' });
    expect(bad.stderr).toMatch(/expected field=value/);
  });
});
