// What counts of receipts (the console's overview, `ledger stats`) need of each receipt: its event,
// its surface and its time. Two sources give the same facts in ledger order: a scan of the ledger,
// and the ledger index's records (docs/ledger-index.md), which read no receipt.
import { isCallReceipt, type ReceiptBody } from '../receipts/index.js';

type ReceiptEvent = ReceiptBody['event'];
import { readReceipts } from './reader.js';

/** A call's server and tool. Within one pass, the same surface is the same object: counters key on it. */
export interface Surface {
  readonly server: string;
  readonly tool: string;
}

export interface ReceiptFact {
  event: ReceiptEvent;
  /** null for receipts of no call (key hand-overs, policy changes). */
  surface: Surface | null;
  /** The receipt's `ts`, in ms. */
  tsMs: number;
}

/**
 * Hands every receipt's fact to `visit`, in ledger order. A fact is valid during the call only (the
 * index reuses the object); false when the source cannot answer (the caller then scans).
 */
export type FactSource = (visit: (fact: ReceiptFact) => void) => Promise<boolean>;

/** Facts of receipt bodies, with one Surface object per surface. */
export class FactsOf {
  private readonly surfaces = new Map<string, Surface>();

  fact(body: ReceiptBody): ReceiptFact {
    return { event: body.event, surface: isCallReceipt(body) ? this.surface(body.call.server, body.call.tool) : null, tsMs: Date.parse(body.ts) };
  }

  private surface(server: string, tool: string): Surface {
    const key = `${server}\n${tool}`;
    let s = this.surfaces.get(key);
    if (!s) this.surfaces.set(key, (s = { server, tool }));
    return s;
  }
}

/** The facts of `bodies`. */
export async function* factsOfBodies(bodies: AsyncIterable<ReceiptBody> | Iterable<ReceiptBody>): AsyncGenerator<ReceiptFact> {
  const facts = new FactsOf();
  for await (const body of bodies) yield facts.fact(body);
}

async function* bodiesOf(dir: string): AsyncGenerator<ReceiptBody> {
  for await (const { body } of readReceipts(dir)) yield body;
}

/** Every receipt's fact by reading the whole ledger: the fallback, and the baseline the index is checked against. */
export function scanFacts(dir: string): FactSource {
  return async (visit) => {
    for await (const fact of factsOfBodies(bodiesOf(dir))) visit(fact);
    return true;
  };
}
