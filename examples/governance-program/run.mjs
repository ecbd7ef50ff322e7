#!/usr/bin/env node
// The governance program end to end, in a temporary copy of this folder (the repository stays
// clean): the signatures on the bundle, `surfaces --check`, `policy test`, `toolgate serve` with real
// calls of both teams' agents (permitted, constrained, denied, held and approved with the CLI, held
// and rejected over REST) with the candidate policy in shadow; then the shadow's difference in the
// ledger, `ledger verify` and `consistency`, `report` (text, json, --check), `replay` of the recorded
// ledger and of the candidate. Prints one PASS or FAIL line per step; exits 0 only when every step
// passed.
//
//   node examples/governance-program/run.mjs            # or: npm run example:program
//   node examples/governance-program/run.mjs --keep     # keep the folder, to run docs/operations.md's commands in it
//   node examples/governance-program/run.mjs --resign   # after editing a policy: new demo reviewer keys, new signatures
//
// The committed signatures (policies/payments-team/*.sig.json) were made by two reviewer keys whose
// public halves are in reviewers.keyring.yaml; the private halves were thrown away (--resign makes
// new ones in a temporary folder and deletes them after signing). When a policy was edited and not
// re-signed, the run signs its temporary copy with throw-away keys so the program still runs, and
// says so.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const here = import.meta.dirname;
const repo = resolve(here, '../..');
const cli = join(repo, 'bin/toolgate.js');
const KEYRING = 'reviewers.keyring.yaml';
const SIGNERS = ['priya', 'omar'];
const TOKENS = { checkout: 'checkout-agent-demo-token', ops: 'ops-agent-demo-token', priya: 'priya-reviewer-demo-token', omar: 'omar-reviewer-demo-token' };

/** What each call sends and the receipt event its answer must carry. */
const CALLS = [
  { who: 'checkout', tool: 'payments__get_balance', args: {}, event: 'complete' },
  { who: 'checkout', tool: 'payments__transfer', args: { amount: 250, currency: 'EUR', to: 'acct-7' }, event: 'complete', constrained: true },
  { who: 'checkout', tool: 'payments__transfer', args: { amount: 750, currency: 'EUR', to: 'acct-9' }, event: 'complete', constrained: true },
  { who: 'checkout', tool: 'payments__transfer', args: { amount: 100, currency: 'USD', to: 'acct-7' }, event: 'deny' },
  { who: 'checkout', tool: 'payments__transfer', args: { amount: 2500, currency: 'EUR', to: 'acct-3' }, event: 'complete', approveWith: 'cli' },
  { who: 'checkout', tool: 'database__query', args: { sql: 'SELECT * FROM users' }, event: 'silence' },
  { who: 'ops', tool: 'database__query', args: { sql: 'SELECT id, plan FROM users' }, event: 'complete' },
  { who: 'ops', tool: 'database__execute_sql', args: { sql: 'DROP TABLE users' }, event: 'deny' },
  { who: 'ops', tool: 'database__execute_sql', args: { sql: "UPDATE users SET plan = 'pro' WHERE id = 7" }, event: 'reject', rejectWith: 'rest' },
];

if (!existsSync(join(repo, 'dist/cli/main.js'))) {
  process.stderr.write('toolgate is not built: run `npm run build` first (or `npm run example:program`)\n');
  process.exit(2);
}

const KEYRING_HEADER = `# The reviewers' public keys (toolgate.reviewer-keyring/v1): a bundle enforces once two of them
# signed it (policy.require_signatures). DEMO keys: their private halves were deleted right after
# signing; \`node examples/governance-program/run.mjs --resign\` makes new ones.
`;

/** Runs the toolgate CLI in `cwd`; never throws. */
function toolgate(args, cwd) {
  const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' } });
  return { status: run.status, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
}

/** New reviewer keys in a throw-away folder, enrolled in `dir`'s keyring (replacing it), sign the bundle of `dir`'s config. */
function signWithNewKeys(dir) {
  const keys = mkdtempSync(join(tmpdir(), 'toolgate-reviewer-keys-'));
  try {
    const entries = SIGNERS.map((name) => {
      const made = mustRun(['policy', 'keygen', '--name', name, '--key', join(keys, `${name}.pem`)], dir);
      const entry = JSON.parse(/keyring entry: (\{.*\})/.exec(made.stdout)[1]);
      return `  - { name: ${entry.name}, key_id: "${entry.key_id}", public_key: "${entry.public_key}" }\n`;
    });
    writeFileSync(join(dir, KEYRING), `${KEYRING_HEADER}version: toolgate.reviewer-keyring/v1\nreviewers:\n${entries.join('')}`);
    for (const file of signatureFiles(dir)) rmSync(file);
    for (const name of SIGNERS) mustRun(['policy', 'sign', '-c', 'toolgate.yaml', '--key', join(keys, `${name}.pem`)], dir);
  } finally {
    rmSync(keys, { recursive: true, force: true });
  }
}

function mustRun(args, cwd) {
  const run = toolgate(args, cwd);
  if (run.status !== 0) throw new Error(`toolgate ${args.join(' ')} exited ${run.status}\n${run.stdout}${run.stderr}`);
  return run;
}

function signatureFiles(dir) {
  const policies = join(dir, 'policies');
  return readdirSync(policies, { recursive: true })
    .filter((name) => String(name).endsWith('.sig.json'))
    .map((name) => join(policies, String(name)));
}

if (process.argv.includes('--resign')) {
  signWithNewKeys(here);
  process.stdout.write(toolgate(['policy', 'signatures', '-c', 'toolgate.yaml'], here).stdout);
  process.exit(0);
}

// The program's folder, copied; the demo upstreams run from the repository, on free ports.
const dir = mkdtempSync(join(tmpdir(), 'toolgate-governance-program-'));
cpSync(here, dir, { recursive: true, filter: (src) => !src.includes('.toolgate') });
/** The committed config with the demo upstreams' path made absolute; on free ports unless `committedPorts`. */
const config = (committedPorts) => {
  const text = readFileSync(join(here, 'toolgate.yaml'), 'utf8').replaceAll(
    '../demo-upstreams/server.mjs',
    JSON.stringify(join(repo, 'examples/demo-upstreams/server.mjs')),
  );
  return committedPorts ? text : text.replace('port: 8090', 'port: 0').replace('port: 8091', 'port: 0');
};
writeFileSync(join(dir, 'toolgate.yaml'), config(false));

let failed = 0;
let passed = 0;
async function step(name, body) {
  try {
    const detail = await body();
    passed++;
    process.stdout.write(`PASS ${name}${detail ? `: ${detail}` : ''}\n`);
  } catch (err) {
    failed++;
    process.stdout.write(`FAIL ${name}: ${err.message}\n`);
  }
}
const firstLine = (text) => text.trim().split('\n')[0];
const check = (run, what) => {
  if (run.status !== 0) throw new Error(`${what} exited ${run.status}\n${run.stdout}${run.stderr}`);
  return run.stdout;
};

await step('signatures', () => {
  if (toolgate(['policy', 'signatures', '-c', 'toolgate.yaml'], dir).status === 0) return 'the committed signatures of priya and omar meet the quorum (2)';
  signWithNewKeys(dir);
  check(toolgate(['policy', 'signatures', '-c', 'toolgate.yaml'], dir), 'policy signatures');
  return 'the committed signatures do not cover this bundle (a policy changed?): signed the temporary copy with throw-away keys; commit new ones with `node examples/governance-program/run.mjs --resign`';
});
// Judged as of the program's next quarterly review day, so no review_by may lapse before it (and
// the run gives the same verdict whatever day it runs on).
const NEXT_REVIEW_DAY = '2027-03-31';
await step('surfaces --check', () =>
  check(toolgate(['surfaces', '--check', '--as-of', NEXT_REVIEW_DAY, '-c', 'toolgate.yaml'], dir), 'surfaces --check').trim(),
);
await step('policy test', () =>
  check(toolgate(['policy', 'test', '-c', 'toolgate.yaml'], dir), 'policy test')
    .trim()
    .split('\n')
    .at(-1),
);

await step('serve and calls', () => serveAndCall(dir));

await step('shadow', () => {
  // The candidate enforced nothing; the one call it decides differently says so on its decision receipt.
  const differing = receipts(dir).filter((body) => body.shadow);
  const seen = differing.map((body) => `${body.call.server}/${body.call.tool} ${body.policy.effect} -> ${body.shadow.effect}`);
  if (seen.join() !== 'payments/transfer permit -> hold') throw new Error(`decision receipts with a shadow: ${seen.join('; ') || 'none'}`);
  return `the candidate would have held the 750 EUR transfer the policy in force let through (${differing[0].id})`;
});
await step('ledger verify', () => firstLine(check(toolgate(['ledger', 'verify', '-c', 'toolgate.yaml'], dir), 'ledger verify')));
await step('ledger consistency', () => {
  // What an auditor does with a checkpoint they kept: prove today's ledger still extends it.
  const first = JSON.parse(readFileSync(join(dir, '.toolgate/ledger/checkpoints.jsonl'), 'utf8').split('\n')[0]);
  writeFileSync(join(dir, 'kept-checkpoint.txt'), first.note);
  return firstLine(check(toolgate(['ledger', 'consistency', '-c', 'toolgate.yaml', '--old', 'kept-checkpoint.txt'], dir), 'ledger consistency'));
});
await step('report (text)', () => {
  const text = check(toolgate(['report', '-c', 'toolgate.yaml', '--since', '1d'], dir), 'report');
  for (const expected of [
    'payments/transfer',
    'database/execute_sql',
    'agent:checkout',
    'infra-mutation',
    'policy changes',
    'payments/transfer: 1 (permit→hold ×1)',
  ]) {
    if (!text.includes(expected)) throw new Error(`the review does not mention ${expected}:\n${text}`);
  }
  return `${text.split('\n').length} lines`;
});
await step('report (json)', () => {
  const review = JSON.parse(check(toolgate(['report', '-c', 'toolgate.yaml', '--since', '1d', '--format', 'json'], dir), 'report --format json'));
  const signers = review.policy_changes.flatMap((change) => change.signed_by.map((s) => s.name));
  if (review.totals.calls !== CALLS.length) throw new Error(`${review.totals.calls} calls reviewed, ${CALLS.length} made`);
  if (!SIGNERS.every((name) => signers.includes(name))) throw new Error(`the policy change is signed by ${signers.join(', ') || 'nobody'}`);
  if (review.shadow?.differs !== 1) throw new Error(`the review counts ${review.shadow?.differs} shadow difference(s), expected 1`);
  return `${review.totals.calls} calls, ${review.surfaces.length} surfaces, ${review.approvals.votes.length} votes, bundle signed by ${signers.join(' and ')}, ${review.shadow.differs} shadow difference`;
});
await step('report --check', () => {
  check(toolgate(['report', '-c', 'toolgate.yaml', '--since', '1d', '--check'], dir), 'report --check');
  return 'no break-glass window waits for its review';
});
await step('replay', () => {
  const result = JSON.parse(check(toolgate(['replay', '-c', 'toolgate.yaml', '--since', '1d', '--format', 'json'], dir), 'replay'));
  return `${result.same} of ${result.sampled} decisions reproduced`;
});
await step('replay of the candidate', () => {
  const args = ['replay', '-c', 'toolgate.yaml', '--since', '1d', '--format', 'json', '--bundle', 'candidates/payments-team', 'policies/platform-team'];
  const result = JSON.parse(check(toolgate(args, dir), 'replay --bundle'));
  const changed = result.differences.map((d) => `${d.surface} ${d.recorded.effect} -> ${d.replayed.effect}`);
  if (changed.length === 0) throw new Error('the candidate decided every call as the bundle in force did (expected the 750 EUR transfer to be held)');
  return `the candidate decides ${changed.length} of ${result.sampled} calls differently (${changed.join('; ')})`;
});

if (process.argv.includes('--keep')) {
  // Back on the committed ports, so that `toolgate serve -c toolgate.yaml` there serves where docs/operations.md says.
  writeFileSync(join(dir, 'toolgate.yaml'), config(true));
  process.stdout.write(`the program's folder: ${dir}\n`);
} else rmSync(dir, { recursive: true, force: true });
process.stdout.write(failed ? `governance program: ${failed} step(s) FAILED, ${passed} passed\n` : `governance program: all ${passed} steps passed\n`);
process.exitCode = failed ? 1 : 0;

async function serveAndCall(dir) {
  const child = spawn(process.execPath, [cli, 'serve', '-c', join(dir, 'toolgate.yaml')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TOOLGATE_LOG_FORMAT: 'json', TOOLGATE_LOG_LEVEL: 'info' },
  });
  let log = '';
  const exited = new Promise((r) => child.once('exit', (code) => r(code)));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (log += chunk));
  const clients = [];
  try {
    const urls = await until(
      () => {
        const line = log.split('\n').find((l) => l.includes('toolgate is serving'));
        return line ? JSON.parse(line) : undefined;
      },
      'toolgate serve to start',
      30_000,
      () => child.exitCode !== null && `toolgate serve exited ${child.exitCode}:\n${log}`,
    );
    const connect = async (token) => {
      const client = new Client({ name: 'governance-program', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(urls.mcp), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      clients.push(client);
      return client;
    };
    const agents = { checkout: await connect(TOKENS.checkout), ops: await connect(TOKENS.ops) };
    const seen = [];
    for (const call of CALLS) {
      const answer = agents[call.who].callTool({ name: call.tool, arguments: call.args }, undefined, { timeout: 60_000 });
      if (call.approveWith) await decideWithCli(urls.admin, TOKENS.priya);
      if (call.rejectWith) await rejectOverRest(urls.admin, TOKENS.omar);
      const receipt = receiptOf(await answer);
      if (receipt?.event !== call.event)
        throw new Error(`${call.who} ${call.tool} ${JSON.stringify(call.args)}: receipt ${receipt?.event ?? 'missing'}, expected ${call.event}`);
      if (call.constrained && !receipt.constraints) throw new Error(`${call.tool} ${JSON.stringify(call.args)} ran without its constraints`);
      seen.push(call.event);
    }
    // The gateway counts what the shadow candidate decided differently (docs/operations.md, Metrics).
    const metrics = await (await fetch(`${urls.admin}/metrics`, { headers: { Authorization: `Bearer ${TOKENS.priya}` } })).text();
    const differs = metrics.split('\n').find((line) => line.startsWith('toolgate_shadow_decisions_total{') && line.includes('agreement="differs"'));
    if (!differs?.endsWith(' 1')) throw new Error(`/metrics counts no single shadow difference:\n${metrics}`);
    for (const client of clients.splice(0)) await client.close();
    child.kill('SIGTERM');
    const code = await exited;
    if (code !== 0) throw new Error(`toolgate serve exited ${code} on SIGTERM:\n${log.slice(-2000)}`);
    return `${CALLS.length} calls (${summary(seen)}), the hold approved by priya with the CLI, the change rejected by omar over REST; /metrics: ${differs}`;
  } finally {
    for (const client of clients) await client.close().catch(() => {});
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

/** priya approves the pending transfer with `toolgate approvals`, as a reviewer at a terminal would. */
async function decideWithCli(adminUrl, token) {
  const auth = ['--url', adminUrl, '--token', token];
  const id = await until(() => /apr_[A-Za-z0-9]+/.exec(toolgate(['approvals', 'list', ...auth]).stdout)?.[0], 'the held transfer', 40_000);
  check(toolgate(['approvals', 'approve', id, ...auth, '--note', 'invoice INV-2291 checked'], repo), 'approvals approve');
}

/** omar rejects the pending database change through the admin API, as the console does. */
async function rejectOverRest(adminUrl, token) {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const id = await until(
    async () => (await (await fetch(`${adminUrl}/api/approvals?status=pending`, { headers })).json()).approvals[0]?.id,
    'the held change',
    40_000,
  );
  const res = await fetch(`${adminUrl}/api/approvals/${id}/reject`, { method: 'POST', headers, body: JSON.stringify({ note: 'not during the freeze' }) });
  if (res.status !== 200) throw new Error(`reject ${id}: ${res.status} ${await res.text()}`);
}

/** Every receipt body in `dir`'s ledger, in order (docs/receipts.md §7: segments of DSSE envelopes, one a line). */
function receipts(dir) {
  const ledger = join(dir, '.toolgate/ledger');
  return readdirSync(ledger)
    .filter((name) => /^receipts-\d+\.jsonl$/.test(name))
    .sort()
    .flatMap((name) => readFileSync(join(ledger, name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(Buffer.from(JSON.parse(line).payload, 'base64').toString('utf8')));
}

/** The receipt a tool result carries in `_meta["dev.toolgate/receipt"]`, decoded. */
function receiptOf(result) {
  const envelope = result._meta?.['dev.toolgate/receipt'];
  return envelope && JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
}

function summary(events) {
  const counts = {};
  for (const event of events) counts[event] = (counts[event] ?? 0) + 1;
  return Object.entries(counts)
    .map(([event, n]) => `${n} ${event}`)
    .join(', ');
}

async function until(probe, what, timeoutMs = 15_000, fatal = () => false) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    const reason = fatal();
    if (reason) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
