// The ledger index (docs/ledger-index.md) against the full scans it replaces, side by side in one run,
// over a ledger of N signed receipts: searches by call id, receipt id and principal (the index: a
// pass over its records, then each result read back from the ledger and checked), the console's
// 7-day overview, `ledger stats` through an index opened read-only as the CLI opens it (the file
// loaded and checked, then counted); building the index from the ledger; its size on disk; and the
// CPU of an append with and without the index (process CPU, interleaved rounds: the machine is
// shared), with the index's own CPU per receipt handed over by the writer measured alone.
// The ledger: an existing one (TOOLGATE_BENCH_LEDGER, e.g. the report bench's 1,000,000 receipts),
// whose segments are hard-linked into a fresh folder so nothing is written beside them; else
// TOOLGATE_BENCH_LARGE (or TOOLGATE_BENCH_INDEX) receipts, default 100,000, written by the real
// Ledger. Scan rounds: TOOLGATE_BENCH_SCAN_ROUNDS (default 1: a scan of 1M receipts takes minutes on
// a loaded machine).
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSegments, readLines } from '../dist/ledger/files.js';
import { INDEX_FILE, Ledger, LedgerIndex, ledgerStats, scanSearch } from '../dist/ledger/index.js';
import { overview } from '../dist/admin/console/index.js';
import { createLogger } from '../dist/log.js';
import { openPayload, parseEnvelopeJson, signerFromSeed } from '../dist/receipts/index.js';
import { decisionDraft } from '../web/demo-gateway.mjs';
import { fmt, interleave, loadAverage, machine, median, now, table } from './lib.js';

const log = createLogger({ level: 'silent' });
const signer = signerFromSeed(createHash('sha256').update('bench-index').digest());
const SCAN_ROUNDS = Number(process.env.TOOLGATE_BENCH_SCAN_ROUNDS ?? 1);
const INDEX_ROUNDS = 7;
const APPENDS = 20_000;
const APPEND_ROUNDS = 5;
const work = mkdtempSync(join(tmpdir(), 'toolgate-bench-index-'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Append `count` receipts through the real Ledger (its index following, unless `index` is false); CPU ms of the appends and indexing. */
async function writeLedger(dir, count, index = true) {
  const ledger = await Ledger.open({ dir, signer, issuerId: 'bench', log, index });
  const c = cpuMs();
  let n = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (n < count) {
        const i = n++;
        await ledger.append(decisionDraft(['permit', 'deny', 'silence'][i % 3], { server: `srv${i % 4}`, tool: `tool${i % 3}`, principal: `agent:${i % 7}` }));
      }
    }),
  );
  await ledger.index?.current();
  const spent = cpuMs() - c;
  await ledger.close();
  return spent;
}

/** Build an index of `dir` from nothing: wall ms, CPU ms, receipts indexed. */
async function build(dir) {
  rmSync(join(dir, INDEX_FILE), { force: true });
  const t = now();
  const c = cpuMs();
  const index = new LedgerIndex(dir, () => Number.MAX_SAFE_INTEGER, log);
  await index.current();
  const result = { ms: now() - t, cpu: cpuMs() - c, size: index.size };
  await index.close();
  return result;
}

let dir = process.env.TOOLGATE_BENCH_LEDGER;
if (dir) {
  const linked = join(work, 'linked');
  mkdirSync(linked);
  for (const name of readdirSync(dir).filter((f) => /^receipts-\d{12}\.jsonl$/.test(f))) linkSync(join(dir, name), join(linked, name));
  dir = linked;
} else {
  dir = join(work, 'ledger');
  await writeLedger(dir, Number(process.env.TOOLGATE_BENCH_LARGE ?? process.env.TOOLGATE_BENCH_INDEX ?? 100_000));
}

// The index's cost on append: process CPU of the same appends with and without the index, in
// interleaved rounds (CPU time, not wall time: the machine is shared).
const appendCpu = await interleave(
  {
    with: (r) => writeLedger(join(work, `appends-with-${r}`), APPENDS, true),
    without: (r) => writeLedger(join(work, `appends-without-${r}`), APPENDS, false),
  },
  APPEND_ROUNDS,
);
const withIndexUs = (median(appendCpu.with) * 1000) / APPENDS;
const withoutIndexUs = (median(appendCpu.without) * 1000) / APPENDS;

/**
 * The index's own CPU per receipt as the writer hands receipts over (records made from the bodies
 * in memory, written to the file at the end), alone in the process: the receipts of `dir`, handed
 * over in writes of 8 (a gateway's batches), to a fresh index.
 */
async function handOverCpu(dir) {
  const receipts = [];
  for (const segment of listSegments(dir)) {
    let offset = 0;
    for await (const { text, end, terminated } of readLines(segment.path)) {
      if (!terminated) break;
      receipts.push({ body: openPayload(parseEnvelopeJson(text)).body, offset, length: end - offset - 1 });
      offset = end;
    }
  }
  rmSync(join(dir, INDEX_FILE), { force: true });
  const index = new LedgerIndex(dir, () => 0, log);
  await index.current();
  const c = cpuMs();
  for (let i = 0; i < receipts.length; i += 8) index.appended(i, receipts.slice(i, i + 8));
  await index.close();
  return { cpu: cpuMs() - c, size: receipts.length };
}
const handedOver = await handOverCpu(join(work, 'appends-with-0'));
const readBack = await build(join(work, 'appends-with-0'));

const built = await build(dir);
const size = built.size;
const diskBytes = statSync(join(dir, INDEX_FILE)).size;

// Targets: a call receipt from the middle of the middle segment.
const segments = listSegments(dir);
const segment = segments[Math.floor(segments.length / 2)];
let target;
let lines = 0;
for await (const { text, terminated } of readLines(segment.path)) {
  if (!terminated) break;
  const body = openPayload(parseEnvelopeJson(text)).body;
  if (body.call && ++lines >= 500) {
    target = body;
    break;
  }
}
const queries = {
  'call id': { call_id: target.call.id },
  'receipt id': { id: target.id },
  principal: { principal: target.principal.id },
};

const index = new LedgerIndex(dir, () => size, log);
await index.current();
const timed = async (fn) => {
  const t = now();
  const r = await fn();
  return { ms: now() - t, total: r.total };
};
const rows = [];
for (const [label, q] of Object.entries(queries)) {
  const withIndex = [];
  for (let i = 0; i < INDEX_ROUNDS; i++) withIndex.push(await timed(() => index.search(q, 100)));
  const scans = [];
  for (let i = 0; i < SCAN_ROUNDS; i++) scans.push(await timed(() => scanSearch(dir, q, 100)));
  if (scans[0].total !== withIndex[0].total) throw new Error(`${label}: the index found ${withIndex[0].total}, the scan ${scans[0].total}`);
  const a = median(withIndex.map((r) => r.ms));
  const b = median(scans.map((r) => r.ms));
  rows.push([label, String(withIndex[0].total), fmt(a), fmt(b), fmt(b / a)]);
}

// The console's 7-day overview and `ledger stats`, each against the scan it replaces.
const at = new Date();
const overviewRuns = [];
for (let i = 0; i < INDEX_ROUNDS; i++) overviewRuns.push(await timed(async () => ({ total: (await overview(dir, index, '7d', at)).surfaces.length })));
await index.close();
const overviewScan = await timed(async () => ({ total: (await overview(dir, null, '7d', at)).surfaces.length }));
if (overviewScan.total !== overviewRuns[0].total) throw new Error('overview: the index and the scan disagree');
/** `ledger stats` as the CLI answers it: the index opened read-only (loaded, checked, caught up), then counted. */
const statsByIndex = async () => {
  const ro = LedgerIndex.readOnly(dir, log);
  try {
    return { total: (await ledgerStats(dir, ro)).receipts };
  } finally {
    await ro.close();
  }
};
const statsRuns = [];
for (let i = 0; i < INDEX_ROUNDS; i++) statsRuns.push(await timed(statsByIndex));
const statsScan = await timed(async () => ({ total: (await ledgerStats(dir, null)).receipts }));
if (statsScan.total !== statsRuns[0].total || statsScan.total !== size) throw new Error('ledger stats: the index and the scan disagree');
rows.push(
  [
    '7-day overview (console)',
    `${overviewRuns[0].total} surfaces`,
    fmt(median(overviewRuns.map((r) => r.ms))),
    fmt(overviewScan.ms),
    fmt(overviewScan.ms / median(overviewRuns.map((r) => r.ms))),
  ],
  [
    '`ledger stats` (read-only index: open, check, count)',
    `${size.toLocaleString('en')} receipts`,
    fmt(median(statsRuns.map((r) => r.ms))),
    fmt(statsScan.ms),
    fmt(statsScan.ms / median(statsRuns.map((r) => r.ms))),
  ],
);
rmSync(work, { recursive: true, force: true });

const perReceiptUs = (ms, n) => (ms * 1000) / n;
process.stdout.write(
  `${[
    `## Searching the ledger: the index against a scan (${size.toLocaleString('en')} receipts)`,
    '',
    `\`${process.env.TOOLGATE_BENCH_LEDGER ? 'TOOLGATE_BENCH_LEDGER=<ledger dir> ' : `TOOLGATE_BENCH_LARGE=${size} `}npm run bench -- ledger-index\` (${new Date().toISOString().slice(0, 10)}; ${machine()}). ${loadAverage()}`,
    '',
    `Search (limit 100, newest first) and counts (index: median of ${INDEX_ROUNDS}, scan: median of ${SCAN_ROUNDS} for searches, 1 for counts; wall ms):`,
    '',
    table(['answer', 'matches', 'index ms', 'scan ms', 'scan / index'], rows),
    '',
    table(
      ['index', 'figure'],
      [
        [
          `build from the ledger (${size.toLocaleString('en')} receipts)`,
          `${fmt(built.ms / 1000)} s wall, ${fmt(perReceiptUs(built.cpu, size))} µs CPU per receipt`,
        ],
        [
          'size on disk',
          `${fmt(diskBytes / 1e6)} MB (${fmt(diskBytes / size)} bytes per receipt, ${fmt(diskBytes / size)} MB per 1,000,000 receipts); the same in memory`,
        ],
        [
          `CPU per append (process CPU, ${APPENDS.toLocaleString('en')} appends by 64 callers, median of ${APPEND_ROUNDS} interleaved rounds)`,
          `${fmt(withIndexUs)} µs with the index, ${fmt(withoutIndexUs)} µs without: the index adds ${fmt(100 * (withIndexUs / withoutIndexUs - 1), 2)}%`,
        ],
        [
          'the index alone, CPU per receipt',
          `${fmt(perReceiptUs(handedOver.cpu, handedOver.size))} µs handed over by the writer (${fmt((100 * perReceiptUs(handedOver.cpu, handedOver.size)) / withoutIndexUs, 2)}% of an append without the index); ${fmt(perReceiptUs(readBack.cpu, readBack.size))} µs read back from the ledger (${fmt((100 * perReceiptUs(readBack.cpu, readBack.size)) / withoutIndexUs, 2)}%)`,
        ],
      ],
    ),
  ].join('\n')}\n`,
);
