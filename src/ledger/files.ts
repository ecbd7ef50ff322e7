// The ledger directory on disk: segment files "receipts-<first seq, 12 digits>.jsonl" holding one DSSE
// envelope per line, "checkpoints.jsonl" with one checkpoint record per line, and a streaming line
// reader that also reports an unterminated (torn) last line.
import { closeSync, fstatSync, ftruncateSync, fsyncSync, openSync, readdirSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
const SEGMENT = /^receipts-(\d{12})\.jsonl$/;

export interface Segment {
  name: string;
  path: string;
  /** seq of the segment's first receipt, from its name. */
  start: number;
}

export function segmentName(start: number): string {
  return `receipts-${String(start).padStart(12, '0')}.jsonl`;
}

export function listSegments(dir: string): Segment[] {
  return readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], path: join(dir, m[0]), start: Number(m[1]) }))
    .sort((a, b) => a.start - b.start);
}

/** One line of a checkpoints file. Only `note` is signed; the rest are hints for resuming the writer. */
export const CheckpointRecordSchema = z.strictObject({
  note: z.string().max(10_000),
  /** The segment and byte offset just past the last receipt the checkpoint covers. */
  segment: z.string(),
  offset: z.number().int().min(0),
  /** Hex roots of the perfect subtrees covering the tree (the Merkle frontier). */
  frontier: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64),
  /** Leaf hash of the last receipt covered: the next receipt's `chain.prev`. */
  last_leaf: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
});
export type CheckpointRecord = z.infer<typeof CheckpointRecordSchema>;

export interface Line {
  text: string;
  /** 1-based line number within the file. */
  line: number;
  /** Byte offset just past the line's newline. */
  end: number;
  /** false for a last line without "\n": a write that did not finish. */
  terminated: boolean;
}

const CHUNK = 1 << 18;

/** Stream a file's lines from `offset` (a line start); memory stays bounded by the longest line. */
export async function* readLines(path: string, offset = 0, firstLine = 1): AsyncGenerator<Line> {
  const handle = await open(path, 'r');
  try {
    let carry = Buffer.alloc(0);
    let position = offset;
    let line = firstLine;
    let consumed = offset;
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const data = carry.length ? Buffer.concat([carry, buffer.subarray(0, bytesRead)]) : buffer.subarray(0, bytesRead);
      let start = 0;
      for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
        consumed += nl - start + 1;
        yield { text: data.toString('utf8', start, nl), line: line++, end: consumed, terminated: true };
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length) yield { text: carry.toString('utf8'), line, end: consumed + carry.length, terminated: false };
  } finally {
    await handle.close();
  }
}

/** Cut an unterminated last line (a write torn by a crash); returns the number of bytes cut. */
export function cutTornTail(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    let end = size;
    const chunk = Buffer.allocUnsafe(64 * 1024);
    while (end > 0) {
      const length = Math.min(chunk.length, end);
      readSync(fd, chunk, 0, length, end - length);
      const nl = chunk.subarray(0, length).lastIndexOf(10);
      if (nl >= 0) {
        end = end - length + nl + 1;
        break;
      }
      end -= length;
    }
    if (end === size) return 0;
    ftruncateSync(fd, end);
    fsyncSync(fd);
    return size - end;
  } finally {
    closeSync(fd);
  }
}
