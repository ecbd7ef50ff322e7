// The per-line part of ledger verification (envelope, payload, key window, signature, leaf hash, the
// line's one byte form), shared by the in-thread path and the worker threads. Order checks (seq,
// prev, checkpoints, key timeline, executions) stay in verify.ts, which gets what they need here.
import {
  canonicalJson,
  envelopeOfText,
  isCallReceipt,
  parseJsonText,
  verifyEnvelope,
  verifyReceipt,
  type Keyring,
  type ReceiptBody,
} from '../receipts/index.js';
import { pendingEntry, type LineFacts } from './executions.js';
import type { SignedBy } from './key-timeline.js';

const EXECUTION = new Set<ReceiptBody['event']>(['complete', 'fail', 'unknown']);

/** What a permit allowed and its execution repeats (docs/receipts.md §10 step 3), as canonical JSON: the decision, the approval, the window, the constraints and where it ran with which arguments. */
function ranUnder(body: Extract<ReceiptBody, { call: unknown }>): string {
  const { policy, approval, break_glass, constraints } = body as Partial<Record<'policy' | 'approval' | 'break_glass' | 'constraints', unknown>>;
  const { effective_args_sha256, upstream_sha256 } = body.call as { effective_args_sha256?: string; upstream_sha256?: string };
  // Members in canonical order, so that canonicalJson has nothing to sort.
  return canonicalJson({ approval, break_glass, constraints, effective_args_sha256, policy, upstream_sha256 });
}

export type LineResult =
  | ({ ok: true; seq: number; prev: string | null; chainId: string; leaf: Buffer } & SignedBy & LineFacts)
  | { ok: false; seq?: number; code: string; message: string };

/**
 * Untrusted input: one ledger line, checked exactly as `toolgate verify` checks one receipt, and as
 * its envelope's one byte form. A line in that form is read without a JSON parser (envelopeOfText);
 * any other line is checked the way `toolgate verify` checks it, so that it fails with the code the
 * spec's order gives (a line that verifies but is not the one form is `line_not_canonical`). A line
 * in the one form cannot repeat a key, so the scan for repeated keys runs only on a line that fails.
 */
export function checkLine(text: string, keyring: Keyring): LineResult {
  try {
    const envelope = envelopeOfText(text);
    if (!envelope) {
      verifyReceipt(JSON.parse(text) as unknown, keyring);
      parseJsonText(text);
      return {
        ok: false,
        code: 'line_not_canonical',
        message: 'the line is not the compact envelope (one JSON object, members in order, no spaces, escapes, repeated keys or CR)',
      };
    }
    const { body, leafHash, authority: keyId } = verifyEnvelope(envelope, keyring);
    if (body.event === 'rotate') {
      const rotation = { from: body.rotation.from_key_id, to: body.rotation.to_key_id, toPublicKey: body.rotation.to_public_key };
      return { ok: true, seq: body.chain.seq, prev: body.chain.prev, chainId: body.chain.id, leaf: leafHash, keyId, rotation, event: body.event };
    }
    if (!isCallReceipt(body)) return { ok: true, seq: body.chain.seq, prev: body.chain.prev, chainId: body.chain.id, leaf: leafHash, keyId, event: body.event };
    return { ok: true, seq: body.chain.seq, prev: body.chain.prev, chainId: body.chain.id, leaf: leafHash, keyId, ...factsOf(body, leafHash) };
  } catch (err) {
    return failed(text, err);
  }
}

/** A permit's entry is keyed by its own leaf hash; an execution's by the permit it names in `ref`. */
function factsOf(body: Extract<ReceiptBody, { call: unknown }>, leaf: Buffer): LineFacts {
  const callId = body.call.id;
  if (body.event === 'permit') return { event: body.event, callId, pending: pendingEntry(callId, leaf.toString('hex'), ranUnder(body)) };
  if (!EXECUTION.has(body.event)) return { event: body.event, callId };
  return { event: body.event, callId, pending: body.ref === undefined ? undefined : pendingEntry(callId, body.ref, ranUnder(body)) };
}

function failed(text: string, err: unknown): LineResult {
  try {
    parseJsonText(text);
  } catch (repeated) {
    err = repeated;
  }
  return { ok: false, code: (err as { code?: string }).code ?? 'not_json', message: (err as Error).message };
}
