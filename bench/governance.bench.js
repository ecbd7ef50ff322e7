// Governance benchmarks: (1) the added cost per call of metrics + the per-call log line (the real
// logger, writing to stderr, which is /dev/null in the measuring child), against the same loop
// without them; target < 10 µs median. (2) `report` over a ledger of signed receipts written by the
// real Ledger, against the ledger's own `ledgerStats` pass over the same files; target 1,000,000
// receipts in < 20 s. Size: TOOLGATE_BENCH_REPORT (default 200000); the ledger is generated once
// and kept in TOOLGATE_BENCH_DIR (or the temp folder) for later runs.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, machine, median, now, table } from './lib.js';

const self = fileURLToPath(import.meta.url);
const REPORT_SIZE = Number(process.env.TOOLGATE_BENCH_REPORT ?? 200_000);

if (process.argv[2] === '--per-call') await perCallChild();
else await main();

async function main() {
  const sections = [];
  // 1. Per-call overhead, measured in a child whose stderr is discarded (the logger writes there).
  const child = spawnSync(process.execPath, [self, '--per-call'], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`per-call child failed (exit ${child.status})`);
  const r = JSON.parse(child.stdout);
  sections.push(
    [
      '## Governance: metrics + per-call log line',
      '',
      '`npm run bench -- governance` (per call: `metrics.observeCall` + one pino line of `callLogFields`, `log.arguments: hashed`, to stderr = /dev/null)',
      '',
      table(
        ['scenario', 'median µs/call', 'vs without'],
        [
          ['without (request + decision objects only)', fmt(r.without), '1.00x'],
          ['with metrics + log line', fmt(r.with), `${fmt(r.with / r.without)}x`],
          ['**added per call** (target < 10 µs)', `**${fmt(r.with - r.without)}**`, ''],
        ],
      ),
      '',
      `${r.rounds} interleaved rounds of ${r.calls} calls; ${machine()}`,
    ].join('\n'),
  );
  // 2. report over a large ledger.
  const { buildReview } = await import('../dist/report/index.js');
  const { ledgerStats } = await import('../dist/ledger/index.js');
  const dir = await ledgerOf(REPORT_SIZE);
  const since = new Date(Date.now() - 30 * 86_400_000);
  const until = new Date(Date.now() + 86_400_000);
  const timed = async (work) => {
    const t = now();
    await work();
    return (now() - t) / 1000;
  };
  const rounds = 3;
  const res = await interleave({ report: () => timed(() => buildReview(dir, since, until)), stats: () => timed(() => ledgerStats(dir)) }, rounds);
  const perMillion = (s) => (s * 1_000_000) / REPORT_SIZE;
  sections.push(
    [
      `## Governance: report over ${REPORT_SIZE.toLocaleString('en')} receipts`,
      '',
      `\`TOOLGATE_BENCH_REPORT=${REPORT_SIZE} npm run bench -- governance\` (signed receipts from the real Ledger, 12 surfaces, holds and decisions)`,
      '',
      table(
        ['scenario', 'median s', 's per 1M receipts', 'vs ledger stats'],
        [
          ['`toolgate report` (buildReview)', fmt(median(res.report)), fmt(perMillion(median(res.report))), `${fmt(median(res.report) / median(res.stats))}x`],
          ['`toolgate ledger stats` (baseline reader)', fmt(median(res.stats)), fmt(perMillion(median(res.stats))), '1.00x'],
        ],
      ),
      '',
      `${rounds} interleaved rounds; target: 1,000,000 receipts in < 20 s; ${machine()}`,
    ].join('\n'),
  );
  process.stdout.write(`${sections.join('\n\n')}\n`);
}

/** A ledger of `size` receipts, generated once (a "complete" marker guards against a half-written one). */
async function ledgerOf(size) {
  const dir = join(process.env.TOOLGATE_BENCH_DIR ?? tmpdir(), `toolgate-bench-report-${size}`);
  if (existsSync(join(dir, 'complete'))) return dir;
  const { Ledger } = await import('../dist/ledger/index.js');
  const { signerFromSeed } = await import('../dist/receipts/index.js');
  const { createLogger } = await import('../dist/log.js');
  const { createHash } = await import('node:crypto');
  const { rmSync } = await import('node:fs');
  rmSync(dir, { recursive: true, force: true });
  const signer = signerFromSeed(createHash('sha256').update('bench-report').digest());
  const ledger = await Ledger.open({ dir, signer, issuerId: 'bench', log: createLogger({ level: 'silent' }) });
  const events = ['permit', 'permit', 'permit', 'permit', 'permit', 'deny', 'silence', 'hold'];
  const draft = (n) => {
    const surface = n % 12;
    const event = n % 97 === 0 ? 'approve' : events[n % events.length];
    return {
      event,
      call: {
        id: `call_${n}`,
        session: 'bench',
        rpc_id: n,
        server: `srv${surface % 3}`,
        tool: `tool_${surface}`,
        tool_sha256: null,
        args_sha256: createHash('sha256').update(String(n)).digest('hex'),
      },
      principal: { id: `agent:${n % 7}` },
      // An approve ends a hold: it keeps the hold's effect and names the hold receipt (docs/receipts.md §1.2).
      policy: { bundle_sha256: 'b'.repeat(64), rules: ['rule-a'], effect: event === 'approve' ? 'hold' : event, reason: 'bench' },
      ...(event === 'hold' || event === 'approve' ? { approval: { id: `apr_${Math.floor(n / 97)}`, approvers: ['group:ops'] } } : {}),
      ...(event === 'approve' ? { ref: 'f'.repeat(64) } : {}),
    };
  };
  const t = now();
  for (let n = 0; n < size; n += 2000) await Promise.all(Array.from({ length: Math.min(2000, size - n) }, (_, i) => ledger.append(draft(n + i))));
  await ledger.close();
  writeFileSync(join(dir, 'complete'), '');
  process.stderr.write(`bench: generated ${size} receipts in ${fmt((now() - t) / 1000)} s\n`);
  return dir;
}

async function perCallChild() {
  const { GatewayMetrics, callLogger } = await import('../dist/metrics/index.js');
  const { createLogger } = await import('../dist/log.js');
  const metrics = new GatewayMetrics();
  const logCall = callLogger(createLogger({ level: 'info' }), { arguments: 'hashed', redact: [] });
  const calls = 20_000;
  const tools = ['read_file', 'write_file', 'list_directory', 'search'];
  // What the gate has at hand anyway for each call; both loops build it, only one observes and logs.
  const make = (i) => ({
    request: {
      callId: `call_${i}`,
      session: 's',
      rpcId: i,
      principal: { id: 'agent:ci', groups: [] },
      method: 'tools/call',
      server: 'fs',
      tool: tools[i % 4],
      args: { path: `/srv/${i}` },
      argsSha256: 'a'.repeat(64),
      toolSha256: null,
      annotations: {},
      now: new Date(),
    },
    decision: { outcome: i % 5 ? 'permit' : 'deny', rules: ['fs-read'], reason: 'ok', bundleSha256: 'b'.repeat(64) },
  });
  let sink = 0;
  const without = () => {
    const t = now();
    for (let i = 0; i < calls; i++) sink += make(i).decision.rules.length;
    return ((now() - t) * 1000) / calls;
  };
  const withThem = () => {
    const t = now();
    for (let i = 0; i < calls; i++) {
      const { request, decision } = make(i);
      metrics.observeCall({
        server: request.server,
        tool: request.tool,
        effect: decision.outcome,
        outcome: decision.outcome === 'permit' ? 'complete' : decision.outcome,
        decisionMs: 0.05,
        upstreamMs: decision.outcome === 'permit' ? 2 : undefined,
      });
      logCall({
        request,
        effect: decision.outcome,
        outcome: decision.outcome === 'permit' ? 'complete' : decision.outcome,
        rules: decision.rules,
        decisionMs: 0.05,
        upstreamMs: 2,
        totalMs: 2.1,
        receiptId: 'rcpt_01J0000000000000000000000',
      });
    }
    return ((now() - t) * 1000) / calls;
  };
  for (let i = 0; i < 3; i++) without(), withThem(); // warm-up
  const rounds = 15;
  const res = await interleave({ without: async () => without(), with: async () => withThem() }, rounds);
  process.stdout.write(JSON.stringify({ without: median(res.without), with: median(res.with), rounds, calls, sink: sink > 0 }));
}
