// The ledger index's records (docs/ledger-index.md): one fixed 64-byte record per receipt with the
// fields a search filters on, as hashes and numbers, and the exact predicate a search result must pass
// once read back from the ledger. Fixed records need no parsing to search: a pass over typed arrays.
import { RECEIPT_EVENTS } from '../core/index.js';
import { isCallReceipt, type ReceiptBody } from '../receipts/index.js';

export const RECORD_BYTES = 64;
export const HEADER_BYTES = 64;
export const INDEX_MAGIC = 'toolgate-ledger-index/v1';

/** What a search asks for; every field given must match. Times are ms since the epoch, inclusive. */
export interface ReceiptQuery {
  id?: string;
  call_id?: string;
  principal?: string;
  server?: string;
  tool?: string;
  event?: (typeof RECEIPT_EVENTS)[number];
  from?: number;
  to?: number;
}

/** Where a receipt's line is in its segment. */
export interface LinePosition {
  offset: number;
  length: number;
}

/** 32-bit words of a record: [offset lo, offset hi, length, event, ts lo, ts hi, id×2, call×2, principal×2, server×2, tool×2]. */
export const WORDS = RECORD_BYTES / 4;
export const KEY_WORD = { id: 6, call_id: 8, principal: 10, server: 12, tool: 14 } as const;
type KeyField = keyof typeof KEY_WORD;

/** Two 32-bit hashes of the UTF-16 code units; never both 0 (0 is "none"). Collisions only add candidates. */
export function keyHash(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a >>>= 0;
  b >>>= 0;
  return a === 0 && b === 0 ? [1, 0] : [a, b];
}

function keysOf(body: ReceiptBody): Record<KeyField, string | undefined> {
  const call = isCallReceipt(body) ? body : null;
  return { id: body.id, call_id: call?.call.id, principal: call?.principal.id, server: call?.call.server, tool: call?.call.tool };
}

/** What a record holds of a receipt, before hashing. */
export interface IndexedFields extends Record<KeyField, string | undefined> {
  seq: number;
  event: string;
  ts: string;
}

const PAYLOAD_KEY = '"payload":"';
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * The indexed fields of a ledger line, parsed without the receipt checks: indexing must stay cheap
 * beside an append. Untrusted but harmless: a record is only a hint, read back and checked on use.
 */
export function indexedFieldsOf(line: string): IndexedFields {
  // A ledger line has one byte form (docs/receipts.md §7): the payload is the string after this key.
  const start = line.indexOf(PAYLOAD_KEY) + PAYLOAD_KEY.length;
  const end = line.indexOf('"', start);
  if (start < PAYLOAD_KEY.length || end < 0) throw new Error('a ledger line without a payload');
  return fieldsOfBody(JSON.parse(Buffer.from(line.slice(start, end), 'base64').toString('utf8')) as Body);
}

type Body = Record<string, Record<string, unknown> | undefined>;

/** The indexed fields of a receipt body: parsed from its line (above), or as the writer just sealed it. */
export function fieldsOfBody(body: Body | ReceiptBody): IndexedFields {
  const b = body as Body;
  const seq = b.chain?.seq;
  if (typeof seq !== 'number') throw new Error('a ledger line without chain.seq');
  return {
    seq,
    event: String(b.event),
    ts: String(b.ts),
    id: text(b.id),
    call_id: text(b.call?.id),
    principal: text(b.principal?.id),
    server: text(b.call?.server),
    tool: text(b.call?.tool),
  };
}

/** Date.parse of the last ts seen: the receipts of one write share their ts. */
let lastTs = '';
let lastTsMs = Number.NaN;
function timeOf(ts: string): number {
  if (ts !== lastTs) {
    lastTs = ts;
    lastTsMs = Date.parse(ts);
  }
  return lastTsMs;
}

/** Write a receipt's record at record slot `n` of the views. */
export function writeRecord(words: Uint32Array, floats: Float64Array, n: number, fields: IndexedFields, at: LinePosition): void {
  const w = n * WORDS;
  words.fill(0, w, w + WORDS);
  floats[n * (WORDS / 2)] = at.offset;
  words[w + 2] = at.length;
  words[w + 3] = RECEIPT_EVENTS.indexOf(fields.event as (typeof RECEIPT_EVENTS)[number]) + 1;
  floats[n * (WORDS / 2) + 2] = timeOf(fields.ts);
  for (const field of Object.keys(KEY_WORD) as KeyField[]) {
    const value = fields[field];
    if (value === undefined) continue;
    const [a, b] = keyHash(value);
    words[w + KEY_WORD[field]] = a;
    words[w + KEY_WORD[field] + 1] = b;
  }
}

/** The event of record `n`; undefined if it holds none the index knows. */
export function eventOf(words: Uint32Array, n: number): (typeof RECEIPT_EVENTS)[number] | undefined {
  return RECEIPT_EVENTS[words[n * WORDS + 3]! - 1];
}

/** The `ts` of record `n`, in ms. */
export function timeOfRecord(floats: Float64Array, n: number): number {
  return floats[n * (WORDS / 2) + 2]!;
}

export function positionOf(words: Uint32Array, floats: Float64Array, n: number): LinePosition {
  return { offset: floats[n * (WORDS / 2)]!, length: words[n * WORDS + 2]! };
}

/**
 * Records matching `q`, newest first. The first key asked for is tested in a tight loop over its
 * column; only records that pass it meet the other tests (a pass over a million records is a few ms).
 */
export function* matchingRecords(words: Uint32Array, floats: Float64Array, count: number, q: ReceiptQuery): Generator<number> {
  const keys = (Object.keys(KEY_WORD) as KeyField[]).flatMap((f) => {
    const v = f === 'id' ? q.id : q[f];
    return v === undefined ? [] : [{ word: KEY_WORD[f], hash: keyHash(v) }];
  });
  const event = q.event === undefined ? 0 : RECEIPT_EVENTS.indexOf(q.event) + 1;
  const from = q.from ?? -Infinity;
  const to = q.to ?? Infinity;
  const rest = (n: number): boolean => {
    const w = n * WORDS;
    for (const k of keys) if (words[w + k.word] !== k.hash[0] || words[w + k.word + 1] !== k.hash[1]) return false;
    if (event && words[w + 3] !== event) return false;
    const ts = floats[n * (WORDS / 2) + 2]!;
    return ts >= from && ts <= to;
  };
  const first = keys[0];
  if (!first) {
    for (let n = count - 1; n >= 0; n--) if (rest(n)) yield n;
    return;
  }
  const [a, b] = first.hash;
  for (let w = (count - 1) * WORDS + first.word; w >= 0; w -= WORDS) {
    if (words[w] === a && words[w + 1] === b && rest((w - first.word) / WORDS)) yield (w - first.word) / WORDS;
  }
}

/** The exact test: does this receipt (read from the ledger) answer the query? */
export function receiptMatches(body: ReceiptBody, q: ReceiptQuery): boolean {
  if (q.event && body.event !== q.event) return false;
  const t = Date.parse(body.ts);
  if (t < (q.from ?? -Infinity) || t > (q.to ?? Infinity)) return false;
  const keys = keysOf(body);
  return (Object.keys(KEY_WORD) as KeyField[]).every((f) => {
    const v = f === 'id' ? q.id : q[f];
    return v === undefined || keys[f] === v;
  });
}

/** Does record `n` hold what a receipt with these fields is recorded as (its position aside)? */
export function recordMatches(words: Uint32Array, n: number, fields: IndexedFields): boolean {
  const expected = new Uint32Array(WORDS);
  writeRecord(expected, new Float64Array(expected.buffer), 0, fields, { offset: 0, length: 0 });
  for (let i = 3; i < WORDS; i++) if (words[n * WORDS + i] !== expected[i]) return false;
  return true;
}
