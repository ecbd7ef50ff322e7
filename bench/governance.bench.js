// Governance benchmark: the added cost per call of metrics + the per-call log line (the real logger,
// writing to stderr, which is /dev/null in the measuring child), against the same loop without
// them; target < 10 µs median. (`toolgate report` over a large ledger: report.bench.js.)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, interleave, machine, median, now, table } from './lib.js';

const self = fileURLToPath(import.meta.url);

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
  process.stdout.write(`${sections.join('\n\n')}\n`);
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
