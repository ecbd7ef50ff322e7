// One group commit on its way to disk: drafts sealed in call order against the chain head (id, ts,
// seq, prev and leaf hash depend only on the bodies, not on signatures, so the next batch can be
// sealed before this one is signed or durable), then signed into the lines to write. A small batch
// is signed inline when the writer is idle (a thread round trip would only add latency); otherwise
// the signer's worker thread signs it while the event loop goes on, and the event loop signs
// inline what comes while the worker is backed up.
import { assertReceiptDraft, CallReceiptSchema, envelopeOf, newReceiptId, prepareReceipt, type Envelope, type ReceiptBody, type ReceiptDraft, type Signer } from '../receipts/index.js';
import { LedgerError } from './errors.js';

/** Below this many receipts an idle writer signs inline: measured in bench/ledger.bench.js. */
const PARALLEL_SIGN_MIN = 16;

export interface AppendedReceipt {
  envelope: Envelope;
  body: ReceiptBody;
  /** Hex leaf hash: what a later receipt puts in `ref`. */
  leafHash: string;
}

export interface Pending {
  draft: ReceiptDraft;
  /** Rotation: sign this receipt with the current key, then switch to this one. */
  switchTo?: Signer;
  resolve(receipt: AppendedReceipt): void;
  reject(err: unknown): void;
}

/** Where the next receipt goes: its seq, the leaf it links to, the key that signs it. */
export interface ChainHead {
  size: number;
  prev: Buffer | null;
  signer: Signer;
}

export interface SealedReceipt {
  pending: Pending;
  signer: Signer;
  pae: Buffer;
  payload: Buffer;
  leaf: Buffer;
  receipt: AppendedReceipt;
}

export interface Batch {
  receipts: SealedReceipt[];
  /** One envelope line per receipt once signed. */
  lines: string[] | null;
  /** Why signing failed: the batch is refused. */
  failure: Error | null;
}

/**
 * The body fields the ledger assigns are valid by construction (v, id, ts, seq, prev) except the
 * ones it is given: the issuer id, the chain id and a signer's key id, checked here once (at open and
 * on rotation) so that sealing checks only the draft (a full body check per receipt cost 3x as much).
 */
export function assertAssignedFields(issuerId: string, chainId: string, keyId: string): void {
  const issuer = CallReceiptSchema.shape.issuer.safeParse({ id: issuerId, key_id: keyId });
  const chain = CallReceiptSchema.shape.chain.safeParse({ id: chainId, seq: 0, prev: null });
  for (const [what, parsed] of [['issuer', issuer], ['chain', chain]] as const) {
    const issue = parsed.error?.issues[0];
    if (issue) throw new LedgerError('ledger_config', `receipts cannot be written: ${what}.${issue.path.map(String).join('.')}: ${issue.message}`);
  }
}

/** Seal drafts in order from `head`; a malformed draft refuses only its own call. */
export function sealBatch(pendings: Pending[], head: ChainHead, issuerId: string, chainId: string): { batch: Batch; head: ChainHead } {
  const ts = new Date().toISOString();
  const receipts: SealedReceipt[] = [];
  let { signer, prev } = head;
  for (const pending of pendings) {
    try {
      const body = {
        ...assertReceiptDraft(pending.draft),
        v: 1,
        id: newReceiptId(),
        ts,
        issuer: { id: issuerId, key_id: signer.keyId },
        chain: { id: chainId, seq: head.size + receipts.length, prev: prev?.toString('hex') ?? null },
      } as ReceiptBody;
      const p = prepareReceipt(body);
      const receipt = { envelope: undefined as unknown as Envelope, body, leafHash: p.leafHash.toString('hex') };
      receipts.push({ pending, signer, pae: p.pae, payload: p.payload, leaf: p.leafHash, receipt });
      prev = p.leafHash;
      if (pending.switchTo) signer = pending.switchTo;
    } catch (err) {
      pending.reject(err);
    }
  }
  return { batch: { receipts, lines: null, failure: null }, head: { size: head.size + receipts.length, prev, signer } };
}

/**
 * Sign a sealed batch: on the signer's worker when the batch is large or the writer is busy anyway
 * (the promise settles once the batch is ready or failed), unless the worker already has enough
 * queued; otherwise inline (returns undefined, the batch is ready), so both cores share the signing.
 */
export function signBatch(batch: Batch, writerBusy: boolean, workerFull: boolean): Promise<void> | undefined {
  const { receipts } = batch;
  const signer = receipts[0]?.signer;
  const signMany = signer?.signMany?.bind(signer);
  const worthThread = writerBusy || receipts.length >= PARALLEL_SIGN_MIN;
  if (signMany && worthThread && !workerFull && receipts.every((r) => r.signer === signer)) {
    // Through a promise, so that even a signer that throws at once refuses only this batch.
    return Promise.resolve(receipts.map((r) => r.pae))
      .then(signMany)
      .then(
        (signatures) => finish(batch, signatures),
        (err: unknown) => fail(batch, err),
      );
  }
  try {
    finish(batch, receipts.map((r) => r.signer.sign(r.pae)));
  } catch (err) {
    fail(batch, err);
  }
  return undefined;
}

function finish(batch: Batch, signatures: Uint8Array[]): void {
  batch.lines = batch.receipts.map((r, i) => {
    r.receipt.envelope = envelopeOf(r.payload, r.signer.keyId, signatures[i]!);
    return `${JSON.stringify(r.receipt.envelope)}\n`;
  });
}

function fail(batch: Batch, err: unknown): void {
  batch.failure = new LedgerError('ledger_io', `receipt not signed, the call is refused: ${(err as Error).message}`, { cause: err });
}
