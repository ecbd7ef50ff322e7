// Receipts for the console: search (also "earlier decisions on this surface"), one receipt with its
// chain neighbours, and the keyring this gateway publishes. Reads the ledger through its public
// reader, one pass per request, so memory stays flat however long the ledger grows.
import { readReceipts, type StoredReceipt } from '../../ledger/index.js';
import { isCallReceipt, Keyring, keyringPath, type ReceiptBody } from '../../receipts/index.js';
import type { Reviewer } from '../../approvals/index.js';
import { HttpError, type Route } from '../../http/index.js';
import { parseQuery, ReceiptSearchSchema, type ReceiptSearch } from './query.js';

export interface ReceiptSource {
  ledgerDir: string;
  keysDir: string;
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

function matches(body: ReceiptBody, q: ReceiptSearch, from: number, to: number): boolean {
  if (q.event && body.event !== q.event) return false;
  const t = Date.parse(body.ts);
  if (t < from || t > to) return false;
  if (!q.call_id && !q.server && !q.tool && !q.principal) return true;
  if (!isCallReceipt(body)) return false;
  return (
    (!q.call_id || body.call.id === q.call_id) &&
    (!q.server || body.call.server === q.server) &&
    (!q.tool || body.call.tool === q.tool) &&
    (!q.principal || body.principal.id === q.principal)
  );
}

/** The newest `limit` matches, newest first. */
export async function searchReceipts(ledgerDir: string, q: ReceiptSearch) {
  const from = q.from ? Date.parse(q.from) : -Infinity;
  const to = q.to ? Date.parse(q.to) : Infinity;
  const found: ReturnType<typeof receiptRow>[] = [];
  let total = 0;
  for await (const { body } of readReceipts(ledgerDir)) {
    if (!matches(body, q, from, to)) continue;
    total++;
    found.push(receiptRow(body));
    if (found.length > q.limit) found.shift();
  }
  return { receipts: found.reverse(), total, truncated: total > found.length };
}

const entry = (r: StoredReceipt | null) => (r ? { envelope: r.envelope, body: r.body, leaf_hash: r.leafHash } : null);

/** One receipt and its neighbours in the chain (ledger order is chain order). */
export async function receiptWithNeighbours(ledgerDir: string, id: string) {
  let prev: StoredReceipt | null = null;
  let found: StoredReceipt | null = null;
  for await (const r of readReceipts(ledgerDir)) {
    if (found) return { receipt: entry(found), prev: entry(prev), next: entry(r) };
    if (r.body.id === id) found = r;
    else prev = r;
  }
  if (!found) throw new HttpError('not_found', `no receipt ${id} in the ledger`);
  return { receipt: entry(found), prev: entry(prev), next: null };
}

export function receiptRoutes(source: ReceiptSource): Route<Reviewer>[] {
  return [
    {
      method: 'GET',
      path: '/api/receipts',
      auth: 'token',
      handle: async ({ url }) => ({ body: await searchReceipts(source.ledgerDir, parseQuery(ReceiptSearchSchema, url)) }),
    },
    {
      method: 'GET',
      path: '/api/receipts/:id',
      auth: 'token',
      handle: async ({ params }) => ({ body: await receiptWithNeighbours(source.ledgerDir, params.id!) }),
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
