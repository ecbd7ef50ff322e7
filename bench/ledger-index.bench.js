// Searching the ledger with and without its index (docs/ledger-index.md): by call id, receipt id and
// principal over a ledger of N signed receipts, the index (a pass over its records, then each result
// read back from the ledger and checked) against the full scan the console made before (scanSearch),
// side by side in one run; building the index from the ledger; its size on disk; and its CPU per
// receipt against the CPU of an append through the real Ledger (20,000 appends, 64 callers).
// The ledger searched: an existing one (TOOLGATE_BENCH_LEDGER, e.g. the report bench's 1,000,000
// receipts), whose segments are hard-linked into a fresh folder so nothing is written beside them;
// else TOOLGATE_BENCH_INDEX receipts (default 100,000) written by the real Ledger. Scan rounds:
// TOOLGATE_BENCH_SCAN_ROUNDS (default 1: a scan of 1M receipts takes minutes on a loaded machine).
import { createHash } from 'node:crypto';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listSegments, readLines } from '../dist/ledger/files.js';
import { INDEX_FILE, Ledger, LedgerIndex, scanSearch } from '../dist/ledger/index.js';
import { createLogger } from '../dist/log.js';
import { openPayload, parseEnvelopeJson, signerFromSeed } from '../dist/receipts/index.js';
import { decisionDraft } from '../web/demo-gateway.mjs';
import { fmt, loadAverage, machine, median, now, table } from './lib.js';

const log = createLogger({ level: 'silent' });
const signer = signerFromSeed(createHash('sha256').update('bench-index').digest());
const SCAN_ROUNDS = Number(process.env.TOOLGATE_BENCH_SCAN_ROUNDS ?? 1);
const INDEX_ROUNDS = 7;
const APPENDS = 20_000;
const work = mkdtempSync(join(tmpdir(), 'toolgate-bench-index-'));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Append `count` receipts through the real Ledger (its index following); CPU ms of the appends and indexing. */
async function writeLedger(dir, count) {
  const ledger = await Ledger.open({ dir, signer, issuerId: 'bench', log });
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
  await ledger.index.current();
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
  await writeLedger(dir, Number(process.env.TOOLGATE_BENCH_INDEX ?? 100_000));
}

// The index's cost on append: CPU of appends with the index following, against the CPU of indexing
// the same receipts from the ledger afterwards.
const appendDir = join(work, 'appends');
const appendCpu = await writeLedger(appendDir, APPENDS);
const appendIndex = await build(appendDir);

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
await index.close();
rmSync(work, { recursive: true, force: true });

const perReceiptUs = (ms, n) => (ms * 1000) / n;
process.stdout.write(
  `${[
    `## Searching the ledger: the index against a scan (${size.toLocaleString('en')} receipts)`,
    '',
    `\`${process.env.TOOLGATE_BENCH_LEDGER ? 'TOOLGATE_BENCH_LEDGER=<ledger dir> ' : ''}npm run bench -- ledger-index\` (${new Date().toISOString().slice(0, 10)}; ${machine()}). ${loadAverage()}`,
    '',
    `Search (limit 100, newest first; index: median of ${INDEX_ROUNDS}, scan: median of ${SCAN_ROUNDS}):`,
    '',
    table(['search by', 'matches', 'index ms', 'scan ms', 'scan / index'], rows),
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
          `CPU per append, ${APPENDS.toLocaleString('en')} appends with the index following`,
          `${fmt(perReceiptUs(appendCpu, APPENDS))} µs, of which indexing ${fmt(perReceiptUs(appendIndex.cpu, APPENDS))} µs (${fmt((100 * appendIndex.cpu) / (appendCpu - appendIndex.cpu), 2)}% on top of the append)`,
        ],
      ],
    ),
  ].join('\n')}\n`,
);
