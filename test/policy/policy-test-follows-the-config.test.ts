// `toolgate policy test -c toolgate.yaml` decides fixture cases as the running gateway would: with
// every policy folder of the config in one bundle, the config's path_root (relative to the config
// file, as serve reads it) and its upstream names; a failing case shows the decision's reason.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';

beforeAll(requireBuiltCli);

function project(cases: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-policy-test-'));
  mkdirSync(join(dir, 'policies', 'team-a'), { recursive: true });
  mkdirSync(join(dir, 'policies', 'team-b'), { recursive: true });
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    `listen: { stdio: true }
upstreams: { fs: { command: "true" }, mail: { command: "true" } }
policies: [policies/team-a/*.yaml, policies/team-b/*.yaml]
policy: { path_root: ./workspace }
`,
  );
  writeFileSync(
    join(dir, 'policies', 'team-a', 'fs.yaml'),
    `version: toolgate.policy/v1
rules:
  - id: fs-in-workspace
    effect: allow
    match: { server: fs, tool: read_file }
    when: 'path.within(args.path, "${join(dir, 'workspace')}")'
`,
  );
  writeFileSync(
    join(dir, 'policies', 'team-b', 'mail.yaml'),
    'version: toolgate.policy/v1\nrules:\n  - { id: no-mail, effect: deny, match: { server: mail } }\n',
  );
  writeFileSync(join(dir, 'policies', 'team-b', 'cases.test.yaml'), cases);
  return dir;
}

test('cases in one team folder are decided by the whole bundle, with the config path_root resolved against the config file', async () => {
  const dir = project(`cases:
  - name: a relative path inside the workspace is read
    call: { server: fs, tool: read_file, args: { path: notes.txt }, principal: agent:ci }
    expect: { effect: allow, rules: [fs-in-workspace] }
  - name: mail is denied
    call: { server: mail, tool: send, principal: agent:ci }
    expect: { effect: deny }
`);
  const r = await toolgate(['policy', 'test', '-c', join(dir, 'toolgate.yaml')]);
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('PASS: 2/2');
  expect(r.code).toBe(0);
});

test('a failing case prints the reason of its decision, and a case naming no configured upstream fails', async () => {
  const dir = project(`cases:
  - name: escaping the workspace is read
    call: { server: fs, tool: read_file, args: { path: ../secrets }, principal: agent:ci }
    expect: { effect: allow }
  - name: a typo in the upstream
    call: { server: gthub, tool: read_file, principal: agent:ci }
    expect: { effect: silence }
`);
  const r = await toolgate(['policy', 'test', '-c', join(dir, 'toolgate.yaml')]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('FAIL: escaping the workspace is read');
  expect(r.stdout).toContain('reason: no policy rule permits fs/read_file');
  expect(r.stdout).toContain('FAIL: a typo in the upstream');
  expect(r.stdout).toContain('"gthub" is not an upstream of the config (fs, mail)');
  expect(r.stdout).toContain('FAIL: 2/2');
});
