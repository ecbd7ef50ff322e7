// Forged ledgers for the key hand-over tests: real receipts written by the real ledger, then lines
// appended by hand that link correctly into the chain and carry real signatures, so that the only
// thing wrong with them is who signed what, and when.
import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import * as ed from '@noble/ed25519';
import { listSegments } from '../../src/ledger/files.js';
import {
  canonicalJson,
  envelopeOf,
  leafHash,
  newReceiptId,
  pae,
  RECEIPT_MEDIA_TYPE,
  sealReceipt,
  type Envelope,
  type ReceiptBody,
  type ReceiptDraft,
  type Signer,
} from '../../src/receipts/index.js';

/** The body of the last receipt of a ledger and its leaf hash: what a forged next receipt links to. */
function lastReceipt(dir: string): { body: ReceiptBody; leaf: string; segment: string } {
  const segment = listSegments(dir).at(-1)!.path;
  const lines = readFileSync(segment, 'utf8').trimEnd().split('\n');
  const envelope = JSON.parse(lines.at(-1)!) as Envelope;
  const payload = Buffer.from(envelope.payload, 'base64');
  return { body: JSON.parse(payload.toString('utf8')) as ReceiptBody, leaf: leafHash(payload).toString('hex'), segment };
}

/** The next receipt of the chain in `dir`: `draft` completed as the ledger would, issued under `keyId`. */
export function nextBody(dir: string, draft: ReceiptDraft, keyId: string, ts?: string): { body: ReceiptBody; segment: string } {
  const last = lastReceipt(dir);
  const body = {
    ...draft,
    v: 1,
    id: newReceiptId(),
    ts: ts ?? last.body.ts,
    issuer: { id: last.body.issuer.id, key_id: keyId },
    chain: { id: last.body.chain.id, seq: last.body.chain.seq + 1, prev: last.leaf },
  } as ReceiptBody;
  return { body, segment: last.segment };
}

/** Append a receipt signed by `signer` (with its certificate, if any) to the end of the chain; returns its envelope. */
export function appendSigned(dir: string, signer: Signer, draft: ReceiptDraft, ts?: string): Envelope {
  const { body, segment } = nextBody(dir, draft, signer.keyId, ts);
  if (signer.certificate) body.issuer.cert = signer.certificate;
  const { envelope } = sealReceipt(body, signer);
  appendFileSync(segment, `${JSON.stringify(envelope)}\n`);
  return envelope;
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** A point of order 8: adding it to R leaves [8]R unchanged. */
const ORDER_8 = ed.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');

function scalarLE(bytes: Uint8Array): bigint {
  let x = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[i]!);
  return x % L;
}

function bytesLE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/**
 * A signature by the key of `seed` whose R has a small-order component: it satisfies the cofactored
 * equation [8]SB = [8]R + [8]kA but not the cofactorless SB = R + kA. No honest signer makes one.
 */
export function mixedOrderSignature(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const { scalar, pointBytes } = ed.utils.getExtendedPublicKey(seed);
  const r = scalarLE(createHash('sha512').update('nonce').update(message).digest());
  const R = ed.Point.BASE.multiply(r).add(ORDER_8).toBytes();
  const k = scalarLE(createHash('sha512').update(R).update(pointBytes).update(message).digest());
  return new Uint8Array([...R, ...bytesLE((r + k * scalar) % L)]);
}

/** Append a receipt signed by the key of `seed` with a mixed-order R; returns its envelope. */
export function appendMixedOrder(dir: string, seed: Uint8Array, keyId: string, draft: ReceiptDraft): Envelope {
  const { body, segment } = nextBody(dir, draft, keyId);
  const payload = Buffer.from(canonicalJson(body), 'utf8');
  const envelope = envelopeOf(payload, keyId, mixedOrderSignature(seed, pae(RECEIPT_MEDIA_TYPE, payload)));
  appendFileSync(segment, `${JSON.stringify(envelope)}\n`);
  return envelope;
}
