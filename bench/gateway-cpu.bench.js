// The gateway's CPU time per tools/call, this checkout beside a baseline checkout (TOOLGATE_BENCH_BASELINE=DIR,
// a built checkout of another commit), measured side by side in interleaved rounds. CPU time of the
// gateway process (its threads' run time from /proc/PID/task/*/schedstat) rather than wall time: on a shared, loaded machine the
// wall time of a call swings with whatever else runs, the CPU the gateway spends on it much less.
// Each gateway: test/fixtures/permit-all-gateway.mjs, Streamable HTTP, in front of the stdio echo
// upstream; `discard` rows drop receipts (the proxy path alone), the others sign and write both.
// The client accepts SSE, so a 2025-11-25 checkout from before late-stream.ts (4904a70 and earlier)
// answers it with SSE streams from the start, a later one with JSON for these quick calls; the
// `JSON-only client` rows (Accept: application/json on its POSTs) show what the same calls cost
// when the client takes no SSE at all.
// TOOLGATE_BENCH_IN_FLIGHT=N sets the calls in flight (default 8; 1 for lone calls).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fmt, interleave, machine, median, table } from './lib.js';
import { cpuMs, freePort, startProcess, stopProcesses } from './processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const echo = join(root, 'test/fixtures/echo-server.mjs');
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;
const CALLS = 2000;
const IN_FLIGHT = Number(process.env.TOOLGATE_BENCH_IN_FLIGHT ?? 8);
const ROUNDS = 7;

/** Fetch with Accept: application/json on POSTs: a client that takes no SSE answers. */
const jsonOnlyFetch = (url, init) => {
  const headers = new Headers(init?.headers);
  if (init?.method === 'POST') headers.set('accept', 'application/json');
  return fetch(url, { ...init, headers });
};

async function gateway(checkout, mode, session = '', jsonOnly = false) {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'toolgate-bench-cpu-')), 'toolgate.yaml');
  writeFileSync(
    file,
    `listen: { http: { port: ${port} } }\nlog: { level: warn }\nupstreams:\n  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(echo)}], prefix: ""${session} }\n`,
  );
  const args = [join(checkout, 'test/fixtures/permit-all-gateway.mjs'), file, ...(mode ? [mode] : [])];
  const { child } = await startProcess(args, /listening/);
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), jsonOnly ? { fetch: jsonOnlyFetch } : {}));
  return { pid: child.pid, client };
}

/** CPU microseconds of the gateway per call over CALLS calls, IN_FLIGHT at a time. */
async function round({ pid, client }) {
  const before = cpuMs(pid);
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next++ < CALLS) await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    }),
  );
  return ((cpuMs(pid) - before) * 1000) / CALLS;
}

async function main() {
  const scenarios = {
    'this checkout, receipts discarded': await gateway(root, 'discard'),
    'this checkout, receipts discarded, JSON-only client': await gateway(root, 'discard', '', true),
    'this checkout, ledger': await gateway(root),
    'this checkout, ledger, session: per-client': await gateway(root, undefined, ', session: per-client'),
    ...(BASELINE
      ? {
          'baseline, receipts discarded': await gateway(BASELINE, 'discard'),
          'baseline, receipts discarded, JSON-only client': await gateway(BASELINE, 'discard', '', true),
          'baseline, ledger': await gateway(BASELINE),
        }
      : {}),
  };
  for (const g of Object.values(scenarios)) for (let i = 0; i < 300; i++) await g.client.callTool({ name: 'echo', arguments: { text: 'warm' } });
  const results = await interleave(Object.fromEntries(Object.entries(scenarios).map(([name, g]) => [name, () => round(g)])), ROUNDS);
  const us = (name) => median(results[name]);
  const rows = Object.keys(scenarios).map((name) => [name, fmt(us(name)), fmt(Math.min(...results[name])), fmt(Math.max(...results[name]))]);
  const out = [
    '## gateway-cpu: CPU time of the gateway per tools/call',
    '',
    `\`TOOLGATE_BENCH_BASELINE=DIR npm run bench -- gateway-cpu\` (bench/gateway-cpu.bench.js): ${CALLS} calls per round, ${IN_FLIGHT} in flight, from one HTTP client, ${ROUNDS} interleaved rounds; the gateway process's user + system CPU time per call (µs), median, min and max of the rounds.`,
    '',
    table(['scenario', 'CPU µs per call (median)', 'min', 'max'], rows),
    '',
    ...(BASELINE
      ? [
          `Against the baseline checkout (${BASELINE}): receipts discarded ${fmt(us('this checkout, receipts discarded') / us('baseline, receipts discarded'))}x (JSON-only client ${fmt(us('this checkout, receipts discarded, JSON-only client') / us('baseline, receipts discarded, JSON-only client'))}x), with the ledger ${fmt(us('this checkout, ledger') / us('baseline, ledger'))}x.`,
        ]
      : []),
    '',
    machine(),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  for (const g of Object.values(scenarios)) await g.client.close();
}

try {
  await main();
} finally {
  stopProcesses();
}
process.exit(0);
