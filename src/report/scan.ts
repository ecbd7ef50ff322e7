// A fast streaming read of the ledger's receipts for summaries. It neither verifies signatures nor
// re-canonicalises (that is `toolgate ledger verify`): it only needs each receipt's body, and a
// million of them must be read in seconds. Segment files are "receipts-<12-digit seq>.jsonl".
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GOVERNED_METHODS } from '../core/index.js';
import { ReportError } from './errors.js';

const SEGMENT = /^receipts-\d{12}\.jsonl$/;

// Untrusted: a ledger file. Only the fields a report reads are checked; the rest is ignored.
const name = z.string().min(1);
export const ScannedReceiptSchema = z.object({
  id: name,
  event: name,
  ts: z.string(),
  call: z
    .object({
      id: name,
      session: z.string(),
      rpc_id: z.union([z.string(), z.number(), z.null()]),
      method: z.enum(GOVERNED_METHODS).optional(),
      server: name,
      tool: name,
      uri: z.string().optional(),
      tool_sha256: z.string().nullable(),
      args_sha256: z.string(),
      effective_args_sha256: z.string().optional(),
    })
    .optional(),
  principal: z.object({ id: name, groups: z.array(z.string()).optional() }).optional(),
  policy: z.object({ bundle_sha256: z.string(), rules: z.array(z.string()), effect: z.string(), reason: z.string() }).optional(),
  approval: z
    .object({ id: name, vote: z.object({ reviewer: name, groups: z.array(z.string()), verdict: z.enum(['approve', 'reject']) }).optional() })
    .optional(),
  break_glass: z.object({ id: name, opened_by: name, reason: z.string(), expires_at: z.string().optional(), note: z.string().optional() }).optional(),
  constraints: z
    .object({
      set: z.array(z.string()).optional(),
      timeout_ms: z.number().optional(),
      limits: z.array(z.object({ name, used: z.number(), max: z.number() })).optional(),
    })
    .optional(),
  shadow: z.object({ bundle_sha256: z.string(), effect: z.string(), rules: z.array(z.string()) }).optional(),
  policy_change: z
    .object({
      previous_bundle_sha256: z.string().nullable(),
      bundle_sha256: z.string(),
      files: z.array(z.object({ name: z.string(), sha256: z.string() })),
      signed_by: z.array(z.object({ key_id: z.string(), name: z.string() })),
    })
    .optional(),
});

export type ScannedReceipt = z.infer<typeof ScannedReceiptSchema> & { tsMs: number };

export function segmentFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ReportError('ledger_unreadable', `cannot read ledger directory ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return names
    .filter((n) => SEGMENT.test(n))
    .sort()
    .map((n) => join(dir, n));
}

/**
 * Calls `visit` with every complete receipt of every segment, in ledger order (a torn last line,
 * still being written, is skipped). A callback rather than an async iterator: a million awaits
 * would cost more than the parsing.
 */
export async function scanReceipts(dir: string, visit: (receipt: ScannedReceipt) => void): Promise<void> {
  for (const file of segmentFiles(dir)) {
    let carry = '';
    let line = 0;
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const text = carry + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        line++;
        visit(parseLine(file, line, text.slice(start, nl)));
        start = nl + 1;
      }
      carry = text.slice(start);
    }
  }
}

// Base64 never needs JSON escapes, so the payload can be cut out of the line without parsing the
// whole envelope (a third of the cost); anything unusual goes the long way.
const PAYLOAD_KEY = '"payload":"';

function payloadOf(line: string): string {
  const start = line.indexOf(PAYLOAD_KEY);
  const end = start < 0 ? -1 : line.indexOf('"', start + PAYLOAD_KEY.length);
  if (end > 0) return line.slice(start + PAYLOAD_KEY.length, end);
  const envelope = JSON.parse(line) as { payload?: unknown };
  if (typeof envelope.payload !== 'string') throw new Error('no payload');
  return envelope.payload;
}

function parseLine(file: string, line: number, text: string): ScannedReceipt {
  try {
    // The schema's output is a fresh object: stamping it saves a copy per receipt.
    const body = ScannedReceiptSchema.parse(JSON.parse(Buffer.from(payloadOf(text), 'base64').toString('utf8'))) as ScannedReceipt;
    body.tsMs = Date.parse(body.ts);
    if (Number.isNaN(body.tsMs)) throw new Error(`bad ts ${JSON.stringify(body.ts)}`);
    return body;
  } catch (err) {
    throw new ReportError('ledger_corrupt', `${file}:${line}: not a readable receipt: ${(err as Error).message}`, { cause: err });
  }
}
