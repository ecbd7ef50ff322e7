import { beforeAll, describe, expect, it } from 'vitest';
import { callRequest, holdDecision } from '../approvals/fixtures.js';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { adminServer } from './fixtures.js';

beforeAll(requireBuiltCli);

describe('toolgate approvals', { timeout: 60_000 }, () => {
  it('lists, shows and approves through the admin API', async () => {
    const { url, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest({ sql: 'DELETE FROM users' }), holdDecision());
    const env = { TOOLGATE_ADMIN_URL: url, TOOLGATE_TOKEN: 'alice-token' };

    const list = await toolgate(['approvals', 'list'], env);
    expect(list.stdout).toContain(approval.id);
    expect(list.stdout).toContain('postgres-prod/execute_sql');

    const show = await toolgate(['approvals', 'show', approval.id], env);
    expect(JSON.parse(show.stdout)).toMatchObject({ id: approval.id, arguments: { sql: 'DELETE FROM users' } });

    const approve = await toolgate(['approvals', 'approve', approval.id, '--note', 'looks right'], env);
    expect(approve).toMatchObject({ code: 0, stdout: `${approval.id}: approved\n` });
    expect((await approvals.get(approval.id)).decisions[0]).toMatchObject({ reviewer: 'user:alice', note: 'looks right' });
  });

  it('takes URL and token from flags, and reports refusals with their reason and a non-zero exit', async () => {
    const { url, approvals } = await adminServer();
    const { approval } = await approvals.openOrAttach(callRequest(), holdDecision());
    const refused = await toolgate(['approvals', 'reject', approval.id, '--url', url, '--token', 'carol-token']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/not among the approvers.*not_an_approver/);
    const noToken = await toolgate(['approvals', 'list', '--url', url], { TOOLGATE_TOKEN: '' });
    expect(noToken.stderr).toMatch(/reviewer token is required/);
    const rejected = await toolgate(['approvals', 'reject', approval.id, '--url', url, '--token', 'bob-token']);
    expect(rejected.stdout).toBe(`${approval.id}: rejected\n`);
  });
});
