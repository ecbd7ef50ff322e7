// `toolgate ledger stats`: receipts by event and by surface, and the times of the first and last.
// Counted from the ledger index's records when there is an index to open (read-only: a CLI does not
// write it), else by reading every receipt; both count the same facts in the same order, so the
// answer (keys in order of first appearance included) is the same.
import { FactsOf, type ReceiptFact, type Surface } from './facts.js';
import type { LedgerIndex } from './index-store.js';
import { readReceipts } from './reader.js';

export interface LedgerStats {
  receipts: number;
  byEvent: Record<string, number>;
  /** "server/tool" -> event -> count. */
  bySurface: Record<string, Record<string, number>>;
  first?: string;
  last?: string;
}

class StatsTally {
  readonly stats: LedgerStats = { receipts: 0, byEvent: {}, bySurface: {} };
  private readonly names = new Map<Surface, string>();

  add({ event, surface }: ReceiptFact): void {
    const { stats } = this;
    stats.receipts++;
    stats.byEvent[event] = (stats.byEvent[event] ?? 0) + 1;
    const events = (stats.bySurface[surface ? this.nameOf(surface) : event === 'rotate' ? '(key rotation)' : '(policy change)'] ??= {});
    events[event] = (events[event] ?? 0) + 1;
  }

  private nameOf(surface: Surface): string {
    let name = this.names.get(surface);
    if (name === undefined) this.names.set(surface, (name = `${surface.server}/${surface.tool}`));
    return name;
  }
}

export async function ledgerStats(dir: string, index?: LedgerIndex | null): Promise<LedgerStats> {
  return (index && (await statsByIndex(index))) ?? statsByScan(dir);
}

async function statsByIndex(index: LedgerIndex): Promise<LedgerStats | null> {
  const tally = new StatsTally();
  if (!(await index.visitFacts((f) => tally.add(f)))) return null;
  const { stats } = tally;
  if (stats.receipts === 0) return stats;
  const [first, last] = await Promise.all([index.receiptAt(0), index.receiptAt(stats.receipts - 1)]);
  if (!first || !last) return null;
  return { ...stats, first: first.body.ts, last: last.body.ts };
}

async function statsByScan(dir: string): Promise<LedgerStats> {
  const tally = new StatsTally();
  const facts = new FactsOf();
  let first: string | undefined;
  let last: string | undefined;
  for await (const { body } of readReceipts(dir)) {
    tally.add(facts.fact(body));
    first ??= body.ts;
    last = body.ts;
  }
  return { ...tally.stats, ...(first !== undefined && { first, last }) };
}
