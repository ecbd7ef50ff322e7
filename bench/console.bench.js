// The reviewer console's receipts API over a ledger of N receipts (TOOLGATE_BENCH_CONSOLE, default
// 20000): search by call id, one receipt with its neighbours, and the 7-day overview, each a full
// streaming pass over the ledger, over HTTP. Baseline: `ledgerStats`, the ledger's own reader making
// one pass over the same files in-process. Also the size of the page the browser loads.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ledgerStats, readReceipts } from '../dist/ledger/index.js';
import { decisionDraft, startDemo, TOKENS } from '../web/demo-gateway.mjs';
import { fmt, interleave, machine, median, now, table } from './lib.js';

const N = Number(process.env.TOOLGATE_BENCH_CONSOLE ?? 20_000);
const ROUNDS = 7;
const SURFACES = [
  ['fs', 'read_file', 'permit'],
  ['fs', 'write_file', 'deny'],
  ['github', 'search_code', 'silence'],
];

const demo = await startDemo();
let n = 0;
await Promise.all(
  Array.from({ length: 64 }, async () => {
    while (n < N) {
      const [server, tool, event] = SURFACES[n++ % SURFACES.length];
      await demo.ledger.append(decisionDraft(event, { server, tool }));
    }
  }),
);
const all = [];
for await (const r of readReceipts(demo.ledgerDir)) all.push(r.body);
const middle = all[Math.floor(all.length / 2)];

async function timed(path) {
  const t = now();
  const res = await fetch(`${demo.url}${path}`, { headers: { authorization: `Bearer ${TOKENS.alice}` } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  await res.arrayBuffer();
  return now() - t;
}

const results = await interleave(
  {
    baseline: async () => {
      const t = now();
      await ledgerStats(demo.ledgerDir);
      return now() - t;
    },
    search: () => timed(`/api/receipts?call_id=${middle.call.id}`),
    receipt: () => timed(`/api/receipts/${middle.id}`),
    overview: () => timed('/api/overview?period=7d'),
  },
  ROUNDS,
);
await demo.close();

const base = median(results.baseline);
const row = (label, key) => [label, fmt(median(results[key])), fmt(median(results[key]) / base, 2)];
const asset = (file) => readFileSync(new URL(`../dist/console/${file}`, import.meta.url));
const pageBytes = ['index.html', 'app.js', 'console.css'].map(asset);
const kib = (b) => fmt(b / 1024);

console.log(`## Reviewer console: receipts API over a ${N.toLocaleString('en')}-receipt ledger

\`npm run bench -- console\` (TOOLGATE_BENCH_CONSOLE=${N}); medians of ${ROUNDS} interleaved rounds.

${table(
  ['scenario', 'median ms', 'x baseline'],
  [
    row('baseline: ledgerStats (one in-process pass)', 'baseline'),
    row('GET /api/receipts?call_id= (search)', 'search'),
    row('GET /api/receipts/:id (middle of the ledger, with neighbours)', 'receipt'),
    row('GET /api/overview?period=7d', 'overview'),
  ],
)}

Page weight: ${kib(pageBytes.reduce((a, b) => a + b.length, 0))} KiB (${kib(pageBytes.reduce((a, b) => a + gzipSync(b).length, 0))} KiB gzipped) for index.html, app.js and console.css; no other requests.

${machine()}
`);
