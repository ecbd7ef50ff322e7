// Receipts for the console: search (also "earlier decisions on this surface"), one receipt with its
// chain neighbours, and the keyring this gateway publishes. Reads the ledger through its public
// reader, one pass per request (searches: through the ledger's index when given), so memory stays flat
// however long the ledger grows.
import { scanNeighbours, scanSearch, type LedgerIndex, type ReceiptQuery, type StoredReceipt } from '../../ledger/index.js';
import { isCallReceipt, Keyring, keyringPath, type ReceiptBody } from '../../receipts/index.js';
import type { Reviewer } from '../../approvals/index.js';
import { HttpError, type Route } from '../../http/index.js';
import { parseQuery, ReceiptSearchSchema, type ReceiptSearch } from './query.js';

export interface ReceiptSource {
  ledgerDir: string;
  keysDir: string;
  /** The ledger's index, when this process writes the ledger (docs/ledger-index.md). */
  index?: LedgerIndex | null;
}

/** One search result: the fields a results table shows. */
export function receiptRow(body: ReceiptBody) {
  const call = isCallReceipt(body) ? body : null;
  return {
    id: body.id,
    event: body.event,
    ts: body.ts,
    seq: body.chain.seq,
    call_id: call?.call.id ?? null,
    server: call?.call.server ?? null,
    tool: call?.call.tool ?? null,
    principal: call?.principal.id ?? null,
    reason: call?.policy.reason ?? null,
    approval_id: call?.approval?.id ?? null,
  };
}

/** The newest `limit` matches, newest first: through the ledger's index when this process writes the ledger, else by a scan. */
export async function searchReceipts(source: Pick<ReceiptSource, 'ledgerDir' | 'index'>, q: ReceiptSearch) {
  const query: ReceiptQuery = {
    id: q.receipt_id,
    call_id: q.call_id,
    principal: q.principal,
    server: q.server,
    tool: q.tool,
    event: q.event,
    from: q.from ? Date.parse(q.from) : undefined,
    to: q.to ? Date.parse(q.to) : undefined,
  };
  const { receipts, total } = source.index ? await source.index.search(query, q.limit) : await scanSearch(source.ledgerDir, query, q.limit);
  return { receipts: receipts.map((r) => receiptRow(r.body)), total, truncated: total > receipts.length };
}

const entry = (r: StoredReceipt | null) => (r ? { envelope: r.envelope, body: r.body, leaf_hash: r.leafHash } : null);

/** One receipt and its neighbours in the chain (ledger order is chain order). */
export async function receiptWithNeighbours(source: Pick<ReceiptSource, 'ledgerDir' | 'index'>, id: string) {
  const found = source.index ? await source.index.withNeighbours(id) : await scanNeighbours(source.ledgerDir, id);
  if (!found) throw new HttpError('not_found', `no receipt ${id} in the ledger`);
  return { receipt: entry(found.receipt), prev: entry(found.prev), next: entry(found.next) };
}

export function receiptRoutes(source: ReceiptSource): Route<Reviewer>[] {
  return [
    {
      method: 'GET',
      path: '/api/receipts',
      auth: 'token',
      handle: async ({ url }) => ({ body: await searchReceipts(source, parseQuery(ReceiptSearchSchema, url)) }),
    },
    {
      method: 'GET',
      path: '/api/receipts/:id',
      auth: 'token',
      handle: async ({ params }) => ({ body: await receiptWithNeighbours(source, params.id!) }),
    },
    {
      method: 'GET',
      path: '/api/keyring',
      auth: 'token',
      // Read on each request: a key rotation rewrites the file while the gateway runs.
      handle: async () => ({ body: Keyring.load(keyringPath(source.keysDir)).file }),
    },
  ];
}
