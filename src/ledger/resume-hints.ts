// The resume hints of a checkpoint record (segment, offset, frontier, last_leaf) are not signed: a
// wrong one would make the next receipts link to a leaf that does not exist, or later checkpoints
// sign a root that is not the ledger's. Before the writer resumes from them they are checked
// against what is signed and what is on disk, at a cost that does not grow with the ledger: the
// note's signature by the opening key, the frontier against the signed root, and the receipt just
// before the offset against last_leaf.
import { closeSync, openSync, readSync } from 'node:fs';
import { Keyring, KEYRING_VERSION, leafHash, openPayload, parseEnvelopeJson, type Signer } from '../receipts/index.js';
import { type Checkpoint, verifyCheckpoint } from './checkpoint.js';
import type { CheckpointRecord, Segment } from './files.js';
import { Frontier } from './merkle.js';

/** A receipt line is far smaller; a longer "line" means the offset does not point past a receipt. */
const MAX_LINE_BYTES = 1 << 20;

export type HintCheck = { ok: true; frontier: Frontier; prev: Buffer | null; segment: number } | { ok: false; problem: string };

/** Checks the hints of the last checkpoint record; `checkpoint` is its parsed note. */
export function checkHints(
  record: CheckpointRecord,
  checkpoint: Checkpoint,
  chainId: string,
  segments: readonly Segment[],
  signer: Pick<Signer, 'keyId' | 'publicKey'>,
): HintCheck {
  try {
    verifyCheckpoint(record.note, keyringOf(signer));
  } catch (err) {
    return { ok: false, problem: `the note is not verified by the opening key ${signer.keyId} (${(err as Error).message})` };
  }
  let frontier: Frontier;
  try {
    frontier = Frontier.of(
      checkpoint.size,
      record.frontier.map((h) => Buffer.from(h, 'hex')),
    );
  } catch (err) {
    return { ok: false, problem: `frontier: ${(err as Error).message}` };
  }
  if (!frontier.root().equals(checkpoint.root)) return { ok: false, problem: 'the frontier does not hash to the signed root' };
  const segment = segments.findIndex((s) => s.name === record.segment);
  if (segment < 0) return { ok: false, problem: `segment ${record.segment} does not exist` };
  const last = lastLeafBefore(segments[segment]!, record.offset, chainId, checkpoint.size);
  if (typeof last === 'string') return { ok: false, problem: last };
  if ((last?.toString('hex') ?? null) !== record.last_leaf) return { ok: false, problem: 'last_leaf is not the leaf hash of the receipt before the offset' };
  return { ok: true, frontier, prev: last, segment };
}

/** A keyring of the opening key alone: the checkpoint it signed last is the one it resumes from. */
function keyringOf(signer: Pick<Signer, 'keyId' | 'publicKey'>): Keyring {
  const entry = {
    key_id: signer.keyId,
    algorithm: 'ed25519' as const,
    public_key: Buffer.from(signer.publicKey).toString('base64'),
    not_before: '1970-01-01T00:00:00.000Z',
    not_after: null,
  };
  return new Keyring({ version: KEYRING_VERSION, keys: [entry] });
}

/** The leaf hash of the receipt that ends at `offset` (seq size-1 of this chain), null for an empty tree, or the problem. */
function lastLeafBefore(segment: Segment, offset: number, chainId: string, size: number): Buffer | null | string {
  if (size === 0) return offset === 0 ? null : 'an empty tree resumes at offset 0';
  if (size <= segment.start) return `segment ${segment.name} starts after the receipts the checkpoint covers`;
  const line = lineEndingAt(segment.path, offset);
  if (line === undefined) return `no receipt ends at offset ${offset} of ${segment.name}`;
  try {
    const { body, payload } = openPayload(parseEnvelopeJson(line));
    if (body.chain.seq !== size - 1 || body.chain.id !== chainId) return `the receipt before offset ${offset} is not seq ${size - 1} of chain ${chainId}`;
    return leafHash(payload);
  } catch (err) {
    return `the line before offset ${offset} is not a receipt (${(err as Error).message})`;
  }
}

/** Untrusted offset: the text of the line whose "\n" is the byte just before `offset`, if there is one. */
function lineEndingAt(path: string, offset: number): string | undefined {
  if (offset < 1) return undefined;
  const fd = openSync(path, 'r');
  try {
    const length = Math.min(offset, MAX_LINE_BYTES + 1);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset - length);
    if (read !== length || buffer[length - 1] !== 10) return undefined;
    const start = buffer.lastIndexOf(10, length - 2) + 1;
    if (start === 0 && length < offset) return undefined; // longer than any receipt
    return buffer.toString('utf8', start, length - 1);
  } finally {
    closeSync(fd);
  }
}
