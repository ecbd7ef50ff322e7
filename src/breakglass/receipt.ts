// The receipt drafts for each step of a window (open, confirm, review, close). They reuse the call
// receipt's shape: `call` names the window (its id) and the surface it covers ("*" for any),
// `principal` is the reviewer who acted, and `break_glass` carries the window with its fixed expiry
// (and, on a review, the reviewer's note).
import { canonicalSha256, type ReceiptDraft } from '../receipts/index.js';
import type { BreakGlassEvent } from '../core/index.js';
import type { BreakGlassWindow } from './schema.js';

const NO_ARGS_SHA256 = canonicalSha256({});

export function breakGlassDraft(event: BreakGlassEvent, window: BreakGlassWindow, bundleSha256: string): ReceiptDraft {
  const { actor, what } = step(event, window);
  const scope = `principal ${window.principal ?? '*'} on ${window.server ?? '*'}/${window.tool ?? '*'}`;
  const note = event === 'break_glass_review' ? window.reviews.at(-1)?.note : undefined;
  return {
    event,
    call: {
      id: window.id,
      session: 'admin',
      rpc_id: null,
      server: window.server ?? '*',
      tool: window.tool ?? '*',
      tool_sha256: null,
      args_sha256: NO_ARGS_SHA256,
    },
    principal: { id: actor },
    policy: { bundle_sha256: bundleSha256, rules: [], effect: 'break_glass', reason: `break-glass ${window.id} ${what} by ${actor} for ${scope}` },
    break_glass: { id: window.id, opened_by: window.opened_by, reason: window.reason, expires_at: window.expires_at, ...(note ? { note } : {}) },
  };
}

/** Who took this step (the last confirmer or reviewer for those steps), and what it did. */
function step(event: BreakGlassEvent, window: BreakGlassWindow): { actor: string; what: string } {
  const vouched = 1 + window.confirmations.length;
  switch (event) {
    case 'break_glass_open':
      return { actor: window.opened_by, what: `opened until ${window.expires_at} (${vouched} of ${window.open_quorum} reviewers)` };
    case 'break_glass_confirm':
      return { actor: window.confirmations.at(-1)!.by, what: `confirmed (${vouched} of ${window.open_quorum} reviewers)` };
    case 'break_glass_review':
      return { actor: window.reviews.at(-1)!.by, what: 'reviewed' };
    case 'break_glass_close':
      return { actor: window.closed_by ?? window.opened_by, what: `closed at ${window.closed_at}` };
  }
}
