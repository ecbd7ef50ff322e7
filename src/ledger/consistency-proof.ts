// Consistency proofs between two signed checkpoints of one ledger: built from the receipts on disk
// (from the older checkpoint's stored frontier when the ledger holds it, else from every leaf), kept
// as a self-contained JSON document, and checked offline against a keyring. This is what tells an
// auditor that a checkpoint kept last month is a prefix of today's ledger (no receipt removed or
// rewritten since), and what the gateway sends its witnesses.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { leafHash, openPayload, parseEnvelopeJson, type Keyring } from '../receipts/index.js';
import { parseCheckpoint, verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { consistencyPath, frontierRangeHash, leavesRangeHash, verifyConsistency } from './consistency.js';
import { LedgerError } from './errors.js';
import { CHECKPOINTS_FILE, CheckpointRecordSchema, listSegments, readLines, type CheckpointRecord } from './files.js';
import { EMPTY_ROOT, Frontier } from './merkle.js';

export const CONSISTENCY_PROOF_VERSION = 'toolgate.consistency-proof/v1';

export const ConsistencyProofSchema = z.strictObject({
  version: z.literal(CONSISTENCY_PROOF_VERSION),
  /** Signed notes, exactly as stored; the old one's size is at most the new one's. */
  old_checkpoint: z.string().max(10_000),
  new_checkpoint: z.string().max(10_000),
  /** Hex subtree hashes, RFC 9162 PROOF(old size, D[new size]). */
  proof: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64),
});
export type ConsistencyProof = z.infer<typeof ConsistencyProofSchema>;

/** Every checkpoint record of the ledger, oldest first. */
export async function checkpointRecords(dir: string): Promise<CheckpointRecord[]> {
  const file = join(dir, CHECKPOINTS_FILE);
  const out: CheckpointRecord[] = [];
  if (existsSync(file)) for await (const { text, terminated } of readLines(file)) if (terminated) out.push(CheckpointRecordSchema.parse(JSON.parse(text)));
  return out;
}

/** Leaf hashes of receipts [from, to), read from `start` (a line start holding seq `from`) on; packed 32 bytes each. */
async function leafHashes(dir: string, from: number, to: number, start: { segment: string; offset: number } | null): Promise<Buffer> {
  const leaves = Buffer.alloc((to - from) * 32);
  let seq = from;
  const segments = listSegments(dir);
  const first = start ? segments.findIndex((s) => s.name === start.segment) : 0;
  for (const [i, segment] of segments.slice(first).entries()) {
    if (seq === to) break;
    for await (const { text, terminated } of readLines(segment.path, i === 0 && start ? start.offset : 0)) {
      if (seq === to || !terminated) break;
      const { body, payload } = openPayload(parseEnvelopeJson(text));
      if (body.chain.seq !== seq) throw new LedgerError('ledger_corrupt', `${segment.path}: seq ${body.chain.seq} where seq ${seq} belongs`);
      leafHash(payload).copy(leaves, (seq - from) * 32);
      seq++;
    }
  }
  if (seq < to) throw new LedgerError('ledger_corrupt', `the ledger holds ${seq} receipts, fewer than the ${to} a checkpoint covers`);
  return leaves;
}

/** The stored frontier of the checkpoint of size m, when the ledger has one whose frontier hashes to its signed root. */
function frontierAt(records: readonly CheckpointRecord[], m: number): { frontier: Frontier; record: CheckpointRecord } | null {
  for (const record of records) {
    const { checkpoint } = parseCheckpoint(record.note);
    if (checkpoint.size !== m) continue;
    try {
      const frontier = Frontier.of(
        m,
        record.frontier.map((h) => Buffer.from(h, 'hex')),
      );
      if (frontier.root().equals(checkpoint.root)) return { frontier, record };
    } catch {
      // a bad hint: read from the first receipt instead
    }
  }
  return null;
}

/** RFC 9162 PROOF(m, D[n]) over this ledger's receipts; empty for m = 0 or m = n. */
export async function consistencyPathOf(dir: string, m: number, n: number, records?: readonly CheckpointRecord[]): Promise<Buffer[]> {
  if (m === 0 || m === n) return [];
  if (m > n) throw new LedgerError('proof_invalid', `no consistency proof from size ${m} back to size ${n}`);
  const old = frontierAt(records ?? (await checkpointRecords(dir)), m);
  if (old && listSegments(dir).some((s) => s.name === old.record.segment)) {
    return consistencyPath(m, n, frontierRangeHash(old.frontier, await leafHashes(dir, m, n, old.record)));
  }
  return consistencyPath(m, n, leavesRangeHash(await leafHashes(dir, 0, n, null)));
}

/** The Merkle root over the ledger's first `size` receipts, read from disk. */
export async function ledgerRootAt(dir: string, size: number): Promise<Buffer> {
  return size === 0 ? EMPTY_ROOT : leavesRangeHash(await leafHashes(dir, 0, size, null))(0, size);
}

/** A proof document that `oldNote` is a prefix of `newNote`, built from the ledger in `dir` (not checked here). */
export async function proveConsistency(dir: string, oldNote: string, newNote: string): Promise<ConsistencyProof> {
  const m = parseCheckpoint(oldNote).checkpoint.size;
  const n = parseCheckpoint(newNote).checkpoint.size;
  if (m > n) {
    throw new LedgerError('proof_invalid', `the old checkpoint covers ${m} receipts, more than the ${n} of the new one: receipts were removed from the end`);
  }
  const proof = await consistencyPathOf(dir, m, n);
  return { version: CONSISTENCY_PROOF_VERSION, old_checkpoint: oldNote, new_checkpoint: newNote, proof: proof.map((h) => h.toString('hex')) };
}

/** Untrusted input: check a consistency proof document offline against a keyring. */
export function verifyConsistencyProof(value: unknown, keyring: Keyring): { old: VerifiedCheckpoint; new: VerifiedCheckpoint } {
  const parsed = ConsistencyProofSchema.safeParse(value);
  const fail = (message: string): never => {
    throw new LedgerError('proof_invalid', `consistency proof: ${message}`);
  };
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail(`${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message}`);
  }
  const doc = parsed.data;
  const older = verifyCheckpoint(doc.old_checkpoint, keyring);
  const newer = verifyCheckpoint(doc.new_checkpoint, keyring);
  if (older.origin !== newer.origin) fail(`the checkpoints are of two logs (${older.origin}, ${newer.origin})`);
  if (older.size > newer.size) fail(`the old checkpoint covers ${older.size} receipts, more than the ${newer.size} of the new one: receipts were removed`);
  const path = doc.proof.map((h) => Buffer.from(h, 'hex'));
  const consistent = older.size === 0 ? path.length === 0 : verifyConsistency(older.size, newer.size, path, older.root, newer.root);
  if (!consistent) fail(`the tree of ${older.size} receipts is not a prefix of the tree of ${newer.size}: history was rewritten or cut`);
  return { old: older, new: newer };
}

export interface LedgerConsistency {
  proof: ConsistencyProof;
  old: VerifiedCheckpoint;
  new: VerifiedCheckpoint;
}

/**
 * Is `old` (a checkpoint an auditor kept, or the ledger's checkpoint of size `from`) a prefix of the
 * ledger's checkpoint of size `to` (default: its latest)? Builds the proof from today's receipts and
 * checks it; a removed or rewritten receipt makes it fail with what happened.
 */
export async function checkLedgerConsistency(
  dir: string,
  keyring: Keyring,
  pick: { oldNote?: string; from?: number; to?: number },
): Promise<LedgerConsistency> {
  const records = await checkpointRecords(dir);
  const notes = records.map((r) => r.note);
  const bySize = (size: number, what: string): string => {
    const note = notes.find((n) => parseCheckpoint(n).checkpoint.size === size);
    if (!note) throw new LedgerError('not_found', `the ledger has no checkpoint of size ${size} (${what})`);
    return note;
  };
  const newNote = pick.to === undefined ? notes.at(-1) : bySize(pick.to, '--to');
  if (!newNote) throw new LedgerError('no_checkpoint', `${dir} has no checkpoint yet (one is written every N receipts, every T, and at shutdown)`);
  const oldNote = pick.oldNote ?? bySize(pick.from ?? 0, '--from');
  const older = verifyCheckpoint(oldNote, keyring);
  const newer = verifyCheckpoint(newNote, keyring);
  if (older.origin !== newer.origin) throw new LedgerError('proof_invalid', `the old checkpoint is of log ${older.origin}, the ledger is ${newer.origin}`);
  if (older.size > newer.size) {
    throw new LedgerError(
      'proof_invalid',
      `the old checkpoint covers ${older.size} receipts but the ledger's checkpoint only ${newer.size}: receipts were removed from the end`,
    );
  }
  const proof = await proveConsistency(dir, oldNote, newNote);
  return { proof, ...verifyConsistencyProof(proof, keyring) };
}
