// From a reviewer's approve request to the upstream receiving the held call, through the real
// `toolgate serve` (policy, hold, approve receipt, permit receipt fsync, dispatch): the upstream
// stamps the wall-clock time it received the call; the bench stamps the moment it sent the approve.
// Baseline: the same call permitted outright (call sent -> upstream received).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fmt, machine, median, quantile, table } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = 40;
const TOKEN = 'bench-reviewer-token';
const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const wallclock = () => performance.timeOrigin + performance.now();

const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-approve-'));
writeFileSync(
  join(dir, 'policy.yaml'),
  `version: toolgate.policy/v1
rules:
  - { id: held, effect: require_approval, match: { server: s, tool: stamp }, when: 'args.held == true', approval: { approvers: ["group:dba"], wait: 30s } }
  - { id: free, effect: allow, match: { server: s, tool: stamp }, when: 'args.held == false' }
`,
);
writeFileSync(
  join(dir, 'toolgate.yaml'),
  `listen: { http: { port: 0 } }
admin: { port: 0 }
log: { level: info }
upstreams: { s: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(join(root, 'bench/stamp-server.js'))}] } }
policies: [policy.yaml]
reviewers: [ { id: alice, token_sha256: ${sha256(TOKEN)}, groups: [dba] } ]
policy: { watch: false }
`,
);
const child = spawn(process.execPath, [join(root, 'bin/toolgate.js'), 'serve', '-c', join(dir, 'toolgate.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
const urls = await new Promise((resolve, reject) => {
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    const line = stderr.split('\n').find((l) => l.includes('toolgate is serving'));
    if (line) resolve(JSON.parse(line));
  });
  child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
});

const client = new Client({ name: 'bench', version: '1' });
await client.connect(new StreamableHTTPClientTransport(new URL(urls.mcp)));
const api = (path, body) =>
  fetch(urls.admin + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  }).then((r) => r.json());
const stampOf = (result) => Number(result.content[0].text);

const approveToUpstream = [];
const sendToUpstream = [];
try {
  for (let i = 0; i < ROUNDS; i++) {
    const sent = wallclock();
    sendToUpstream.push(stampOf(await client.callTool({ name: 's__stamp', arguments: { held: false, i } })) - sent);

    const held = client.callTool({ name: 's__stamp', arguments: { held: true, i } }, undefined, { timeout: 60_000 });
    let pending;
    while (!pending) pending = (await api('/api/approvals?status=pending')).approvals[0];
    const approvedAt = wallclock();
    await api(`/api/approvals/${pending.id}/approve`, {});
    approveToUpstream.push(stampOf(await held) - approvedAt);
  }
} finally {
  await client.close();
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}

const row = (name, xs) => [name, fmt(median(xs)), fmt(quantile(xs, 0.9)), fmt(median(xs) / median(sendToUpstream))];
process.stdout.write(
  `${[
    "## approvals: from a reviewer's approve to the upstream receiving the call",
    '',
    '`npm run bench -- approve-to-upstream` (bench/approve-to-upstream.bench.js): the real `toolgate serve` as a child process, the upstream stamps when it received the call.',
    `${ROUNDS} rounds, each: one permitted call (baseline), then one held call approved through \`POST /api/approvals/:id/approve\`.`,
    '',
    table(
      ['path', 'median ms', 'p90 ms', 'vs baseline'],
      [
        row('call permitted outright: client sends -> upstream receives (baseline)', sendToUpstream),
        row('held call: reviewer sends approve -> upstream receives', approveToUpstream),
      ],
    ),
    '',
    `Target: approve -> upstream median under 10 ms: ${fmt(median(approveToUpstream))} ms.`,
    '',
    machine(),
  ].join('\n')}\n`,
);
process.exit(0);
