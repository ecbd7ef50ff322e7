// Counts of decisions by surface and outcome over time for the overview: hourly over the last day,
// daily over the last week or month, buckets aligned to UTC so two reviewers see the same numbers.
import { VERDICTS } from '../../core/index.js';
import { readReceipts } from '../../ledger/index.js';
import { isCallReceipt, type ReceiptBody } from '../../receipts/index.js';
import { OverviewQuerySchema, parseQuery, type OverviewQuery } from './query.js';
import type { Reviewer } from '../../approvals/index.js';
import type { Route } from '../../http/index.js';

const COUNTED = new Set<string>(VERDICTS);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIODS: Record<OverviewQuery['period'], { bucketMs: number; buckets: number }> = {
  '24h': { bucketMs: HOUR, buckets: 24 },
  '7d': { bucketMs: DAY, buckets: 7 },
  '30d': { bucketMs: DAY, buckets: 30 },
};

type Counts = Record<string, number>;
interface SurfaceCounts {
  server: string;
  tool: string;
  totals: Counts;
  series: Counts[];
}

/** The overview of `bodies` (streamed, no I/O of its own) for the period ending with the bucket that contains `now`. */
export async function summarize(bodies: AsyncIterable<ReceiptBody> | Iterable<ReceiptBody>, period: OverviewQuery['period'], now: Date) {
  const { bucketMs, buckets } = PERIODS[period];
  const end = (Math.floor(now.getTime() / bucketMs) + 1) * bucketMs;
  const start = end - buckets * bucketMs;
  const surfaces = new Map<string, SurfaceCounts>();
  for await (const body of bodies) {
    if (!isCallReceipt(body) || !COUNTED.has(body.event)) continue;
    const t = Date.parse(body.ts);
    if (t < start || t >= end) continue;
    const key = JSON.stringify([body.call.server, body.call.tool]);
    let s = surfaces.get(key);
    if (!s) {
      s = { server: body.call.server, tool: body.call.tool, totals: {}, series: Array.from({ length: buckets }, () => ({})) };
      surfaces.set(key, s);
    }
    const bucket = s.series[Math.floor((t - start) / bucketMs)]!;
    bucket[body.event] = (bucket[body.event] ?? 0) + 1;
    s.totals[body.event] = (s.totals[body.event] ?? 0) + 1;
  }
  const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    bucket_ms: bucketMs,
    outcomes: VERDICTS,
    buckets: Array.from({ length: buckets }, (_, i) => new Date(start + i * bucketMs).toISOString()),
    surfaces: [...surfaces.values()].sort((a, b) => total(b.totals) - total(a.totals) || a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool)),
  };
}

async function* bodiesOf(ledgerDir: string): AsyncGenerator<ReceiptBody> {
  for await (const { body } of readReceipts(ledgerDir)) yield body;
}

export function overviewRoute(ledgerDir: string, clock: () => Date): Route<Reviewer> {
  return {
    method: 'GET',
    path: '/api/overview',
    auth: 'token',
    async handle({ url }) {
      const { period } = parseQuery(OverviewQuerySchema, url);
      return { body: await summarize(bodiesOf(ledgerDir), period, clock()) };
    },
  };
}
