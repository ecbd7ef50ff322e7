// The per-line part of ledger verification (envelope, payload, key window, signature, leaf hash), shared
// by the in-thread path and the worker threads. Order checks (seq, prev, checkpoints) stay in verify.ts.
import { verifyReceipt, type Keyring } from '../receipts/index.js';
import type { SignedBy } from './key-timeline.js';

export type LineResult =
  | ({ ok: true; seq: number; prev: string | null; chainId: string; leaf: Buffer } & SignedBy)
  | { ok: false; seq?: number; code: string; message: string };

/** Untrusted input: one ledger line, checked exactly as `toolgate verify` checks one receipt. */
export function checkLine(text: string, keyring: Keyring): LineResult {
  try {
    const { body, leafHash, authority } = verifyReceipt(JSON.parse(text) as unknown, keyring);
    const rotation =
      body.event === 'rotate' ? { from: body.rotation.from_key_id, to: body.rotation.to_key_id, toPublicKey: body.rotation.to_public_key } : undefined;
    return { ok: true, seq: body.chain.seq, prev: body.chain.prev, chainId: body.chain.id, leaf: leafHash, keyId: authority, ...(rotation && { rotation }) };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code ?? 'not_json', message: (err as Error).message };
  }
}
