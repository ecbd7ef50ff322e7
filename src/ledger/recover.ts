// Recovery when a ledger is opened: cut a torn last line (logged), then restore the chain state
// (next seq, prev leaf hash, Merkle frontier) from the last checkpoint's resume hints plus a replay
// of the receipts written after it. Anything else that does not fit refuses to open: fail closed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openPayload, parseEnvelopeJson, leafHash } from '../receipts/index.js';
import { parseCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { CHECKPOINTS_FILE, CheckpointRecordSchema, cutTornTail, listSegments, readLines, type CheckpointRecord, type Segment } from './files.js';
import { Frontier } from './merkle.js';

export interface ChainState {
  chainId: string | null;
  size: number;
  prev: Buffer | null;
  frontier: Frontier;
  lastCheckpointSize: number;
  /** The segment appends continue in, with its receipt count and byte length. */
  tail: { segment: Segment; count: number; bytes: number } | null;
}

function corrupt(where: string, message: string): never {
  throw new LedgerError('ledger_corrupt', `${where}: ${message}; the ledger is not opened (run "toolgate ledger verify" for details)`);
}

function cutAndLog(path: string, log: Logger): void {
  const cut = cutTornTail(path);
  if (cut > 0) log.warn({ file: path, bytes: cut }, 'ledger recovery: cut a torn last line left by an interrupted write');
}

async function lastCheckpoint(dir: string, log: Logger): Promise<CheckpointRecord | null> {
  const path = join(dir, CHECKPOINTS_FILE);
  if (!existsSync(path)) return null;
  cutAndLog(path, log);
  let last: { text: string; line: number } | null = null;
  for await (const line of readLines(path)) last = line;
  if (!last) return null;
  try {
    return CheckpointRecordSchema.parse(JSON.parse(last.text));
  } catch (err) {
    return corrupt(`${path}:${last.line}`, `unreadable checkpoint record (${(err as Error).message})`);
  }
}

export async function recoverChain(dir: string, log: Logger): Promise<ChainState> {
  const record = await lastCheckpoint(dir, log);
  const segments = listSegments(dir);
  const last = segments.at(-1);
  if (last) cutAndLog(last.path, log);
  const state: ChainState = { chainId: null, size: 0, prev: null, frontier: Frontier.empty(), lastCheckpointSize: 0, tail: null };
  let from = 0;
  let offset = 0;
  if (record) {
    const { checkpoint } = parseCheckpoint(record.note);
    state.chainId = checkpoint.origin.replace(/^toolgate\//, '');
    state.size = checkpoint.size;
    state.lastCheckpointSize = checkpoint.size;
    try {
      state.frontier = Frontier.of(
        checkpoint.size,
        record.frontier.map((h) => Buffer.from(h, 'hex')),
      );
    } catch (err) {
      corrupt(join(dir, CHECKPOINTS_FILE), `last checkpoint: ${(err as Error).message}`);
    }
    state.prev = record.last_leaf === null ? null : Buffer.from(record.last_leaf, 'hex');
    from = segments.findIndex((s) => s.name === record.segment);
    if (from < 0) corrupt(join(dir, record.segment), 'the segment named by the last checkpoint is missing');
    offset = record.offset;
  }
  for (const segment of segments.slice(from)) {
    let bytes = segment === segments[from] ? offset : 0;
    if (bytes === 0 && segment.start !== state.size) corrupt(segment.path, `starts at seq ${segment.start}, expected ${state.size}`);
    for await (const line of readLines(segment.path, bytes, state.size - segment.start + 1)) {
      const where = `${segment.path}:${line.line}`;
      let body, payload;
      try {
        ({ body, payload } = openPayload(parseEnvelopeJson(line.text)));
      } catch (err) {
        return corrupt(where, (err as Error).message);
      }
      if (body.chain.seq !== state.size) corrupt(where, `seq ${body.chain.seq}, expected ${state.size}`);
      if (body.chain.prev !== (state.prev?.toString('hex') ?? null)) {
        corrupt(where, `seq ${body.chain.seq}: prev does not link to the previous receipt`);
      }
      state.chainId ??= body.chain.id;
      if (body.chain.id !== state.chainId) corrupt(where, `chain id ${body.chain.id}, expected ${state.chainId}`);
      const leaf = leafHash(payload);
      state.frontier.add(leaf);
      state.prev = leaf;
      state.size++;
      bytes = line.end;
    }
    state.tail = { segment, count: state.size - segment.start, bytes };
  }
  return state;
}
