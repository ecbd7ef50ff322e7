// Recovery when a ledger is opened: cut a torn last line (logged), then restore the chain state
// (next seq, prev leaf hash, Merkle frontier) from the last checkpoint's resume hints plus a replay
// of the receipts written after it. Hints that do not check out (resume-hints.ts) are logged and
// ignored: the state is then recomputed from the first receipt, and must reach the signed root of
// the last checkpoint. Anything else that does not fit refuses to open: fail closed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { openPayload, parseEnvelopeJson, leafHash, type Signer } from '../receipts/index.js';
import { type Checkpoint, parseCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { CHECKPOINTS_FILE, CheckpointRecordSchema, cutTornTail, listSegments, readLines, type CheckpointRecord, type Segment } from './files.js';
import { Frontier } from './merkle.js';
import { checkHints } from './resume-hints.js';

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

export async function recoverChain(dir: string, log: Logger, signer: Pick<Signer, 'keyId' | 'publicKey'>): Promise<ChainState> {
  const record = await lastCheckpoint(dir, log);
  const segments = listSegments(dir);
  const last = segments.at(-1);
  if (last) cutAndLog(last.path, log);
  const state: ChainState = { chainId: null, size: 0, prev: null, frontier: Frontier.empty(), lastCheckpointSize: 0, tail: null };
  let from = 0;
  let offset = 0;
  let signed: Checkpoint | undefined;
  if (record) {
    signed = parseCheckpoint(record.note).checkpoint;
    state.chainId = signed.origin.replace(/^toolgate\//, '');
    state.lastCheckpointSize = signed.size;
    const hints = checkHints(record, signed, state.chainId, segments, signer);
    if (hints.ok) {
      Object.assign(state, { size: signed.size, frontier: hints.frontier, prev: hints.prev });
      from = hints.segment;
      offset = record.offset;
    } else {
      log.warn(
        { file: join(dir, CHECKPOINTS_FILE), problem: hints.problem },
        "ledger recovery: the last checkpoint's resume hints do not match the ledger; the chain state is recomputed from the receipts",
      );
    }
  }
  for (const segment of segments.slice(from)) {
    let bytes = segment === segments[from] ? offset : 0;
    if (bytes === 0 && segment.start !== state.size) corrupt(segment.path, `starts at seq ${segment.start}, expected ${state.size}`);
    for await (const line of readLines(segment.path, bytes, state.size - segment.start + 1)) {
      addReceipt(state, `${segment.path}:${line.line}`, line.text);
      // Recomputed from the start: the receipts must still hash to the root the checkpoint signed.
      if (signed && state.size === signed.size && !state.frontier.root().equals(signed.root)) {
        corrupt(`${segment.path}:${line.line}`, `the receipts up to seq ${signed.size - 1} do not hash to the root of the last signed checkpoint`);
      }
      bytes = line.end;
    }
    state.tail = { segment, count: state.size - segment.start, bytes };
  }
  if (signed && state.size < signed.size) {
    corrupt(join(dir, CHECKPOINTS_FILE), `the last checkpoint covers ${signed.size} receipts but the ledger holds ${state.size}`);
  }
  return state;
}

/** Untrusted: one line of a segment. Appends its leaf to the chain state, or refuses the open. */
function addReceipt(state: ChainState, where: string, text: string): void {
  const { body, payload } = openReceipt(where, text);
  if (body.chain.seq !== state.size) corrupt(where, `seq ${body.chain.seq}, expected ${state.size}`);
  if (body.chain.prev !== (state.prev?.toString('hex') ?? null)) corrupt(where, `seq ${body.chain.seq}: prev does not link to the previous receipt`);
  state.chainId ??= body.chain.id;
  if (body.chain.id !== state.chainId) corrupt(where, `chain id ${body.chain.id}, expected ${state.chainId}`);
  const leaf = leafHash(payload);
  state.frontier.add(leaf);
  state.prev = leaf;
  state.size++;
}

function openReceipt(where: string, text: string): ReturnType<typeof openPayload> {
  try {
    return openPayload(parseEnvelopeJson(text));
  } catch (err) {
    return corrupt(where, (err as Error).message);
  }
}
