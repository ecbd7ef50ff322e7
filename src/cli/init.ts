// `toolgate init`: write a starter toolgate.yaml, a policy folder with a starter policy, and the
// key folder into the current directory. It never overwrites: an existing file stops it.
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

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a starter toolgate.yaml, policies/ and .toolgate/keys/ into the current directory')
    .action(() => {
      const files: [string, string][] = [
        ['toolgate.yaml', CONFIG],
        [join('policies', 'policy.yaml'), POLICY],
      ];
      const existing = files.map(([path]) => path).filter((path) => existsSync(path));
      if (existing.length) throw new Error(`init refuses to overwrite ${existing.join(', ')}: move it away or edit it`);
      mkdirSync('policies', { recursive: true });
      mkdirSync(join('.toolgate', 'keys'), { recursive: true, mode: 0o700 });
      for (const [path, text] of files) writeFileSync(path, text, { flag: 'wx' });
      process.stdout.write('wrote toolgate.yaml, policies/policy.yaml and .toolgate/keys/\nnext: toolgate serve -c toolgate.yaml\n');
    });
}
