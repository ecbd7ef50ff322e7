// Where the time of one lone, sequential tools/call goes, stage by stage: the gateway of
// bench/gateway.bench.js (permit-all, a real ledger, an echo upstream over stdio) runs with
// TOOLGATE_TRACE_STAGES (src/core/stage-trace.ts), which marks the monotonic clock at each point of
// the call path; this process marks the same clock just before callTool and just after it returns.
// Per call, the time between consecutive marks; per stage, the median over the calls.
// (b) client -> toolgate (stdio) -> stdio upstream; (c) client -> toolgate (Streamable HTTP) -> stdio
// upstream; each with the ledger in the OS temp dir (the disk) and on tmpfs (/dev/shm). For
// reference, on the same disk: a bare 1.1 kB write + fdatasync on the event loop, and the same write
// to an O_DSYNC file through the thread pool (fs.write with a callback, as the ledger writes).
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, write, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { bareAppendSyncs, fmt, RECEIPT_SIZED_LINE, loadAverage, machine, median, now, table } from './lib.js';
import { freePort, startProcess, stopProcesses } from './processes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const echo = join(root, 'test/fixtures/echo-server.mjs');
const gatewayEntry = join(root, 'test/fixtures/permit-all-gateway.mjs');
const TMPFS = '/dev/shm';
const WARM_UP = 300;
const CALLS = 1000;
const SYNC_SAMPLES = 1000;

const work = mkdtempSync(join(tmpdir(), 'toolgate-stages-'));

function gatewayConfig(listen) {
  const file = join(mkdtempSync(join(work, 'config-')), 'toolgate.yaml');
  writeFileSync(
    file,
    `listen: ${listen}\nlog: { level: warn }\nupstreams:\n  echo: { command: ${JSON.stringify(node)}, args: [${JSON.stringify(echo)}], prefix: "" }\n`,
  );
  return file;
}

/** A gateway with stage tracing; `connect` makes its client, `stop` ends it so that it writes its marks. */
async function tracedGateway(kind, ledgerParent) {
  const traceFile = join(work, `trace-${kind}-${ledgerParent === TMPFS ? 'tmpfs' : 'disk'}.json`);
  const env = { ...process.env, TOOLGATE_TRACE_STAGES: traceFile, TOOLGATE_LOG_LEVEL: 'warn' };
  const client = new Client({ name: 'bench', version: '1' });
  if (kind === 'stdio') {
    const args = [gatewayEntry, gatewayConfig('{ stdio: true }'), ...(ledgerParent ? [ledgerParent] : [])];
    await client.connect(new StdioClientTransport({ command: node, args, env, stderr: 'ignore' }));
    return { client, traceFile, stop: () => client.close() };
  }
  const port = await freePort();
  const saved = process.env.TOOLGATE_TRACE_STAGES;
  process.env.TOOLGATE_TRACE_STAGES = traceFile;
  const { child } = await startProcess([gatewayEntry, gatewayConfig(`{ http: { port: ${port} } }`), ...(ledgerParent ? [ledgerParent] : [])], /listening/);
  process.env.TOOLGATE_TRACE_STAGES = saved ?? '';
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return {
    client,
    traceFile,
    stop: async () => {
      await client.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Lone sequential calls; the stage medians (ms) in call order, with the client's send and receive around them. */
async function stages(kind, ledgerParent) {
  const gateway = await tracedGateway(kind, ledgerParent);
  const call = () => gateway.client.callTool({ name: 'echo', arguments: { text: 'hello' } });
  for (let i = 0; i < WARM_UP; i++) await call();
  const client = [];
  for (let i = 0; i < CALLS; i++) {
    const sent = process.hrtime.bigint();
    await call();
    client.push([sent, process.hrtime.bigint()]);
  }
  await gateway.stop();
  for (let i = 0; i < 200 && !existsSync(gateway.traceFile); i++) await new Promise((r) => setTimeout(r, 10));
  const { calls } = JSON.parse(readFileSync(gateway.traceFile, 'utf8'));
  // The gateway's last CALLS calls are this process's timed ones; only those with the usual marks count.
  const traced = calls.slice(-CALLS);
  const usual = modal(traced.map((c) => c.map(([stage]) => stage).join('\n')));
  const names = ['client: callTool() -> ' + usual.split('\n')[0], ...usual.split('\n').slice(1), 'client: callTool() resolved'];
  const deltas = names.map(() => []);
  const totals = [];
  traced.forEach((marks, i) => {
    if (marks.map(([stage]) => stage).join('\n') !== usual) return;
    const [sent, received] = client[i];
    const times = [sent, ...marks.map(([, t]) => BigInt(t)), received];
    for (let k = 1; k < times.length; k++) deltas[k - 1].push(Number(times[k] - times[k - 1]) / 1e6);
    totals.push(Number(received - sent) / 1e6);
  });
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
  return { names, medians: deltas.map((d) => median(d)), means: deltas.map(mean), total: median(totals), meanTotal: mean(totals), counted: totals.length };
}

function modal(keys) {
  const counts = new Map();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
}

/** p50 (ms) of a bare 1.1 kB write + fdatasync on the event loop, and of an O_DSYNC write through the thread pool. */
async function syncFloor() {
  const bare = bareAppendSyncs(join(work, 'bare.jsonl'), SYNC_SAMPLES);
  const dsync = openSync(join(work, 'dsync.jsonl'), constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_DSYNC);
  const pooled = [];
  for (let i = 0; i < SYNC_SAMPLES; i++) {
    const t = now();
    await new Promise((resolve, reject) => write(dsync, RECEIPT_SIZED_LINE, (err) => (err ? reject(err) : resolve())));
    pooled.push(now() - t);
  }
  closeSync(dsync);
  return { bare: median(bare), pooled: median(pooled) };
}

async function main() {
  const floor = await syncFloor();
  const runs = {
    'b-disk': await stages('stdio'),
    'b-tmpfs': await stages('stdio', TMPFS),
    'c-disk': await stages('http'),
    'c-tmpfs': await stages('http', TMPFS),
  };
  const out = [
    '## gateway-stages: where the time of one call goes',
    '',
    '`npm run bench -- gateway-stages` (bench/gateway-stages.bench.js): the gateway of the gateway bench with',
    `TOOLGATE_TRACE_STAGES (src/core/stage-trace.ts); ${CALLS} lone sequential echo calls after ${WARM_UP} to warm up; per stage the`,
    'median and mean over the calls of the time from the mark before (ms): each row is the time up to the point it names. The',
    "means add up to the whole call's mean; on a loaded machine they carry the scheduler's delays, the medians less so.",
    '',
  ];
  for (const [name, title] of [
    ['b', '(b) toolgate stdio -> stdio'],
    ['c', '(c) toolgate HTTP -> stdio'],
  ]) {
    const disk = runs[`${name}-disk`];
    const tmpfs = runs[`${name}-tmpfs`];
    const rows = disk.names.map((stage, i) => [
      stage,
      fmt(disk.medians[i]),
      fmt(disk.means[i]),
      fmt((100 * disk.means[i]) / disk.meanTotal, 2),
      tmpfs.names[i] === stage ? fmt(tmpfs.medians[i]) : 'n/a',
      tmpfs.names[i] === stage ? fmt(tmpfs.means[i]) : 'n/a',
    ]);
    rows.push(['**whole call**', fmt(disk.total), fmt(disk.meanTotal), '100', fmt(tmpfs.total), fmt(tmpfs.meanTotal)]);
    out.push(
      `### ${title}`,
      '',
      table(['up to', 'median ms (disk)', 'mean ms (disk)', '% of the mean call (disk)', 'median ms (tmpfs)', 'mean ms (tmpfs)'], rows),
      '',
    );
    out.push(`Calls counted: ${disk.counted} of ${CALLS} on disk, ${tmpfs.counted} of ${CALLS} on tmpfs (the others had other marks).`, '');
  }
  out.push(
    `On the same disk: a bare 1.1 kB write + fdatasync on the event loop ${fmt(floor.bare)} ms (p50); the same write to an O_DSYNC file through the thread pool ${fmt(floor.pooled)} ms (p50).`,
    loadAverage(),
    '',
    machine(),
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

try {
  await main();
} finally {
  stopProcesses();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
