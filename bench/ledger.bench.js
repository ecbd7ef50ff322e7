// Ledger benchmarks: durable appends per second with concurrent callers (signing on the worker
// thread and, for comparison, inline only) and the process CPU each costs, gateway-like calls
// (`permit` then `complete`, each awaited) per second, the added latency of one sequential append
// (incl. the data sync) against a bare write+fdatasync of the same bytes, per-append cost on a small
// vs a large ledger, and `verifyLedger` speed and peak memory (in a fresh process).
// TOOLGATE_BENCH_LARGE sets the large ledger's size (default 100000; 1000000 takes several minutes),
// TOOLGATE_BENCH_VERIFY_RUNS the number of verification runs over it (default 3). With
// TOOLGATE_BENCH_BASELINE=DIR (a built checkout of another commit) its `verifyLedger` runs over the
// same ledger, interleaved with this one's, so both are measured side by side.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ledger } from '../dist/ledger/index.js';
import { generateKey, loadCurrentSigner } from '../dist/receipts/index.js';
import { createLogger } from '../dist/log.js';
import { bareAppendSyncs, fmt, interleave, loadAverage, machine, median, now, table } from './lib.js';

const LARGE = Number(process.env.TOOLGATE_BENCH_LARGE ?? 100_000);
const VERIFY_RUNS = Number(process.env.TOOLGATE_BENCH_VERIFY_RUNS ?? 3);
// Benchmarks write where the ledger would live (the project disk), not to a tmpfs.
const base = mkdtempSync(join(process.env.TOOLGATE_BENCH_DIR ?? tmpdir(), 'toolgate-bench-'));
const log = createLogger({ level: 'silent' });
const keys = join(base, 'keys');
generateKey(keys);
const signer = loadCurrentSigner(keys);

const draft = (n) => ({
  event: 'permit',
  call: { id: `call_${n}`, session: 'bench', rpc_id: n, server: 'fs', tool: 'read_file', tool_sha256: 'e'.repeat(64), args_sha256: 'a'.repeat(64) },
  principal: { id: 'agent:bench' },
  policy: { bundle_sha256: 'b'.repeat(64), rules: ['fs-read'], effect: 'permit', reason: 'permitted by rule fs-read' },
});

// The same key without the worker thread: every signature on the event loop.
const inlineSigner = { keyId: signer.keyId, publicKey: signer.publicKey, sign: signer.sign };
const complete = (n, ref) => ({ ...draft(n), event: 'complete', ref, result: { sha256: 'c'.repeat(64), is_error: false } });

const open = (name, key = signer) => Ledger.open({ dir: join(base, name), signer: key, issuerId: 'bench', log });

async function fill(ledger, count, callers = 64) {
  let n = ledger.size;
  const target = n + count;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (n < target) await ledger.append(draft(n++));
    }),
  );
}

/** Process CPU time (both threads, user + system) per append, µs: steadier than rates on a shared machine. */
const cpuPerAppend = [];

async function concurrentRate(ledger, count, callers) {
  const cpu = process.cpuUsage();
  const t = now();
  await fill(ledger, count, callers);
  const rate = count / ((now() - t) / 1000);
  if (callers === 64 && ledger === main) {
    const used = process.cpuUsage(cpu);
    cpuPerAppend.push((used.user + used.system) / count);
  }
  return rate;
}

/** What the gateway does per permitted call: a durable `permit` before dispatch, a durable `complete` after. */
async function callRate(ledger, calls, concurrency) {
  let n = 0;
  const t = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (n < calls) {
        const i = n++;
        const permit = await ledger.append(draft(i));
        await ledger.append(complete(i, permit.leafHash));
      }
    }),
  );
  return calls / ((now() - t) / 1000);
}

async function sequentialLatency(ledger, count) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const t = now();
    await ledger.append(draft(i));
    samples.push(now() - t);
  }
  return median(samples);
}

// The floor: one write + fdatasync of a receipt-sized line, no signing.
const rawLatency = (count) => median(bareAppendSyncs(join(base, 'raw.jsonl'), count));

const rounds = 5;
const sections = [];

// 1. Throughput and latency, interleaved.
const main = await open('main');
const inline = await open('inline', inlineSigner);
await fill(main, 2000);
await fill(inline, 2000);
const r1 = await interleave(
  {
    c8: () => concurrentRate(main, 2000, 8),
    c8inline: () => concurrentRate(inline, 2000, 8),
    c64: () => concurrentRate(main, 4000, 64),
    c64inline: () => concurrentRate(inline, 4000, 64),
    c256: () => concurrentRate(main, 4000, 256),
    calls16: () => callRate(main, 2000, 16),
    calls64: () => callRate(main, 2000, 64),
    seq: () => sequentialLatency(main, 300),
    raw: () => rawLatency(300),
  },
  rounds,
);
await main.close();
await inline.close();
sections.push(
  table(
    ['scenario', 'median', 'target'],
    [
      ['durable appends/s, 8 concurrent callers', fmt(median(r1.c8)), ''],
      ['durable appends/s, 8 concurrent callers, signing inline only', fmt(median(r1.c8inline)), ''],
      ['durable appends/s, 64 concurrent callers', fmt(median(r1.c64)), '>= 20,000/s'],
      ['durable appends/s, 64 concurrent callers, signing inline only', fmt(median(r1.c64inline)), ''],
      ['process CPU per append, 64 concurrent callers (µs, both threads)', fmt(median(cpuPerAppend)), ''],
      ['durable appends/s, 256 concurrent callers', fmt(median(r1.c256)), '>= 20,000/s'],
      ['gateway-like calls/s (permit + complete, each awaited), 16 concurrent', fmt(median(r1.calls16)), ''],
      ['gateway-like calls/s (permit + complete, each awaited), 64 concurrent', fmt(median(r1.calls64)), ''],
      ['one sequential append incl. the data sync (ms)', fmt(median(r1.seq)), '< 0.4 ms'],
      ['baseline: bare write + fdatasync of 1.1 kB (ms)', fmt(median(r1.raw)), ''],
      ['append / baseline', `${fmt(median(r1.seq) / median(r1.raw))}x`, ''],
    ],
  ),
);

// 2. Per-append cost on a small and a large ledger, interleaved.
const small = await open('small');
await fill(small, 10_000);
const large = await open('large');
const t = now();
await fill(large, LARGE);
const fillRate = LARGE / ((now() - t) / 1000);
const r2 = await interleave({ small: () => sequentialLatency(small, 300), large: () => sequentialLatency(large, 300) }, rounds);
await small.close();
await large.close();
sections.push(
  `${table(
    ['ledger size', 'median sequential append (ms)', 'ratio'],
    [
      ['10,000', fmt(median(r2.small)), '1.00'],
      [LARGE.toLocaleString('en-US'), fmt(median(r2.large)), fmt(median(r2.large) / median(r2.small))],
    ],
  )}\n\n(filling ${LARGE.toLocaleString('en-US')} receipts ran at ${fmt(fillRate)} appends/s)`,
);

// 3. verifyLedger over the large ledger in a fresh process: receipts/s with every signature checked, and peak RSS.
const verifyDir = join(base, 'large');
const keyring = join(keys, 'keyring.json');
const BASELINE = process.env.TOOLGATE_BENCH_BASELINE;
/** A script that verifies a ledger with the `dist/` of `root` and prints its rate, process CPU per receipt and peak RSS. */
function verifyScript(name, root) {
  const script = join(base, `verify-${name}.mjs`);
  writeFileSync(
    script,
    `
import { verifyLedger } from ${JSON.stringify(join(root, 'dist/ledger/index.js'))};
import { Keyring } from ${JSON.stringify(join(root, 'dist/receipts/index.js'))};
const cpu = process.cpuUsage();
const t = performance.now();
const r = await verifyLedger(process.argv[2], Keyring.load(process.argv[3]));
const s = (performance.now() - t) / 1000;
const used = process.cpuUsage(cpu);
if (!r.ok) throw new Error(JSON.stringify(r.problem));
console.log(JSON.stringify({ rate: r.receipts / s, cpuUs: (used.user + used.system) / r.receipts, rssMB: process.resourceUsage().maxRSS / 1024 }));
`,
  );
  return script;
}
const verifiers = { current: verifyScript('current', fileURLToPath(new URL('..', import.meta.url))) };
if (BASELINE) verifiers.baseline = verifyScript('baseline', BASELINE);
const runs = await interleave(
  Object.fromEntries(
    Object.entries(verifiers).map(([name, script]) => [
      name,
      () => {
        const run = spawnSync(process.execPath, [script, verifyDir, keyring], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(run.stderr);
        return JSON.parse(run.stdout);
      },
    ]),
  ),
  VERIFY_RUNS,
);
const figure = (name, key) => fmt(median(runs[name].map((r) => r[key])));
const verifyRow = (label, key, target) => [label, figure('current', key), ...(BASELINE ? [figure('baseline', key)] : []), target];
sections.push(
  table(
    ['ledger verify', 'median', ...(BASELINE ? ['baseline median'] : []), 'target'],
    [
      verifyRow(`receipts/s over ${large.size.toLocaleString('en-US')} receipts, every signature`, 'rate', '>= 15,000/s'),
      verifyRow('process CPU per receipt (µs, all threads)', 'cpuUs', ''),
      verifyRow('peak RSS of the verifying process (MB)', 'rssMB', '< 200 MB at 1M'),
    ],
  ) +
    (BASELINE
      ? `\n\nBaseline: \`verifyLedger\` of the checkout in TOOLGATE_BENCH_BASELINE (${BASELINE}), interleaved with this one's over the same ledger.`
      : ''),
);

rmSync(base, { recursive: true, force: true });
process.stdout.write(`## Ledger: durable appends, latency, growth, verification

\`npm run bench -- ledger\` (TOOLGATE_BENCH_LARGE=${LARGE}; medians of ${rounds} interleaved rounds, verification: median of ${VERIFY_RUNS} runs in fresh processes)

${sections.join('\n\n')}

${machine()}. ${loadAverage()}
`);
