// `toolgate surfaces --check` over a real registry file, real policy files and the fixture upstream
// over stdio (the built CLI): one line per gap, a non-zero exit, and errors in the registry named
// at their file, line and key.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, toolgate } from '../fixtures/cli.js';
import { FIXTURE, tempDir, tool } from '../pins/helpers.js';

beforeAll(requireBuiltCli);

const TOOLS = ['read_file', 'write_file', 'delete_file', 'send_mail', 'list_dir'].map((name) => tool(name, `${name}.`));

const REGISTRY = `version: toolgate.registry/v1
classes:
  read-only: { expects: [allow] }
  comms: { expects: [require_approval, allow_with_constraints] }
  infra-mutation: { expects: [require_approval] }
surfaces:
  - { match: { server: fs, tool: read_file }, class: read-only, owner: team-a, tier: low, review_by: 2099-01-01 }
  - { match: { server: fs, tool: write_file }, class: comms, owner: team-a, tier: high, review_by: 2099-01-01 }
  - { match: { server: fs, tool: delete_file }, class: infra-mutation, owner: team-b, tier: high, review_by: 2020-01-01 }
  - { match: { server: fs, tool: send_mail }, class: comms, owner: team-c, tier: medium, review_by: 2099-01-01 }
`;

const POLICY = `version: toolgate.policy/v1
rules:
  - id: fs-read
    effect: allow
    match: { server: fs, tool: read_file }
  - id: fs-typo
    effect: allow
    match: { server: fs, tool: read_fiel }
  - id: fs-write-deny
    effect: deny
    match: { server: fs, tool: write_file }
  - id: infra-held
    effect: require_approval
    match: { class: infra-mutation }
    approval: { approvers: ["group:sre"] }
`;

function workspace(registry = REGISTRY, policy = POLICY): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'tools.json'), JSON.stringify({ lists: [TOOLS] }));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'fs.yaml'), policy);
  writeFileSync(join(dir, 'surfaces.yaml'), registry);
  writeFileSync(
    join(dir, 'toolgate.yaml'),
    [
      'listen: { stdio: true }',
      'upstreams:',
      `  fs: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(FIXTURE)}, tools.json] }`,
      'policies: [policies/*.yaml]',
      'registry: surfaces.yaml',
      'store: { kind: lowdb, path: state.json }',
      '',
    ].join('\n'),
  );
  return dir;
}

describe('toolgate surfaces --check', () => {
  it('prints one line per gap and exits non-zero', async () => {
    const dir = workspace();
    const r = await toolgate(['surfaces', '--check', '-c', join(dir, 'toolgate.yaml')]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'fs/list_dir: exposed but not in the registry',
        'fs/write_file (class comms, owner team-a): covered only by fs-write-deny (deny); the class expects require_approval or allow_with_constraints',
        'fs/send_mail (class comms, owner team-c): no rule covers it; the class expects require_approval or allow_with_constraints',
        'fs/delete_file (class infra-mutation, owner team-b): review_by 2020-01-01 has passed',
        `rule "fs-typo" (${join(dir, 'policies', 'fs.yaml')}:6): match.tool "read_fiel" names no tool of fs (did you mean read_file?)`,
      ]),
    );
    expect(lines).toHaveLength(6);
    expect(lines.at(-1)).toBe('5 problems');
  });

  it('passes when every surface is registered, covered as its class expects, and current', async () => {
    const registry = `version: toolgate.registry/v1
classes:
  read-only: { expects: [allow] }
surfaces:
  - { match: { server: fs, tool: "*" }, class: read-only, owner: team-a, tier: low, review_by: 2099-01-01 }
`;
    const policy = 'version: toolgate.policy/v1\nrules:\n  - { id: reads, effect: allow, match: { class: read-only } }\n';
    const r = await toolgate(['surfaces', '--check', '-c', join(workspace(registry, policy), 'toolgate.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ok: 5 surfaces, each registered and covered as its class expects\n');
    expect(r.code).toBe(0);
  });

  it('judges review_by dates as of a planned review day with --as-of', async () => {
    const registry = `version: toolgate.registry/v1
classes:
  read-only: { expects: [allow] }
surfaces:
  - { match: { server: fs, tool: "*" }, class: read-only, owner: team-a, tier: low, review_by: 2099-01-01 }
`;
    const policy = 'version: toolgate.policy/v1\nrules:\n  - { id: reads, effect: allow, match: { class: read-only } }\n';
    const config = join(workspace(registry, policy), 'toolgate.yaml');
    const before = await toolgate(['surfaces', '--check', '--as-of', '2098-12-31', '-c', config]);
    expect(before.stdout).toBe('ok: 5 surfaces, each registered and covered as its class expects\n');
    const after = await toolgate(['surfaces', '--check', '--as-of', '2099-01-02', '-c', config]);
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('fs/read_file (class read-only, owner team-a): review_by 2099-01-01 has passed');
    const bad = await toolgate(['surfaces', '--check', '--as-of', 'next monday', '-c', config]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("option '--as-of <date>' argument 'next monday' is invalid. expected a date (YYYY-MM-DD)");
  });

  it('names the file, line and key of every problem in the registry', async () => {
    const registry = `version: toolgate.registry/v1
classes:
  comms: { expects: [require_approval], colour: red }
surfaces:
  - { match: { server: fs, tool: send_mail }, class: comms, owner: team-c, tier: medium, review_by: 2099-01-01 }
  - { match: { server: fs, tool: read_file }, class: payment, owner: team-a, tier: huge, review_by: soon }
`;
    const dir = workspace(registry);
    const r = await toolgate(['surfaces', '--check', '-c', join(dir, 'toolgate.yaml')]);
    expect(r.code).toBe(1);
    const file = join(dir, 'surfaces.yaml');
    expect(r.stderr).toContain(`${file}:3: classes.comms: unknown key(s) "colour"`);
    expect(r.stderr).toContain(`${file}:6: surfaces[1].tier:`);
    expect(r.stderr).toContain(`${file}:6: surfaces[1].review_by: a date (YYYY-MM-DD)`);
  });

  it('refuses a policy that names a class the registry does not define', async () => {
    const policy = 'version: toolgate.policy/v1\nrules:\n  - { id: pay, effect: deny, match: { class: payment } }\n';
    const dir = workspace(REGISTRY, policy);
    const r = await toolgate(['policy', 'check', '-c', join(dir, 'toolgate.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'policies', 'fs.yaml')}:3: rule "pay": unknown class "payment" (the registry defines comms, infra-mutation, read-only)`,
    );
  });

  it('policy check warns about a rule naming a tool its upstream does not have, and still passes', async () => {
    const dir = workspace();
    const r = await toolgate(['policy', 'check', '-c', join(dir, 'toolgate.yaml')]);
    expect(r.stdout).toMatch(/^ok: 4 rules/);
    expect(r.stderr).toContain(
      `warning: rule "fs-typo" (${join(dir, 'policies', 'fs.yaml')}:6): match.tool "read_fiel" names no tool of fs (did you mean read_file?)`,
    );
    expect(r.code).toBe(0);
  });
});
