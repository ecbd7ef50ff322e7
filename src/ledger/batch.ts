// One group commit on its way to disk: drafts sealed in call order against the chain head (id, ts,
// seq, prev and leaf hash depend only on the bodies, not on signatures, so the next batch can be
// sealed before this one is signed or durable), their canonical payloads packed into one buffer, then
// signed into the envelope lines to write. A small batch is signed inline (a thread round trip would
// cost more than it saves); a large one goes to the signer's worker thread, which signs it and builds
// its lines while the event loop goes on, and the event loop signs inline what comes while the worker
// is backed up.
import {
  assertReceiptDraft,
  CallReceiptSchema,
  canonicalJson,
  envelopeOf,
  leafHash,
  newReceiptId,
  signPayloads,
  type Envelope,
  type PayloadBatch,
  type ReceiptBody,
  type ReceiptDraft,
  type SignedBatch,
  type Signer,
} from '../receipts/index.js';
import { LedgerError } from './errors.js';

/** Below this many receipts a batch is signed inline: measured in bench/ledger.bench.js and under gateway load. */
const PARALLEL_SIGN_MIN = 16;

export interface AppendedReceipt {
  readonly envelope: Envelope;
  readonly body: ReceiptBody;
  /** Hex leaf hash: what a later receipt puts in `ref`. */
  readonly leafHash: string;
}

/**
 * A receipt as the ledger hands it back once durable. The envelope object is made when first asked
 * for: most receipts (a call's `permit`) are only ever referred to by their leaf hash.
 */
class Appended implements AppendedReceipt {
  signature: Uint8Array | null = null;
  private made: Envelope | null = null;

  constructor(
    readonly body: ReceiptBody,
    readonly leafHash: string,
    /** The canonical payload P as text: kept per receipt, not as a view into the batch's buffer, which it would keep alive. */
    private readonly payload: string,
    private readonly keyId: string,
  ) {}

  get envelope(): Envelope {
    return (this.made ??= envelopeOf(Buffer.from(this.payload, 'utf8'), this.keyId, this.signature!));
  }
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
  leaf: Buffer;
  receipt: Appended;
}

export interface Batch {
  receipts: SealedReceipt[];
  /** The one key that signs every receipt of the batch (a key hand-over ends its batch). */
  signer: Signer;
  payloads: PayloadBatch;
  /** The envelope lines to write, once signed. */
  signed: SignedBatch | null;
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
  for (const [what, parsed] of [
    ['issuer', issuer],
    ['chain', chain],
  ] as const) {
    const issue = parsed.error?.issues[0];
    if (issue) throw new LedgerError('ledger_config', `receipts cannot be written: ${what}.${issue.path.map(String).join('.')}: ${issue.message}`);
  }
}

/** How many of `queue` go into the next batch: at most `max`, and a key hand-over is its batch's last receipt. */
export function batchLength(queue: Pending[], max: number): number {
  const handOver = queue.findIndex((p, i) => i < max && p.switchTo);
  return handOver >= 0 ? handOver + 1 : Math.min(queue.length, max);
}

/** The `issuer` member of the receipts `signer` signs, made once (with a certificate, some 300 bytes of every receipt). */
const issuers = new WeakMap<Signer, ReceiptBody['issuer']>();
/** Their canonical texts, which sealing splices in rather than serialising each receipt's. */
const issuerTexts = new WeakMap<object, string>();

function issuerOf(signer: Signer, id: string): ReceiptBody['issuer'] {
  const made = issuers.get(signer);
  if (made?.id === id) return made;
  const cert = signer.certificate && Object.freeze({ ...signer.certificate });
  const issuer = Object.freeze({ id, key_id: signer.keyId, ...(cert && { cert }) });
  issuerTexts.set(issuer, canonicalJson(issuer));
  issuers.set(signer, issuer);
  return issuer;
}

/** Seal drafts in order from `head`; a malformed draft refuses only its own call. */
export function sealBatch(pendings: Pending[], head: ChainHead, issuerId: string, chainId: string): { batch: Batch; head: ChainHead } {
  const ts = new Date().toISOString();
  const receipts: SealedReceipt[] = [];
  const texts: string[] = [];
  const { signer } = head;
  let { prev } = head;
  for (const pending of pendings) {
    try {
      // The draft as parsed is a fresh object: completed in place rather than copied.
      const body = Object.assign(assertReceiptDraft(pending.draft), {
        v: 1,
        id: newReceiptId(),
        ts,
        issuer: issuerOf(signer, issuerId),
        chain: { id: chainId, seq: head.size + receipts.length, prev: prev?.toString('hex') ?? null },
      }) as ReceiptBody;
      const text = canonicalJson(body, issuerTexts);
      const leaf = leafHash(text);
      texts.push(text);
      receipts.push({ pending, leaf, receipt: new Appended(body, leaf.toString('hex'), text, signer.keyId) });
      prev = leaf;
    } catch (err) {
      pending.reject(err);
    }
  }
  const next = receipts.at(-1)?.pending.switchTo ?? signer;
  const batch = { receipts, signer, payloads: pack(texts), signed: null, failure: null };
  return { batch, head: { size: head.size + receipts.length, prev, signer: next } };
}

/** The payloads' UTF-8 bytes one after the other, in a buffer of their own (a threaded signer transfers it to its worker). */
function pack(texts: string[]): PayloadBatch {
  const lengths = texts.map((t) => Buffer.byteLength(t, 'utf8'));
  const bytes = Buffer.allocUnsafeSlow(lengths.reduce((a, b) => a + b, 0));
  let offset = 0;
  for (const [i, text] of texts.entries()) offset += bytes.write(text, offset, lengths[i], 'utf8');
  return { bytes, lengths };
}

/**
 * Sign a sealed batch: on the signer's worker when the batch is large (the promise settles once the
 * batch is ready or failed), unless the worker already has enough queued; otherwise inline (returns
 * undefined, the batch is ready), so both cores share the signing. Small batches are signed inline
 * even while the writer is busy: the thread round trip costs more CPU than it moves, and under load
 * (a gateway's batches hold about 8 receipts) the CPU is what runs out.
 */
export function signBatch(batch: Batch, workerFull: boolean): Promise<void> | undefined {
  const { signer, payloads } = batch;
  const offThread = signer.signBatch?.bind(signer);
  if (offThread && payloads.lengths.length >= PARALLEL_SIGN_MIN && !workerFull) {
    // Through a promise, so that even a signer that throws at once refuses only this batch.
    return Promise.resolve(payloads)
      .then(offThread)
      .then(
        (signed) => finish(batch, signed),
        (err: unknown) => fail(batch, err),
      );
  }
  try {
    finish(batch, signPayloads(payloads, signer.keyId, signer.sign));
  } catch (err) {
    fail(batch, err);
  }
  return undefined;
}

function finish(batch: Batch, signed: SignedBatch): void {
  for (const [i, r] of batch.receipts.entries()) r.receipt.signature = signed.signatures.slice(i * 64, i * 64 + 64);
  batch.signed = signed;
}

function fail(batch: Batch, err: unknown): void {
  batch.failure = new LedgerError('ledger_io', `receipt not signed, the call is refused: ${(err as Error).message}`, { cause: err });
}
