// What per-client upstream sessions cost in memory: 1,000 client sessions open on the gateway at
// once, each having made one tools/call, in front of one HTTP upstream with `session: per-client`
// (1,000 upstream MCP sessions at the URL) beside the same with `session: shared` (one). The
// gateway is test/fixtures/permit-all-gateway.mjs (real ledger, two receipts per call); the
// upstream is test/fixtures/probe-server.mjs --http. A stdio upstream with per-client sessions is
// one process per client session: that row measures STDIO_SESSIONS of them and states the
// per-session cost (1,000 would be 1,000 processes, which this shared machine does not hold).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, machine, table } from './lib.js';
import { freePort, startProcess, stopProcesses } from './processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const SESSIONS = Number(process.env.TOOLGATE_BENCH_SESSIONS ?? 1000);
const STDIO_SESSIONS = 20;
const CONCURRENCY = 16;

const start = startProcess;

/** Resident memory of a process, in MB (Linux /proc). */
function rssMb(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

/** The processes whose parent is `pid` (a stdio upstream runs in its own group under the gateway). */
function childrenOf(pid) {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

async function gateway(upstreams) {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'toolgate-bench-sessions-')), 'toolgate.yaml');
  writeFileSync(file, `listen: { http: { port: ${port}, session_idle: 1h } }\nlog: { level: warn }\nupstreams:\n${upstreams}\n`);
  const { child } = await start([join(root, 'test/fixtures/permit-all-gateway.mjs'), file], /listening/);
  return { pid: child.pid, url: `http://127.0.0.1:${port}/mcp` };
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** One client session over raw HTTP: initialize, initialized, one tools/call; left open. */
async function session(url, tool) {
  const init = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'bench', version: '1' } },
    }),
  });
  await init.text();
  const headers = { ...HEADERS, 'mcp-session-id': init.headers.get('mcp-session-id'), 'mcp-protocol-version': '2025-11-25' };
  await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  const call = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: {} } }),
  });
  const body = await call.text();
  if (!body.includes('"result"')) throw new Error(`the call failed: ${body.slice(0, 300)}`);
  return body;
}

async function open(url, tool, count) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        next++;
        await session(url, tool);
      }
    }),
  );
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

/** Gateway (and upstream) memory before and after `count` client sessions. */
async function measure(upstreams, tool, count, upstreamPid) {
  const gw = await gateway(upstreams);
  await open(gw.url, tool, 1); // warm-up: the first call's code paths
  await settle();
  const before = { gateway: rssMb(gw.pid), upstream: upstreamPid ? rssMb(upstreamPid) : 0, stdio: childrenOf(gw.pid).length };
  await open(gw.url, tool, count);
  await settle();
  const stdioKids = childrenOf(gw.pid);
  const after = {
    gateway: rssMb(gw.pid),
    upstream: upstreamPid ? rssMb(upstreamPid) : 0,
    stdio: stdioKids.length,
    stdioRss: stdioKids.reduce((sum, pid) => sum + rssMb(pid), 0),
  };
  return { before, after, gw };
}

async function sessionsAt(url) {
  // The probe's `sessions` tool through a shared session: how many MCP sessions the server holds.
  const body = await session(url, 'count__sessions');
  return Number(/"text":"(\d+)"/.exec(body.replace(/\\"/g, '"'))?.[1]);
}

async function main() {
  const { child: probe, seen } = await start([join(root, 'test/fixtures/probe-server.mjs'), '--http'], /^\d+\n/);
  const probeUrl = JSON.stringify(`http://127.0.0.1:${seen.trim()}/mcp`);
  const counter = `  count: { url: ${probeUrl} }`;
  const own = await measure(`  probe: { url: ${probeUrl}, session: per-client }\n${counter}`, 'probe__pid', SESSIONS, probe.pid);
  const upstreamSessions = await sessionsAt(own.gw.url);
  const shared = await measure(`  probe: { url: ${probeUrl}, session: shared }\n${counter}`, 'probe__pid', SESSIONS);
  const stdioUpstream = `  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(join(root, 'test/fixtures/echo-server.mjs'))}], session: per-client }`;
  const stdio = await measure(stdioUpstream, 'echo__echo', STDIO_SESSIONS);

  const added = (m) => m.after.gateway - m.before.gateway;
  const rows = [
    [`${SESSIONS} client sessions, HTTP upstream, session: per-client`, fmt(own.after.gateway), fmt(added(own)), fmt((added(own) * 1024) / SESSIONS)],
    [`${SESSIONS} client sessions, HTTP upstream, session: shared`, fmt(shared.after.gateway), fmt(added(shared)), fmt((added(shared) * 1024) / SESSIONS)],
    [
      `${STDIO_SESSIONS} client sessions, stdio upstream, session: per-client (gateway only)`,
      fmt(stdio.after.gateway),
      fmt(added(stdio)),
      fmt((added(stdio) * 1024) / STDIO_SESSIONS),
    ],
  ];
  const perProcess = stdio.after.stdioRss / Math.max(1, stdio.after.stdio);
  const out = [
    '## sessions: memory of client sessions with per-client upstream sessions',
    '',
    '`npm run bench -- sessions` (bench/sessions.bench.js): raw HTTP clients, each session initialized, one `tools/call`, left open; resident memory (VmRSS) 2 s after the last session opened.',
    '',
    table(['scenario', 'gateway RSS MB', 'added MB', 'added KB per client session'], rows),
    '',
    `Per-client over shared, gateway side: ${fmt(((added(own) - added(shared)) * 1024) / SESSIONS)} KB per client session for its upstream session (the HTTP client transport, its peer, its stream watcher). The upstream held ${upstreamSessions} MCP sessions (${SESSIONS} per-client, toolgate's own listing session and the counting one); its RSS went from ${fmt(own.before.upstream)} to ${fmt(own.after.upstream)} MB.`,
    `A stdio upstream with session: per-client is one process per client session: ${stdio.after.stdio} processes (${STDIO_SESSIONS} sessions', the warm-up session's and toolgate's own), ${fmt(perProcess)} MB resident each (this echo server on Node; pages shared between processes are counted in each), so 1,000 client sessions would be up to about ${fmt((perProcess * 1000) / 1024)} GB in upstream processes: the reason \`shared\` is the default.`,
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
