// Reading a ledger for others (the admin console, the gate's retries, the CLI): stream receipts in
// order and follow new ones as they are written.
// Reading does not verify signatures; `verifyLedger` does.
import { setTimeout as sleep } from 'node:timers/promises';
import { leafHash, openPayload, parseEnvelopeJson, type Envelope, type ReceiptBody } from '../receipts/index.js';
import { LedgerError } from './errors.js';
import { listSegments, readLines } from './files.js';

export interface StoredReceipt {
  file: string;
  line: number;
  envelope: Envelope;
  body: ReceiptBody;
  leafHash: string;
}

function parseLine(file: string, line: number, text: string): StoredReceipt {
  try {
    const envelope = parseEnvelopeJson(text);
    const { body, payload } = openPayload(envelope);
    return { file, line, envelope, body, leafHash: leafHash(payload).toString('hex') };
  } catch (err) {
    throw new LedgerError('ledger_corrupt', `${file}:${line}: ${(err as Error).message}`, { cause: err });
  }
}

/** Every complete receipt line in order (a torn last line, still being written, is skipped). */
export async function* readReceipts(dir: string): AsyncGenerator<StoredReceipt> {
  for (const segment of listSegments(dir)) {
    for await (const { text, line, terminated } of readLines(segment.path)) {
      if (terminated) yield parseLine(segment.path, line, text);
    }
  }
}

/**
 * Follow the ledger: yield receipts written after the call (or from `fromSeq`), polling for growth
 * and new segments every `pollMs`, until `signal` aborts.
 */
export async function* tailReceipts(dir: string, options: { signal?: AbortSignal; pollMs?: number; fromSeq?: number } = {}): AsyncGenerator<StoredReceipt> {
  const position = { segment: -1, offset: 0, line: 1 };
  if (options.fromSeq === undefined) {
    const last = listSegments(dir).at(-1);
    if (last) {
      position.segment = last.start;
      for await (const l of readLines(last.path)) if (l.terminated) Object.assign(position, { offset: l.end, line: l.line + 1 });
    }
  }
  while (!options.signal?.aborted) {
    for (const segment of listSegments(dir).filter((s) => s.start >= position.segment)) {
      if (segment.start !== position.segment) Object.assign(position, { segment: segment.start, offset: 0, line: 1 });
      for await (const { text, line, end, terminated } of readLines(segment.path, position.offset, position.line)) {
        if (!terminated) break; // still being written: read it again next round
        Object.assign(position, { offset: end, line: line + 1 });
        const receipt = parseLine(segment.path, line, text);
        if (receipt.body.chain.seq >= (options.fromSeq ?? 0)) yield receipt;
      }
    }
    await sleep(options.pollMs ?? 250, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
