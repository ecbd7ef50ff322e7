// cosignatures.jsonl beside checkpoints.jsonl in the ledger folder: one line per cosignature a
// witness returned, holding the whole checkpoint note with that witness's line appended, so each
// line verifies on its own (even when the checkpoint line it cosigned was later removed: that is how
// a cut-back ledger is caught offline). Appended durably; a failure is logged, never fatal.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseCheckpoint } from '../ledger/index.js';

export const COSIGNATURES_FILE = 'cosignatures.jsonl';

const CosignedRecordSchema = z.strictObject({
  /** The checkpoint as the log signed it, with one or more witness cosignature lines after the log's. */
  note: z.string().max(20_000),
});

export interface CosignedNote {
  note: string;
  size: number;
  /** The note text the signatures are over. */
  text: string;
  signatures: string[];
}

/** Durably append a cosigned note (the caller logs a failure; the checkpoint stays uncosigned on disk). */
export function appendCosigned(dir: string, note: string): void {
  appendFileSync(join(dir, COSIGNATURES_FILE), `${JSON.stringify({ note })}\n`, { mode: 0o600, flush: true });
}

/** Untrusted input (a file an attacker may have edited): every well-formed record, in order. */
export function readCosigned(dir: string): CosignedNote[] {
  const file = join(dir, COSIGNATURES_FILE);
  if (!existsSync(file)) return [];
  const out: CosignedNote[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (const [index, text] of lines.entries()) {
    if (index === lines.length - 1 && text === '') break;
    const line = index + 1;
    try {
      const { note } = CosignedRecordSchema.parse(JSON.parse(text));
      const parsed = parseCheckpoint(note);
      out.push({ note, size: parsed.checkpoint.size, text: parsed.text, signatures: parsed.signatures });
    } catch (err) {
      throw new Error(`${file}:${line}: ${(err as Error).message}`);
    }
  }
  return out;
}
