// `toolgate init`: write a starter toolgate.yaml, a policy folder with a starter policy and its
// fixture cases, a starter surface registry, and the key folder into the current directory. It never overwrites: an existing file stops it.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';

const CONFIG = `# toolgate configuration: see docs/gateway.md
name: my-gate
listen:
  http: { host: 127.0.0.1, port: 8080, path: /mcp }
  # stdio: true          # for Claude Desktop and other clients that start the server themselves
upstreams:
  everything:
    command: npx
    args: [-y, "@modelcontextprotocol/server-everything"]
    timeout: 60s
  # fs:     { command: npx, args: [-y, "@modelcontextprotocol/server-filesystem", ./sandbox] }
  # github: { url: "https://example.invalid/mcp", headers: { Authorization: "Bearer \${GITHUB_TOKEN}" } }
policies: [policies/*.yaml]
registry: surfaces.yaml   # classes, owners and review dates of the surfaces (docs/registry.md)
# principals: [ { id: agent:ci, token_sha256: "<sha256 hex of the token>", groups: [engineering] } ]
# The reviewer API and console (http://127.0.0.1:8081/), for calls that policies hold for approval:
# admin: { host: 127.0.0.1, port: 8081 }
# reviewers: [ { id: alice, token_sha256: "<sha256 hex of the token>", groups: [reviewers] } ]
keys: { dir: .toolgate/keys }
`;

const POLICY = `# Starter policy. Rule order never matters: deny > require_approval > allow_with_constraints > allow.
# A call no rule permits is refused.
version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: everything-read-only
    effect: allow
    match: { server: everything, tool: [echo, get-sum, get-tiny-image] }
  - id: everything-env-is-secret
    effect: deny
    match: { server: everything, tool: get-env }
`;

const FIXTURE = `# Fixture cases for the starter policy: \`toolgate policy test -c toolgate.yaml\` runs them as the
# gateway would decide. Add a case for every rule you write (docs/policies.md, "Fixture tests").
cases:
  - name: echo is allowed
    call: { server: everything, tool: echo, args: { message: hi }, principal: agent:ci }
    expect: { effect: allow, rules: [everything-read-only] }
  - name: the environment stays secret
    call: { server: everything, tool: get-env, principal: agent:ci }
    expect: { effect: deny, rules: [everything-env-is-secret] }
`;

/** The starter registry: the starter classes, and the starter policy's surfaces due for review in a quarter. */
function registry(today: Date): string {
  const reviewBy = new Date(today.getTime() + 91 * 86_400_000).toISOString().slice(0, 10);
  return `# The surface registry: what each tool does (its class), who owns it, its risk tier and when it is
# reviewed again. \`toolgate surfaces --check\` fails on a tool missing here, a surface its class's
# expected effects do not cover, a rule naming a tool that does not exist, and a passed review_by.
version: toolgate.registry/v1
classes:
  payments:       { expects: [require_approval, allow_with_constraints] }
  data-export:    { expects: [require_approval, allow_with_constraints] }
  infra-mutation: { expects: [require_approval] }
  comms:          { expects: [require_approval, allow_with_constraints] }
  read-only:      { expects: [allow] }
  secrets:        { expects: [deny] }
surfaces:
  - { match: { server: everything, tool: [echo, get-sum, get-tiny-image] }, class: read-only,
      owner: team-platform, tier: low, review_by: ${reviewBy} }
  - { match: { server: everything, tool: get-env }, class: secrets, owner: team-platform, tier: high,
      review_by: ${reviewBy} }
`;
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a starter toolgate.yaml, policies/ (with fixture cases), surfaces.yaml and .toolgate/keys/ into the current directory')
    .action(() => {
      const files: [string, string][] = [
        ['toolgate.yaml', CONFIG],
        [join('policies', 'policy.yaml'), POLICY],
        [join('policies', 'policy.test.yaml'), FIXTURE],
        ['surfaces.yaml', registry(new Date())],
      ];
      const existing = files.map(([path]) => path).filter((path) => existsSync(path));
      if (existing.length) throw new Error(`init refuses to overwrite ${existing.join(', ')}: move it away or edit it`);
      mkdirSync('policies', { recursive: true });
      mkdirSync(join('.toolgate', 'keys'), { recursive: true, mode: 0o700 });
      for (const [path, text] of files) writeFileSync(path, text, { flag: 'wx' });
      process.stdout.write(
        'wrote toolgate.yaml, policies/policy.yaml, policies/policy.test.yaml, surfaces.yaml and .toolgate/keys/\n' +
          'next: toolgate policy test -c toolgate.yaml; toolgate surfaces --check; toolgate serve -c toolgate.yaml\n',
      );
    });
}
