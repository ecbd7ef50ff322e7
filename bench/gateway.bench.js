// The gateway's cost on the path of a tools/call to a trivial echo tool, against the direct call,
// the peer proxy (mcp-proxy) and a bare SDK HTTP server answering echo itself.
// (a) client -> echo upstream over stdio, directly
// (b) client -> toolgate (stdio) -> stdio upstream
// (c) client -> toolgate (Streamable HTTP) -> stdio upstream
// (d) client -> mcp-proxy (Streamable HTTP) -> stdio upstream
// (e) client -> bare SDK Streamable HTTP server answering echo (e-json: enableJsonResponse; e-sse: SDK default)
// The toolgate gateway here permits every call (test/fixtures/permit-all-gateway.mjs) and writes the
// two durable receipts of every call (permit before dispatch, complete after) into a real ledger.
// (b-tmpfs), (c-tmpfs): the same with the ledger on tmpfs (/dev/shm), so fdatasync costs almost
// nothing: the difference to (b), (c) is the disk's sync latency, the rest is the gateway's own.
// (b-discard), (c-discard): breakdown only, receipts dropped unsigned: the proxy's own cost without the receipt path.
// (b-canned), (c-canned): breakdown only, every append answered with one receipt signed at startup: the gate's
// receipt work (drafts, hashes, the envelope in the answer) without the ledger's (sealing, signing, writing).
// (c-own): (c) with the upstream's `session: per-client`: every client session calls its own upstream process.
// (c-shadow), (c-shadow-tmpfs): (c), (c-tmpfs) with a shadow candidate (policy.shadow) deciding every
// call beside the policy and differing from it, so every permit receipt records the difference.
// With TOOLGATE_BENCH_BASELINE=DIR (a built checkout of another commit), (b) and (c) also run that
// checkout's gateway, interleaved in the same rounds: a before/after comparison measured side by side.
// Each latency round also times a bare 1.1 kB write + fdatasync on the disk the ledgers are on (the OS
// temp dir), the floor issue 20's target for (b) is written against.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { freePort, startProcess, stopProcesses } from './processes.js';
import { bareAppendSyncs, fmt, interleave, machine, median, now, quantile, table } from './lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const echo = join(root, 'test/fixtures/echo-server.mjs');
const gatewayEntry = join(root, 'test/fixtures/permit-all-gateway.mjs');
const TMPFS = '/dev/shm';
const SEQUENTIAL_CALLS = 300;
const ROUNDS = 5;
const LOAD_PROCESSES = 4;
const LOAD_CONCURRENCY = 8;
const LOAD_MS = 2000;
const THROUGHPUT_ROUNDS = 5;
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;
const baselineEntry = BASELINE && join(BASELINE, 'test/fixtures/permit-all-gateway.mjs');

const start = async (args, readyPattern) => (await startProcess(args, readyPattern)).child;

function gatewayConfig(listen, session = '') {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
  const file = join(dir, 'toolgate.yaml');
  writeFileSync(
    file,
    `listen: ${listen}\nlog: { level: warn }\nupstreams:\n  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(echo)}], prefix: ""${session} }\n`,
  );
  return file;
}

async function connect(transport) {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  return client;
}

const stdio = (args) => new StdioClientTransport({ command: node, args, stderr: 'ignore' });
const http = (url) => new StreamableHTTPClientTransport(new URL(url));

async function main() {
  const [portC, portCT, portCX, portCC, portD, portE1, portE2, portCB, portCO, portCBT, portCS, portCST] = await Promise.all(
    Array.from({ length: 12 }, freePort),
  );
  await Promise.all([
    ...(baselineEntry
      ? [
          start([baselineEntry, gatewayConfig(`{ http: { port: ${portCB} } }`)], /listening/),
          start([baselineEntry, gatewayConfig(`{ http: { port: ${portCBT} } }`), TMPFS], /listening/),
        ]
      : []),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portC} } }`)], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCO} } }`, ', session: per-client')], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCT} } }`), TMPFS], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCS} } }`), 'shadow'], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCST} } }`), TMPFS, 'shadow'], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCX} } }`), 'discard'], /listening/),
    start([gatewayEntry, gatewayConfig(`{ http: { port: ${portCC} } }`), 'canned'], /listening/),
    start(
      [join(root, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs'), '--host', '127.0.0.1', '--port', String(portD), '--server', 'stream', '--', node, echo],
      /listening|started|Starting/i,
    ),
    start([join(root, 'bench/gateway-echo-http.js'), String(portE1), 'json'], /ready/),
    start([join(root, 'bench/gateway-echo-http.js'), String(portE2), 'sse'], /ready/),
  ]);
  const urls = {
    c: `http://127.0.0.1:${portC}/mcp`,
    'c-own': `http://127.0.0.1:${portCO}/mcp`,
    'c-tmpfs': `http://127.0.0.1:${portCT}/mcp`,
    'c-shadow': `http://127.0.0.1:${portCS}/mcp`,
    'c-shadow-tmpfs': `http://127.0.0.1:${portCST}/mcp`,
    'c-discard': `http://127.0.0.1:${portCX}/mcp`,
    'c-canned': `http://127.0.0.1:${portCC}/mcp`,
    d: `http://127.0.0.1:${portD}/mcp`,
    'e-json': `http://127.0.0.1:${portE1}/mcp`,
    'e-sse': `http://127.0.0.1:${portE2}/mcp`,
    ...(baselineEntry ? { 'c-base': `http://127.0.0.1:${portCB}/mcp`, 'c-base-tmpfs': `http://127.0.0.1:${portCBT}/mcp` } : {}),
  };
  const clients = {
    a: await connect(stdio([echo])),
    b: await connect(stdio([gatewayEntry, gatewayConfig('{ stdio: true }')])),
    'b-tmpfs': await connect(stdio([gatewayEntry, gatewayConfig('{ stdio: true }'), TMPFS])),
    'b-discard': await connect(stdio([gatewayEntry, gatewayConfig('{ stdio: true }'), 'discard'])),
    'b-canned': await connect(stdio([gatewayEntry, gatewayConfig('{ stdio: true }'), 'canned'])),
    c: await connect(http(urls.c)),
    'c-own': await connect(http(urls['c-own'])),
    'c-tmpfs': await connect(http(urls['c-tmpfs'])),
    'c-shadow': await connect(http(urls['c-shadow'])),
    'c-shadow-tmpfs': await connect(http(urls['c-shadow-tmpfs'])),
    'c-discard': await connect(http(urls['c-discard'])),
    'c-canned': await connect(http(urls['c-canned'])),
    d: await connect(http(urls.d)),
    'e-json': await connect(http(urls['e-json'])),
    'e-sse': await connect(http(urls['e-sse'])),
    ...(baselineEntry
      ? {
          'b-base': await connect(stdio([baselineEntry, gatewayConfig('{ stdio: true }')])),
          'b-base-tmpfs': await connect(stdio([baselineEntry, gatewayConfig('{ stdio: true }'), TMPFS])),
          'c-base': await connect(http(urls['c-base'])),
          'c-base-tmpfs': await connect(http(urls['c-base-tmpfs'])),
        }
      : {}),
  };
  const call = (client) => client.callTool({ name: 'echo', arguments: { text: 'hello' } });
  for (const client of Object.values(clients)) for (let i = 0; i < 200; i++) await call(client); // warm-up

  const latency = await interleave(
    {
      ...Object.fromEntries(
        Object.entries(clients).map(([name, client]) => [
          name,
          async () => {
            const samples = [];
            for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
              const t0 = now();
              await call(client);
              samples.push(now() - t0);
            }
            return { p50: median(samples), p90: quantile(samples, 0.9) };
          },
        ]),
      ),
      sync: async () => bareSync(),
    },
    ROUNDS,
  );
  const p50 = (name) => median(latency[name].map((r) => r.p50));
  const p90 = (name) => median(latency[name].map((r) => r.p90));

  const inProcess = (client) => async () => {
    const end = now() + LOAD_MS;
    let calls = 0;
    await Promise.all(
      Array.from({ length: LOAD_PROCESSES * LOAD_CONCURRENCY }, async () => {
        while (now() < end) {
          await call(client);
          calls++;
        }
      }),
    );
    return calls / (LOAD_MS / 1000);
  };
  const throughput = await interleave(
    {
      a: inProcess(clients.a),
      b: inProcess(clients.b),
      'b-tmpfs': inProcess(clients['b-tmpfs']),
      'b-discard': inProcess(clients['b-discard']),
      'b-canned': inProcess(clients['b-canned']),
      c: () => load(urls.c),
      'c-own': () => load(urls['c-own']),
      'c-tmpfs': () => load(urls['c-tmpfs']),
      'c-shadow': () => load(urls['c-shadow']),
      'c-shadow-tmpfs': () => load(urls['c-shadow-tmpfs']),
      'c-discard': () => load(urls['c-discard']),
      'c-canned': () => load(urls['c-canned']),
      d: () => load(urls.d),
      'e-json': () => load(urls['e-json']),
      'e-sse': () => load(urls['e-sse']),
      ...(baselineEntry
        ? {
            'b-base': inProcess(clients['b-base']),
            'b-base-tmpfs': inProcess(clients['b-base-tmpfs']),
            'c-base': () => load(urls['c-base']),
            'c-base-tmpfs': () => load(urls['c-base-tmpfs']),
          }
        : {}),
    },
    THROUGHPUT_ROUNDS,
  );
  const rps = (name) => median(throughput[name]);

  for (const client of Object.values(clients)) await client.close();
  report(p50, p90, rps);
}

/** p50/p90 (ms) of SEQUENTIAL_CALLS bare 1.1 kB appends, each followed by fdatasync, on the ledgers' disk. */
function bareSync() {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-bench-sync-'));
  try {
    const samples = bareAppendSyncs(join(dir, 'bare.jsonl'), SEQUENTIAL_CALLS);
    return { p50: median(samples), p90: quantile(samples, 0.9) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Calls per second from LOAD_PROCESSES client processes, each with LOAD_CONCURRENCY calls in flight. */
async function load(url) {
  const procs = Array.from({ length: LOAD_PROCESSES }, () =>
    spawn(node, [join(root, 'bench/gateway-load.js'), url, String(LOAD_CONCURRENCY), String(LOAD_MS)], { stdio: ['pipe', 'pipe', 'inherit'] }),
  );
  const lines = procs.map((p) => {
    const out = [];
    p.stdout.on('data', (d) => out.push(...d.toString().trim().split('\n')));
    return out;
  });
  const waitLines = (n) =>
    Promise.all(
      lines.map(async (l) => {
        while (l.length < n) await new Promise((r) => setTimeout(r, 5));
      }),
    );
  await waitLines(1);
  for (const p of procs) p.stdin.write('go\n');
  await waitLines(2);
  return lines.reduce((sum, l) => sum + Number(l[1]), 0) / (LOAD_MS / 1000);
}

function report(p50, p90, rps) {
  const label = {
    a: '(a) direct, stdio',
    b: '(b) toolgate stdio -> stdio',
    'b-tmpfs': '(b) same, ledger on tmpfs',
    'b-discard': '(b) same, receipts discarded (breakdown only)',
    'b-canned': '(b) same, one pre-signed receipt for every append (breakdown only)',
    c: '(c) toolgate HTTP -> stdio',
    'c-own': '(c) same, upstream session per client (session: per-client)',
    'c-tmpfs': '(c) same, ledger on tmpfs',
    'c-shadow': '(c) same, with a shadow candidate that differs on every call',
    'c-shadow-tmpfs': '(c) same, with a shadow candidate, ledger on tmpfs',
    'c-discard': '(c) same, receipts discarded (breakdown only)',
    'c-canned': '(c) same, one pre-signed receipt for every append (breakdown only)',
    d: '(d) mcp-proxy HTTP -> stdio',
    'e-json': '(e) bare SDK HTTP server, JSON responses',
    'e-sse': '(e) bare SDK HTTP server, SSE responses (SDK default)',
    ...(baselineEntry
      ? {
          'b-base': '(b) baseline checkout, stdio -> stdio',
          'b-base-tmpfs': '(b) baseline checkout, ledger on tmpfs',
          'c-base': '(c) baseline checkout, HTTP -> stdio',
          'c-base-tmpfs': '(c) baseline checkout, ledger on tmpfs',
        }
      : {}),
  };
  const budget = 0.3 + 2 * p50('sync');
  const rows = Object.keys(label).map((k) => [
    label[k],
    fmt(p50(k)),
    fmt(p90(k)),
    fmt(p50(k) / p50('d')),
    fmt(rps(k)),
    fmt(rps(k) / rps('d')),
    fmt(rps(k) / rps('e-json')),
  ]);
  const out = [
    '## gateway: tools/call of an echo tool',
    '',
    '`npm run bench -- gateway` (bench/gateway.bench.js)',
    '',
    `Latency: ${SEQUENTIAL_CALLS} sequential calls per round, ${ROUNDS} interleaved rounds, median of the per-round p50/p90 (ms).`,
    `Throughput (calls/s): HTTP scenarios from ${LOAD_PROCESSES} client processes x ${LOAD_CONCURRENCY} calls in flight; stdio scenarios (one client by nature) with ${LOAD_PROCESSES * LOAD_CONCURRENCY} in flight; ${LOAD_MS} ms per round, median of ${THROUGHPUT_ROUNDS} interleaved rounds.`,
    '',
    table(['scenario', 'p50 ms', 'p90 ms', 'p50 / mcp-proxy', 'calls/s', 'calls/s / mcp-proxy', 'calls/s / bare SDK (JSON)'], rows),
    '',
    `A bare 1.1 kB append + fdatasync on the ledgers' disk: p50 ${fmt(p50('sync'))} ms, p90 ${fmt(p90('sync'))} ms (median of the rounds).`,
    `Targets (issue 20): (b) adds ${fmt(p50('b') - p50('a'))} ms to the direct p50 (target <= 0.3 + 2 x the bare append's p50 = ${fmt(budget)}); (c) p50 is ${fmt(p50('c') / p50('d'))}x mcp-proxy's (target <= 0.6);`,
    `(c) throughput is ${fmt(rps('c') / rps('d'))}x mcp-proxy's (target >= 1.5) and ${fmt(rps('c') / rps('e-json'))}x / ${fmt(rps('c') / rps('e-sse'))}x the bare SDK server's with JSON / SSE responses (target >= 1.0 with JSON).`,
    `Where (b)'s budget goes: with receipts discarded (b) adds ${fmt(p50('b-discard') - p50('a'))} ms, with one pre-signed receipt for every append ${fmt(p50('b-canned') - p50('a'))} ms; with those and the two bare syncs, ${fmt(budget - 2 * p50('sync') - (p50('b-canned') - p50('a')))} ms of the budget are left for sealing, signing and writing two receipts (on tmpfs, without the syncs, they take ${fmt(p50('b-tmpfs') - p50('b-canned'))} ms).`,
    `Where (c)'s budget goes: 0.6 x mcp-proxy's p50 is ${fmt(0.6 * p50('d'))} ms; (c) with the ledger on tmpfs (everything but the syncs) takes ${fmt(p50('c-tmpfs'))} ms, leaving ${fmt(0.6 * p50('d') - p50('c-tmpfs'))} ms for two syncs whose bare cost is ${fmt(2 * p50('sync'))} ms.`,
    `With the ledger on tmpfs: (b) adds ${fmt(p50('b-tmpfs') - p50('a'))} ms to the direct p50; (c) p50 is ${fmt(p50('c-tmpfs') / p50('d'))}x mcp-proxy's, throughput ${fmt(rps('c-tmpfs') / rps('d'))}x mcp-proxy's and ${fmt(rps('c-tmpfs') / rps('e-json'))}x the bare SDK server's.`,
    `Receipts discarded (the proxy alone): (c) p50 is ${fmt(p50('c-discard') / p50('d'))}x mcp-proxy's, throughput ${fmt(rps('c-discard') / rps('d'))}x mcp-proxy's and ${fmt(rps('c-discard') / rps('e-json'))}x the bare SDK server's.`,
    `One pre-signed receipt for every append (the gate's receipt work without the ledger's): (c) throughput ${fmt(rps('c-canned') / rps('d'))}x mcp-proxy's, ${fmt(rps('c-canned') / rps('c-discard'))}x the discarded row's.`,
    `With a shadow candidate (policy.shadow) deciding every call and differing from the policy, side by side: (c) p50 ${fmt(p50('c-shadow') / p50('c'))}x, calls/s ${fmt(rps('c-shadow') / rps('c'))}x; on tmpfs p50 ${fmt(p50('c-shadow-tmpfs') / p50('c-tmpfs'))}x, calls/s ${fmt(rps('c-shadow-tmpfs') / rps('c-tmpfs'))}x.`,
    ...(baselineEntry
      ? [
          `Against the baseline checkout (${BASELINE}), side by side: (b) p50 ${fmt(p50('b') / p50('b-base'))}x, calls/s ${fmt(rps('b') / rps('b-base'))}x; (c) p50 ${fmt(p50('c') / p50('c-base'))}x, calls/s ${fmt(rps('c') / rps('c-base'))}x.`,
          `With the ledger on tmpfs (the gateway's own cost, without the disk's sync): (b) p50 ${fmt(p50('b-tmpfs') / p50('b-base-tmpfs'))}x, calls/s ${fmt(rps('b-tmpfs') / rps('b-base-tmpfs'))}x; (c) p50 ${fmt(p50('c-tmpfs') / p50('c-base-tmpfs'))}x, calls/s ${fmt(rps('c-tmpfs') / rps('c-base-tmpfs'))}x.`,
        ]
      : []),
    'Every toolgate call above, except the breakdown rows, writes two signed receipts and waits for each to be durable (permit before dispatch, complete before answering); mcp-proxy and the bare server write nothing.',
    '',
    machine(),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  stopProcesses();
}
process.exit(0);
