// Inclusion proofs: a self-contained JSON document (the receipt's envelope, its leaf index, the
// RFC 6962 audit path and the signed checkpoint it is proven against) that anyone holding the keyring
// can check offline with `verifyProof`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EnvelopeSchema, verifyReceipt, type Keyring, type VerifiedReceipt } from '../receipts/index.js';
import { originOf, parseCheckpoint, verifyCheckpoint, type VerifiedCheckpoint } from './checkpoint.js';
import { LedgerError } from './errors.js';
import { CHECKPOINTS_FILE, CheckpointRecordSchema, readLines } from './files.js';
import { auditPath, verifyInclusion } from './merkle.js';
import { readReceipts } from './reader.js';

export const PROOF_VERSION = 'toolgate.inclusion-proof/v1';

export const InclusionProofSchema = z.strictObject({
  version: z.literal(PROOF_VERSION),
  receipt: EnvelopeSchema,
  leaf_index: z.number().int().min(0),
  tree_size: z.number().int().min(1),
  /** Hex sibling hashes from the leaf up to the root. */
  audit_path: z.array(z.string().regex(/^[0-9a-f]{64}$/)).max(64),
  /** The signed note, exactly as stored. */
  checkpoint: z.string().max(10_000),
});
export type InclusionProof = z.infer<typeof InclusionProofSchema>;

async function latestCheckpointNote(dir: string): Promise<string | undefined> {
  const file = join(dir, CHECKPOINTS_FILE);
  let note: string | undefined;
  if (existsSync(file)) for await (const { text, terminated } of readLines(file)) if (terminated) note = CheckpointRecordSchema.parse(JSON.parse(text)).note;
  return note;
}

/** Prove that receipt `receiptId` is in the ledger, against the latest checkpoint. */
export async function prove(dir: string, receiptId: string): Promise<InclusionProof> {
  const note = await latestCheckpointNote(dir);
  // No checkpoint yet covers no receipt: every receipt is newer than it.
  const size = note ? parseCheckpoint(note).checkpoint.size : 0;
  const leaves = Buffer.alloc(size * 32);
  let found: { index: number; envelope: InclusionProof['receipt'] } | undefined;
  let count = 0;
  let newer: number | undefined;
  for await (const r of readReceipts(dir)) {
    if (count >= size) {
      // Past the checkpoint: only to tell "newer than the checkpoint" from "not in the ledger".
      if (found) break;
      if (r.body.id === receiptId) {
        newer = r.body.chain.seq;
        break;
      }
      continue;
    }
    Buffer.from(r.leafHash, 'hex').copy(leaves, count * 32);
    if (r.body.id === receiptId) found = { index: count, envelope: r.envelope };
    count++;
  }
  if (count < size) throw new LedgerError('ledger_corrupt', `the latest checkpoint covers ${size} receipts but the ledger holds ${count}`);
  if (newer !== undefined) {
    throw new LedgerError(
      'not_checkpointed',
      `receipt ${receiptId} (seq ${newer}) is newer than the latest checkpoint, ${note ? `which covers ${size} receipts` : 'of which there is none yet'}: a checkpoint is written every ledger.checkpoint_every receipts, every ledger.checkpoint_interval and at shutdown`,
    );
  }
  if (!found) throw new LedgerError('not_found', `no receipt ${receiptId} in the ledger`);
  return {
    version: PROOF_VERSION,
    receipt: found.envelope,
    leaf_index: found.index,
    tree_size: size,
    audit_path: auditPath(leaves, found.index, 0, size).map((h) => h.toString('hex')),
    checkpoint: note!, // a receipt was found below the checkpoint's size, so there is one
  };
}

export interface VerifiedProof {
  receipt: VerifiedReceipt;
  checkpoint: VerifiedCheckpoint;
}

/** Untrusted input: check a proof offline against a keyring (strict RFC 8032 throughout). */
export function verifyProof(value: unknown, keyring: Keyring): VerifiedProof {
  const parsed = InclusionProofSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LedgerError('proof_invalid', `proof: ${issue?.path.map(String).join('.') || '(top level)'}: ${issue?.message}`);
  }
  const proof = parsed.data;
  const receipt = verifyReceipt(proof.receipt, keyring);
  const checkpoint = verifyCheckpoint(proof.checkpoint, keyring);
  const fail = (message: string): never => {
    throw new LedgerError('proof_invalid', `proof: ${message}`);
  };
  if (receipt.body.chain.seq !== proof.leaf_index) fail(`leaf_index ${proof.leaf_index} differs from the receipt's seq ${receipt.body.chain.seq}`);
  if (checkpoint.size !== proof.tree_size) fail(`tree_size ${proof.tree_size} differs from the checkpoint's size ${checkpoint.size}`);
  if (checkpoint.origin !== originOf(receipt.body.chain.id)) fail(`checkpoint origin ${checkpoint.origin} is not the receipt's chain`);
  const path = proof.audit_path.map((h) => Buffer.from(h, 'hex'));
  if (!verifyInclusion(receipt.leafHash, proof.leaf_index, proof.tree_size, path, checkpoint.root)) {
    fail('the audit path does not lead from the receipt to the checkpoint root');
  }
  return { receipt, checkpoint };
}
