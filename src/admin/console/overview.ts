// Counts of decisions by surface and outcome over time for the overview: hourly over the last day,
// daily over the last week or month, buckets aligned to UTC so two reviewers see the same numbers.
// Counted from the ledger index's records (no receipt read) when the console has the index, else
// from a scan: both give the same facts in the same order (ledger/facts.ts).
import { VERDICTS } from '../../core/index.js';
import { factsOfBodies, scanFacts, type FactSource, type LedgerIndex, type ReceiptFact, type Surface } from '../../ledger/index.js';
import type { ReceiptBody } from '../../receipts/index.js';
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

/** Counts the facts of one pass (facts.ts: one Surface object per surface) into the period's buckets. */
class OverviewTally {
  private readonly start: number;
  private readonly end: number;
  private readonly bucketMs: number;
  private readonly buckets: number;
  private readonly surfaces = new Map<Surface, SurfaceCounts>();

  constructor(period: OverviewQuery['period'], now: Date) {
    ({ bucketMs: this.bucketMs, buckets: this.buckets } = PERIODS[period]);
    this.end = (Math.floor(now.getTime() / this.bucketMs) + 1) * this.bucketMs;
    this.start = this.end - this.buckets * this.bucketMs;
  }

  add({ event, surface, tsMs: t }: ReceiptFact): void {
    if (!surface || !COUNTED.has(event) || t < this.start || t >= this.end) return;
    let s = this.surfaces.get(surface);
    if (!s) {
      s = { server: surface.server, tool: surface.tool, totals: {}, series: Array.from({ length: this.buckets }, () => ({})) };
      this.surfaces.set(surface, s);
    }
    const bucket = s.series[Math.floor((t - this.start) / this.bucketMs)]!;
    bucket[event] = (bucket[event] ?? 0) + 1;
    s.totals[event] = (s.totals[event] ?? 0) + 1;
  }

  result() {
    const { start, end, bucketMs, buckets } = this;
    const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);
    return {
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      bucket_ms: bucketMs,
      outcomes: VERDICTS,
      buckets: Array.from({ length: buckets }, (_, i) => new Date(start + i * bucketMs).toISOString()),
      surfaces: [...this.surfaces.values()].sort(
        (a, b) => total(b.totals) - total(a.totals) || a.server.localeCompare(b.server) || a.tool.localeCompare(b.tool),
      ),
    };
  }
}

export type Overview = ReturnType<OverviewTally['result']>;

/** The overview of `facts` for the period ending with the bucket that contains `now`; null if the source cannot answer. */
export async function overviewOf(facts: FactSource, period: OverviewQuery['period'], now: Date): Promise<Overview | null> {
  const tally = new OverviewTally(period, now);
  return (await facts((f) => tally.add(f))) ? tally.result() : null;
}

/** The overview of `bodies` (streamed, no I/O of its own). */
export async function summarize(bodies: AsyncIterable<ReceiptBody> | Iterable<ReceiptBody>, period: OverviewQuery['period'], now: Date): Promise<Overview> {
  const tally = new OverviewTally(period, now);
  for await (const fact of factsOfBodies(bodies)) tally.add(fact);
  return tally.result();
}

/** From the ledger's index when the console has it (the running gateway's), else (or if it cannot answer) by reading the whole ledger. */
export async function overview(ledgerDir: string, index: LedgerIndex | null | undefined, period: OverviewQuery['period'], now: Date): Promise<Overview> {
  const byIndex = index ? await overviewOf((visit) => index.visitFacts(visit), period, now) : null;
  return byIndex ?? (await overviewOf(scanFacts(ledgerDir), period, now))!;
}

export function overviewRoute(ledgerDir: string, index: LedgerIndex | null | undefined, clock: () => Date): Route<Reviewer> {
  return {
    method: 'GET',
    path: '/api/overview',
    auth: 'token',
    async handle({ url }) {
      const { period } = parseQuery(OverviewQuerySchema, url);
      return { body: await overview(ledgerDir, index, period, clock()) };
    },
  };
}
