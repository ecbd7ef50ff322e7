// What answering over SSE costs per call, against JSON, and what a stateless 2026-07-28 client costs
// against a 2025-11-25 session client: toolgate over Streamable HTTP in front of the echo upstream
// (permit-all, ledger on tmpfs so the disk does not drown the difference), called by the SDK client
// as it is (accepts SSE, speaks 2025-11-25: answered with a resumable SSE stream), by the same client
// accepting only JSON (answered with JSON), and by the v2 SDK client pinned to 2026-07-28 (no
// session: every request carries its envelope and headers, answered with JSON). With TOOLGATE_BENCH_BASELINE=DIR (a
// built checkout of another commit), that checkout's gateway runs beside it in the same rounds.
// Besides wall-clock latency, the gateway process's own CPU time per call (its threads' run time from
// /proc): on a machine shared with other work, CPU time moves much less than wall time. The SDK
// clients run in this process and their own cost differs (client CPU column); on two cores a heavier
// client also slows the gateway beside it. So the gateway's own cost per era is read from two raw
// clients of equal weight, which send through fetch exactly the requests and headers the two SDK
// clients send (a 2025-11-25 session accepting JSON; the 2026-07-28 envelope and headers).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { fmt, interleave, loadAverage, machine, median, now, table } from './lib.js';
import { cpuMs, freePort, startProcess, stopProcesses } from './processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const echo = join(root, 'test/fixtures/echo-server.mjs');
const CALLS = 600;
const ROUNDS = 11;
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;

/** A permit-all gateway of the checkout at `dir` on `port`; resolves with its process. */
function gateway(dir, port) {
  const cfgDir = mkdtempSync(join(tmpdir(), 'toolgate-bench-answers-'));
  const file = join(cfgDir, 'toolgate.yaml');
  writeFileSync(
    file,
    `listen: { http: { port: ${port} } }\nlog: { level: warn }\nupstreams:\n  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(echo)}], prefix: "" }\n`,
  );
  return startProcess([join(dir, 'test/fixtures/permit-all-gateway.mjs'), file, '/dev/shm'], /listening/).then(({ child }) => child);
}

/** The v2 SDK client at the 2026-07-28 revision. */
async function connectModern(url) {
  const client = new ModernClient({ name: 'bench', version: '1' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await client.connect(new ModernTransport(new URL(url)));
  return client;
}

/** POSTs `body` to `url` and reads the whole answer; fails unless the call succeeded. */
async function post(url, headers, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok || text.includes('"error"')) throw new Error(`${res.status}: ${text}`);
  return res;
}

const ECHO = { name: 'echo', arguments: { text: 'hello' } };

/**
 * The two raw clients: tools/call as the SDK client sends it accepting only JSON (2025-11-25, in an
 * initialized session), and as the v2 SDK client sends it at 2026-07-28 (its `_meta` envelope and headers).
 */
async function connectRaw(url) {
  let id = 1;
  const init = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } };
  const opened = await post(url, { accept: 'application/json, text/event-stream' }, { jsonrpc: '2.0', id: 0, method: 'initialize', params: init });
  const session = { accept: 'application/json', 'mcp-session-id': opened.headers.get('mcp-session-id'), 'mcp-protocol-version': '2025-11-25' };
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...session },
    body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
  });
  const envelope = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const modern = { accept: 'application/json, text/event-stream', 'mcp-method': 'tools/call', 'mcp-name': 'echo', 'mcp-protocol-version': '2026-07-28' };
  const raw = (headers, params) => ({
    callTool: () => post(url, headers, { jsonrpc: '2.0', id: id++, method: 'tools/call', params }),
    close: async () => {},
  });
  return { 'raw-json': raw(session, ECHO), 'raw-2026': raw(modern, { ...ECHO, _meta: envelope }) };
}

/** The SDK client; `jsonOnly` makes its POSTs accept only JSON. */
async function connect(url, jsonOnly) {
  const fetchJson = (input, init) => {
    const headers = new Headers(init?.headers);
    if (init?.method === 'POST') headers.set('accept', 'application/json');
    return fetch(input, { ...init, headers });
  };
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), jsonOnly ? { fetch: fetchJson } : {}));
  return client;
}

async function main() {
  const checkouts = { current: root, ...(BASELINE ? { baseline: BASELINE } : {}) };
  const scenarios = {};
  for (const [name, dir] of Object.entries(checkouts)) {
    const port = await freePort();
    const child = await gateway(dir, port);
    const url = `http://127.0.0.1:${port}/mcp`;
    for (const kind of ['sse', 'json']) scenarios[`${name}-${kind}`] = { pid: child.pid, client: await connect(url, kind === 'json') };
    scenarios[`${name}-2026`] = { pid: child.pid, client: await connectModern(url) };
    for (const [kind, client] of Object.entries(await connectRaw(url))) scenarios[`${name}-${kind}`] = { pid: child.pid, client };
  }
  const call = (client) => client.callTool(ECHO);
  for (const { client } of Object.values(scenarios)) for (let i = 0; i < 200; i++) await call(client); // warm-up
  const rounds = await interleave(
    Object.fromEntries(
      Object.entries(scenarios).map(([name, { pid, client }]) => [
        name,
        async () => {
          const samples = [];
          const cpu0 = cpuMs(pid);
          const own0 = process.cpuUsage();
          for (let i = 0; i < CALLS; i++) {
            const t0 = now();
            await call(client);
            samples.push(now() - t0);
          }
          const own = process.cpuUsage(own0);
          return { p50: median(samples), cpu: (cpuMs(pid) - cpu0) / CALLS, client: (own.user + own.system) / 1000 / CALLS };
        },
      ]),
    ),
    ROUNDS,
  );
  for (const { client } of Object.values(scenarios)) await client.close();
  const p50 = (name) => median(rounds[name].map((r) => r.p50));
  const cpu = (name) => median(rounds[name].map((r) => r.cpu));
  const clientCpu = (name) => median(rounds[name].map((r) => r.client));
  const label = {
    'current-sse': 'SDK client (accepts SSE, 2025-11-25)',
    'current-json': 'same client, accepting only JSON',
    'current-2026': 'v2 SDK client at 2026-07-28 (stateless, JSON)',
    'current-raw-json': 'raw client, 2025-11-25 session, accepting only JSON',
    'current-raw-2026': 'raw client, 2026-07-28 envelope and headers',
    ...(BASELINE
      ? {
          'baseline-sse': 'baseline checkout, SDK client',
          'baseline-json': 'baseline checkout, JSON-only client',
          'baseline-2026': 'baseline checkout, 2026-07-28 client',
          'baseline-raw-json': 'baseline checkout, raw 2025-11-25 client',
          'baseline-raw-2026': 'baseline checkout, raw 2026-07-28 client',
        }
      : {}),
  };
  const base = (name) => (BASELINE ? name.replace('current', 'baseline') : name);
  const rows = Object.keys(label).map((k) => [
    label[k],
    fmt(p50(k)),
    fmt(p50(k) / p50(base(k))),
    fmt(cpu(k) * 1000),
    fmt(cpu(k) / cpu(base(k))),
    fmt(clientCpu(k) * 1000),
  ]);
  const out = [
    '## gateway: HTTP answers as SSE or JSON',
    '',
    '`npm run bench -- gateway-http-answers` (bench/gateway-http-answers.bench.js)',
    '',
    `toolgate HTTP -> echo over stdio, permit-all, ledger on tmpfs. ${CALLS} sequential calls per round, ${ROUNDS} interleaved rounds, medians. Gateway CPU: the gateway process's CPU time per call (its threads' run time, /proc/PID/task/*/schedstat, over the round).`,
    '',
    table(['scenario', 'p50 ms', 'p50 / baseline', 'gateway CPU µs/call', 'CPU / baseline', 'client CPU µs/call'], rows),
    '',
    `2026-07-28 against 2025-11-25 (same gateway, same rounds): p50 ${fmt(p50('current-2026') / p50('current-sse'))}x the SSE client's, ${fmt(p50('current-2026') / p50('current-json'))}x the JSON client's; gateway CPU ${fmt(cpu('current-2026') / cpu('current-sse'))}x and ${fmt(cpu('current-2026') / cpu('current-json'))}x; the v2 client's own CPU ${fmt(clientCpu('current-2026') / clientCpu('current-json'))}x the JSON client's.`,
    `The gateway's own cost per era, with raw clients of equal weight (same gateway, same rounds): gateway CPU ${fmt(cpu('current-raw-2026') / cpu('current-raw-json'))}x, p50 ${fmt(p50('current-raw-2026') / p50('current-raw-json'))}x for the 2026-07-28 requests against the 2025-11-25 ones.`,
    ...(BASELINE ? [`Baseline: the checkout at ${BASELINE}, run beside it in the same rounds.`] : []),
    loadAverage(),
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
