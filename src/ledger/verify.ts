// `ledger verify`: stream every segment and check every receipt (schema, canonical form, key validity,
// signature), contiguous seq, every prev link, one chain id, the key timeline (key-timeline.ts), every
// execution's permit (executions.ts), and every checkpoint's signature, signing key and Merkle root. Memory stays bounded (a few blocks of
// lines and their packed results, the frontier, the checkpoint list, 25 bytes per permit not executed
// yet); the first problem is reported with file, line, seq and what is wrong.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Keyring } from '../receipts/index.js';
import { verifyCheckpoint, originOf, type VerifiedCheckpoint } from './checkpoint.js';
import { CHECKPOINTS_FILE, CheckpointRecordSchema, listSegments, readLineBlocks, readLines } from './files.js';
import { Executions } from './executions.js';
import { KeyTimeline } from './key-timeline.js';
import { Frontier } from './merkle.js';
import { lineChecker } from './verify-pool.js';
import { LineCursor, type PackedResults } from './verify-results.js';

export interface LedgerProblem {
  file: string;
  line?: number;
  seq?: number;
  code: string;
  message: string;
}

export interface LedgerReport {
  ok: boolean;
  receipts: number;
  checkpoints: number;
  chainId: string | null;
  problem?: LedgerProblem;
}

export function formatProblem(p: LedgerProblem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}${p.seq !== undefined ? ` (seq ${p.seq})` : ''}: ${p.code}: ${p.message}`;
}

class Stop extends Error {
  constructor(readonly problem: LedgerProblem) {
    super(problem.message);
  }
}

function stop(problem: LedgerProblem): never {
  throw new Stop(problem);
}

interface LoadedCheckpoint extends VerifiedCheckpoint {
  line: number;
}

async function loadCheckpoints(dir: string, keyring: Keyring): Promise<LoadedCheckpoint[]> {
  const file = join(dir, CHECKPOINTS_FILE);
  if (!existsSync(file)) return [];
  const out: LoadedCheckpoint[] = [];
  for await (const { text, line, terminated } of readLines(file)) {
    if (!terminated) stop({ file, line, code: 'torn_line', message: 'unterminated last line (an interrupted write; the writer cuts it when it reopens)' });
    try {
      const record = CheckpointRecordSchema.parse(JSON.parse(text));
      const cp = verifyCheckpoint(record.note, keyring);
      const last = out.at(-1);
      if (last && (cp.size < last.size || cp.origin !== last.origin)) throw new Error(`size ${cp.size} or origin differs from the previous checkpoint`);
      out.push({ ...cp, line });
    } catch (err) {
      stop({ file, line, code: 'checkpoint_invalid', message: (err as Error).message });
    }
  }
  return out;
}

export interface VerifyOptions {
  /** Worker threads for the per-line checks (verify-line.ts; default: the cores, at most 4; below 2, this thread checks). */
  threads?: number;
}

export async function verifyLedger(dir: string, keyring: Keyring, options: VerifyOptions = {}): Promise<LedgerReport> {
  const report: LedgerReport = { ok: false, receipts: 0, checkpoints: 0, chainId: null };
  try {
    const checkpoints = await loadCheckpoints(dir, keyring);
    report.checkpoints = checkpoints.length;
    const frontier = Frontier.empty();
    const timeline = new KeyTimeline(keyring);
    const executions = new Executions();
    let prev: Buffer | null = null; // the leaf hash of the last receipt taken
    let next = 0; // index of the next checkpoint to match
    const matchCheckpoints = () => {
      for (; next < checkpoints.length && checkpoints[next]!.size === frontier.size; next++) {
        const cp = checkpoints[next]!;
        const where = { file: join(dir, CHECKPOINTS_FILE), line: cp.line };
        if (report.chainId !== null && cp.origin !== originOf(report.chainId))
          stop({ ...where, code: 'checkpoint_origin', message: `origin ${cp.origin} is not ${originOf(report.chainId)}` });
        if (!cp.root.equals(frontier.root()))
          stop({ ...where, code: 'checkpoint_root', message: `Merkle root over receipts 0..${cp.size - 1} does not match the signed checkpoint` });
        const wrongKey = timeline.checkpoint(cp.keyId);
        if (wrongKey) stop({ ...where, ...wrongKey });
      }
    };
    matchCheckpoints();
    const checker = lineChecker(keyring, options.threads);
    try {
      for (const segment of listSegments(dir)) {
        if (segment.start !== report.receipts)
          stop({ file: segment.path, code: 'segment_gap', message: `segment starts at seq ${segment.start}, expected ${report.receipts}` });
        let line = 0; // the last line whose result was taken
        const at = () => ({ file: segment.path, line, seq: report.receipts });
        const take = (blocks: PackedResults[]) => {
          for (const block of blocks) {
            for (const result = new LineCursor(block); result.next(); ) {
              line++;
              const problem = result.problem;
              if (problem) stop({ ...at(), ...problem });
              if (result.seq !== report.receipts)
                stop({
                  ...at(),
                  code: 'seq',
                  message: `seq ${result.seq} found where seq ${report.receipts} belongs (a receipt was deleted, inserted or moved)`,
                });
              if (!result.prevIs(prev))
                stop({ ...at(), code: 'prev', message: `chain.prev does not equal the leaf hash of receipt seq ${report.receipts - 1}` });
              const wrongKey = timeline.receipt(result);
              if (wrongKey) stop({ ...at(), ...wrongKey });
              report.chainId ??= result.chainId;
              if (result.chainId !== report.chainId) stop({ ...at(), code: 'chain_id', message: `chain id ${result.chainId}, expected ${report.chainId}` });
              prev = result.leaf();
              frontier.add(prev);
              const unpermitted = executions.take(result);
              if (unpermitted) stop({ ...at(), code: 'no_permit', message: unpermitted });
              report.receipts++;
              matchCheckpoints();
            }
          }
        };
        for await (const { bytes, terminated } of readLineBlocks(segment.path)) {
          if (!terminated) {
            take(await checker.drain(true));
            stop({
              file: segment.path,
              line: line + 1,
              seq: report.receipts,
              code: 'torn_line',
              message: 'unterminated last line (an interrupted write; the writer cuts it when it reopens)',
            });
          }
          checker.push(bytes);
          take(await checker.drain(false));
        }
        take(await checker.drain(true));
      }
    } finally {
      await checker.close();
    }
    const beyond = checkpoints[next];
    if (beyond) {
      stop({
        file: join(dir, CHECKPOINTS_FILE),
        line: beyond.line,
        code: 'checkpoint_size',
        message: `signed checkpoint covers ${beyond.size} receipts but the ledger holds ${report.receipts} (receipts were removed from the end)`,
      });
    }
    report.ok = true;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    report.problem = err.problem;
  }
  return report;
}
