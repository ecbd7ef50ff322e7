// The per-line part of ledger verification (envelope, payload, key window, signature, leaf hash), shared
// by the in-thread path and the worker threads. Order checks (seq, prev, checkpoints) stay in verify.ts.
import { fastVerify, verifyReceipt, type Keyring } from '../receipts/index.js';

export type LineResult =
  | { ok: true; seq: number; prev: string | null; chainId: string; leaf: Buffer }
  | { ok: false; seq?: number; code: string; message: string };

/** Untrusted input: one ledger line. Signatures use node:crypto; the keyring checked each key with noble. */
export function checkLine(text: string, keyring: Keyring): LineResult {
  try {
    const { body, leafHash } = verifyReceipt(JSON.parse(text) as unknown, keyring, fastVerify);
    return { ok: true, seq: body.chain.seq, prev: body.chain.prev, chainId: body.chain.id, leaf: leafHash };
  } catch (err) {
    return { ok: false, code: (err as { code?: string }).code ?? 'not_json', message: (err as Error).message };
  }
}
