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

export interface LineBlock {
  /**
   * Whole lines, each ending in "\n"; or, when not `terminated`, the file's unterminated last line.
   * A view into the reader's buffer, valid until the next block is asked for: copy what is kept.
   */
  bytes: Buffer;
  terminated: boolean;
}

/**
 * Stream a file from `offset` (a line start) as blocks of whole lines, read into one buffer that is
 * reused (it grows only for a line longer than itself): memory stays bounded by the longest line.
 */
export async function* readLineBlocks(path: string, offset = 0): AsyncGenerator<LineBlock> {
  const handle = await open(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK);
    let carried = 0; // bytes of a line begun in the last read, moved to the buffer's start
    let position = offset;
    for (;;) {
      if (carried === buffer.length) buffer = Buffer.concat([buffer], buffer.length * 2);
      const { bytesRead } = await handle.read(buffer, carried, buffer.length - carried, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const filled = carried + bytesRead;
      const end = buffer.subarray(0, filled).lastIndexOf(10) + 1;
      if (end > 0) yield { bytes: buffer.subarray(0, end), terminated: true };
      carried = buffer.copy(buffer, 0, end, filled);
    }
    if (carried) yield { bytes: buffer.subarray(0, carried), terminated: false };
  } finally {
    await handle.close();
  }
}

/** The lines of a block of whole lines (LineBlock): each line's text without its "\n", and the offset just past it. */
export function* linesOf(bytes: Uint8Array): Generator<{ text: string; end: number }> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let start = 0, nl = buffer.indexOf(10); nl >= 0; start = nl + 1, nl = buffer.indexOf(10, start)) {
    yield { text: buffer.toString('utf8', start, nl), end: nl + 1 };
  }
}

/** The number of lines of a block of whole lines (LineBlock). */
export function countLines(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let count = 0;
  for (let nl = buffer.indexOf(10); nl >= 0; nl = buffer.indexOf(10, nl + 1)) count++;
  return count;
}

/** Stream a file's lines from `offset` (a line start); memory stays bounded by the longest line. */
export async function* readLines(path: string, offset = 0, firstLine = 1): AsyncGenerator<Line> {
  let line = firstLine;
  let blockStart = offset;
  for await (const { bytes, terminated } of readLineBlocks(path, offset)) {
    if (!terminated) {
      yield { text: bytes.toString('utf8'), line, end: blockStart + bytes.length, terminated: false };
      return;
    }
    for (const { text, end } of linesOf(bytes)) yield { text, line: line++, end: blockStart + end, terminated: true };
    blockStart += bytes.length;
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
