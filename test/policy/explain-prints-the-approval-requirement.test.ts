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
