// `toolgate policy explain` of a held call says in words who must approve, how many, and for how
// long (the built CLI over a real policy file).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';

beforeAll(requireBuiltCli);

test('explain prints the approval requirement readably', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-explain-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    `version: toolgate.policy/v1
rules:
  - id: db-write-held
    effect: require_approval
    match: { server: db, tool: write }
    approval:
      approvers: ["group:dba", "user:alice"]
      quorum: 2
      timeout: 30m
      wait: 10s
      notify: { webhook: "https://hooks.example.com/toolgate" }
`,
  );
  const r = await toolgate(['policy', 'explain', join(dir, 'policy.yaml'), '--server', 'db', '--tool', 'write', '--principal', 'agent:ci']);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('decision: HOLD by [db-write-held]');
  expect(r.stdout).toContain(
    [
      'approval (rule db-write-held):',
      '  2 approvals from: group:dba, user:alice',
      '  reviewers have 30m to decide; the client waits up to 10s, then retries',
      '  reviewers are notified at https://hooks.example.com/toolgate',
    ].join('\n'),
  );
  expect(r.stdout).not.toContain('"approvers"');
});

test('explain prints every entry of an approval across groups, and the evidence each decision needs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-explain-'));
  writeFileSync(
    join(dir, 'policy.yaml'),
    `version: toolgate.policy/v1
rules:
  - id: payouts
    effect: require_approval
    match: { server: pay, tool: payout }
    approval:
      require: [{ group: security-team }, { group: platform-lead }]
      evidence: { note: required, fields: [ticket] }
  - id: payouts-finance
    effect: require_approval
    match: { server: pay, tool: payout }
    approval: { approvers: ["group:finance"] }
`,
  );
  const r = await toolgate(['policy', 'explain', join(dir, 'policy.yaml'), '--server', 'pay', '--tool', 'payout', '--principal', 'agent:ci']);
  expect(r.stdout).toContain(
    [
      'approval (rule payouts):',
      '  1 approval from: group:security-team',
      '  1 approval from: group:platform-lead',
      '  1 approval from: group:finance (rule payouts-finance)',
      '  every entry by distinct reviewers: a reviewer counts toward one entry only',
      '  every decision must carry a note and the evidence field(s) "ticket"',
    ].join('\n'),
  );
});
