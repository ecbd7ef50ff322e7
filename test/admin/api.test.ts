import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { callRequest, holdDecision } from '../approvals/fixtures.js';
import { adminServer } from './fixtures.js';

const json = { 'content-type': 'application/json' };

/** node:http, because fetch does not let a caller set the Host header. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/whoami`, { headers: { host, authorization: 'Bearer alice-token' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('admin API', () => {
  it('lists, shows and approves a held call with everything a reviewer needs', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest({ sql: 'DELETE FROM users' }), holdDecision(), { toolDefinition: { name: 'execute_sql' } });
    const list = await (await api('/api/approvals?status=pending', { token: 'alice-token' })).json();
    expect(list.approvals.map((a: { id: string }) => a.id)).toEqual([approval.id]);
    const shown = await (await api(`/api/approvals/${approval.id}`, { token: 'alice-token' })).json();
    expect(shown).toMatchObject({
      upstream: 'postgres-prod',
      tool: 'execute_sql',
      arguments: { sql: 'DELETE FROM users' },
      principal: { id: 'agent:ci' },
      rule: 'prod-sql-writes',
      reason: 'writes to production need a DBA',
      tool_definition: { name: 'execute_sql' },
      bundle_sha256: 'b'.repeat(64),
      expires_at: approval.expires_at,
    });
    expect(shown.age_ms).toBeGreaterThanOrEqual(0);
    const res = await api(`/api/approvals/${approval.id}/approve`, {
      method: 'POST',
      token: 'alice-token',
      headers: json,
      body: JSON.stringify({ note: 'ok' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'approved', decisions: [{ reviewer: 'user:alice', note: 'ok' }] });
    expect((await (await api('/api/approvals?status=pending', { token: 'alice-token' })).json()).approvals).toEqual([]);
  });

  it('requires a reviewer token on every API route (401), and answers whoami', async () => {
    const { api } = await adminServer();
    for (const path of ['/api/approvals', '/api/approvals/apr_x', '/api/whoami', '/api/events']) {
      const res = await api(path);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('unauthorized');
    }
    expect((await api('/api/whoami', { token: 'not-a-token' })).status).toBe(401);
    expect(await (await api('/api/whoami', { token: 'bob-token' })).json()).toEqual({ id: 'user:bob', groups: ['dba'], rights: [] });
    expect(await (await api('/healthz')).json()).toEqual({ ok: true });
  });

  it('refuses reviewers who may not decide (403) and the caller itself', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const carol = await api(`/api/approvals/${approval.id}/approve`, { method: 'POST', token: 'carol-token' });
    expect(carol.status).toBe(403);
    expect((await carol.json()).error).toMatchObject({ code: 'not_an_approver', message: expect.stringContaining('group:dba') });
    const self = await api(`/api/approvals/${approval.id}/approve`, { method: 'POST', token: 'ci-token' });
    expect((await self.json()).error.code).toBe('self_approval');
    expect((await approvals.get(approval.id)).status).toBe('pending');
  });

  it('refuses a foreign Host header (DNS rebinding) unless it is allowed', async () => {
    const { url } = await adminServer({ allowed_hosts: ['gate.internal'] });
    const evil = await getWithHost(url, 'evil.example:8081');
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.code).toBe('host_not_allowed');
    expect((await getWithHost(url, 'gate.internal:8081')).status).toBe(200);
    expect((await getWithHost(url, 'localhost')).status).toBe(200);
  });

  it('answers bad requests with JSON errors', async () => {
    const { api, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const post = (body: string, headers: Record<string, string> = json) =>
      api(`/api/approvals/${approval.id}/reject`, { method: 'POST', token: 'alice-token', headers, body });
    const cases: Array<[Promise<Response>, number, string]> = [
      [api('/api/approvals/apr_nope', { token: 'alice-token' }), 404, 'not_found'],
      [api('/api/nothing', { token: 'alice-token' }), 404, 'not_found'],
      [api('/api/approvals', { method: 'DELETE', token: 'alice-token' }), 405, 'method_not_allowed'],
      [api('/api/approvals?status=maybe', { token: 'alice-token' }), 400, 'bad_request'],
      [post('{not json'), 400, 'bad_request'],
      [post(JSON.stringify({ note: 'x', extra: 1 })), 400, 'bad_request'],
      [post('note=x', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type'],
      [post(JSON.stringify({ note: 'x'.repeat(20_000) })), 413, 'payload_too_large'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect([res.status, (await res.json()).error.code]).toEqual([status, code]);
    }
    expect((await approvals.get(approval.id)).status).toBe('pending');
  });
});
