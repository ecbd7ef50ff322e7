// `toolgate report` over a ledger of 1,000,000 signed receipts written by the real Ledger: the built
// CLI in its own process (`report --dir D --since 30d --format json`, output discarded), wall time and
// peak memory, against the ledger's own `ledgerStats` pass over the same files; target < 20 s. The
// receipts are what a gateway writes: permits with their executions (a third under constraints:
// set, timeout, a limit's counter), denials (some by a limit), silences, holds with a vote, an
// approval, the release's permit and its execution, holds that expire, and a policy_change every
// 250,000 receipts; 12 surfaces, 7 principals. Size: TOOLGATE_BENCH_REPORT (default 1000000); the
// ledger is generated once and kept in TOOLGATE_BENCH_DIR (or the temp folder) for later runs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, loadAverage, machine, median, now, table } from './lib.js';

const SIZE = Number(process.env.TOOLGATE_BENCH_REPORT ?? 1_000_000);
const cli = fileURLToPath(new URL('../bin/toolgate.js', import.meta.url));
const sha = (text) => createHash('sha256').update(text).digest('hex');

const dir = await ledgerOf(SIZE);
const { ledgerStats } = await import('../dist/ledger/index.js');

/** One `toolgate report` process: seconds and peak resident memory (MB), from /usr/bin/time. */
function reportRun() {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, cli, 'report', '--dir', dir, '--since', '30d', '--format', 'json'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, TOOLGATE_LOG_LEVEL: 'silent' },
  });
  const [seconds, kb] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  if (run.status !== 0) throw new Error(`toolgate report failed (exit ${run.status}): ${run.stderr}`);
  return { seconds, mb: kb / 1024 };
}

const rounds = 3;
const res = await interleave(
  {
    report: async () => reportRun(),
    stats: async () => {
      const t = now();
      await ledgerStats(dir);
      return { seconds: (now() - t) / 1000 };
    },
  },
  rounds,
);
const seconds = (runs) => median(runs.map((r) => r.seconds));
const perMillion = (s) => (s * 1_000_000) / SIZE;
process.stdout.write(
  `${[
    `## Report over ${SIZE.toLocaleString('en')} receipts`,
    '',
    `\`TOOLGATE_BENCH_REPORT=${SIZE} npm run bench -- report\` (signed receipts from the real Ledger: decisions, executions with constraints, holds with votes, approvals and releases, expiries, policy changes)`,
    '',
    table(
      ['scenario', 'median s', 's per 1M receipts', 'peak RSS MB', 'vs ledger stats'],
      [
        [
          '`toolgate report --format json` (CLI process)',
          fmt(seconds(res.report)),
          fmt(perMillion(seconds(res.report))),
          fmt(median(res.report.map((r) => r.mb))),
          `${fmt(seconds(res.report) / seconds(res.stats))}x`,
        ],
        ['`ledgerStats` (baseline reader, in process)', fmt(seconds(res.stats)), fmt(perMillion(seconds(res.stats))), '', '1.00x'],
      ],
    ),
    '',
    `${rounds} interleaved rounds; target: 1,000,000 receipts in < 20 s; ${machine()}`,
    loadAverage(),
  ].join('\n')}\n`,
);

/** A ledger of `size` receipts, generated once (a "complete" marker guards against a half-written one). */
async function ledgerOf(size) {
  const at = join(process.env.TOOLGATE_BENCH_DIR ?? tmpdir(), `toolgate-bench-review-${size}`);
  if (existsSync(join(at, 'complete'))) return at;
  const { Ledger } = await import('../dist/ledger/index.js');
  const { signerFromSeed } = await import('../dist/receipts/index.js');
  const { createLogger } = await import('../dist/log.js');
  rmSync(at, { recursive: true, force: true });
  const ledger = await Ledger.open({
    dir: at,
    signer: signerFromSeed(createHash('sha256').update('bench-review').digest()),
    issuerId: 'bench',
    log: createLogger({ level: 'silent' }),
  });
  const t = now();
  let written = 0;
  let pending = [];
  let stage = -1;
  for (let n = 0; written < size; n++) {
    const k = Math.floor(written / 250_000);
    if (k > stage) {
      stage = k;
      pending.push(ledger.append(policyChange(k)));
      written++;
    }
    for (const draft of callReceipts(n, sha(`bundle-${k}`))) {
      if (written >= size) break;
      pending.push(ledger.append(draft));
      written++;
    }
    if (pending.length >= 2000) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  await ledger.close();
  writeFileSync(join(at, 'complete'), '');
  process.stderr.write(`bench: generated ${size} receipts in ${fmt((now() - t) / 1000)} s\n`);
  return at;
}

/** The receipts of call `n` under `bundle`, in the order the gate writes them. */
function callReceipts(n, bundle) {
  const out = [];
  const surface = n % 12;
  const call = {
    id: `call_${n}`,
    session: 'bench',
    rpc_id: n,
    server: `srv${surface % 3}`,
    tool: `tool_${surface}`,
    tool_sha256: null,
    args_sha256: sha(String(n)),
  };
  const base = { call, principal: { id: `agent:${n % 7}` } };
  const policy = (effect, rules = ['rule-a']) => ({ bundle_sha256: bundle, rules, effect, reason: 'bench' });
  const ref = 'f'.repeat(64);
  const result = { sha256: 'e'.repeat(64), is_error: false };
  const kind = n % 10;
  if (kind <= 5) {
    const constraints =
      n % 3 === 0 ? { constraints: { set: ['memo'], timeout_ms: 30_000, limits: [{ name: `limit:rule-a:rate:principal`, used: (n % 30) + 1, max: 30 }] } } : {};
    out.push({ event: 'permit', ...base, policy: policy('permit'), ...constraints });
    out.push({ event: 'complete', ...base, policy: policy('permit'), ...constraints, ref, result });
  } else if (kind === 6) out.push({ event: 'deny', ...base, policy: policy('deny', n % 4 === 0 ? ['limit:rule-a:rate:principal'] : ['rule-b']) });
  else if (kind === 7) out.push({ event: 'silence', ...base, policy: policy('silence', []) });
  else {
    const approval = { id: `apr_${n}`, approvers: ['group:ops'] };
    out.push({ event: 'hold', ...base, policy: policy('hold'), approval });
    if (kind === 8) {
      const vote = { reviewer: 'user:alice', groups: ['ops'], verdict: 'approve', at: new Date().toISOString() };
      out.push({ event: 'vote', ...base, policy: policy('hold'), approval: { ...approval, vote }, ref });
      out.push({ event: 'approve', ...base, policy: policy('hold'), approval: { ...approval, decided_by: ['user:alice'] }, ref });
      out.push({ event: 'permit', ...base, policy: policy('permit'), approval: { ...approval, decided_by: ['user:alice'] } });
      out.push({ event: 'complete', ...base, policy: policy('permit'), approval: { ...approval, decided_by: ['user:alice'] }, ref, result });
    } else out.push({ event: 'expire', ...base, policy: policy('hold'), approval, ref });
  }
  return out;
}

function policyChange(k) {
  const bundle = sha(`bundle-${k}`);
  return {
    event: 'policy_change',
    policy_change: {
      previous_bundle_sha256: k ? sha(`bundle-${k - 1}`) : null,
      bundle_sha256: bundle,
      files: [{ name: 'policy.yaml', sha256: bundle }],
      signed_by: [],
    },
  };
}
