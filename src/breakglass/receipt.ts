// The receipt drafts for opening and closing a window. They reuse the call receipt's shape: `call`
// names the window (its id) and the surface it covers ("*" for any), `principal` is the reviewer
// who acted, and `break_glass` carries the window with its fixed expiry.
import { canonicalSha256, type ReceiptDraft } from '../receipts/index.js';
import type { BreakGlassWindow } from './schema.js';
import type { BreakGlassEvent } from './windows.js';

const NO_ARGS_SHA256 = canonicalSha256({});

export function breakGlassDraft(event: BreakGlassEvent, window: BreakGlassWindow, bundleSha256: string): ReceiptDraft {
  const actor = event === 'break_glass_open' ? window.opened_by : (window.closed_by ?? window.opened_by);
  const scope = `principal ${window.principal ?? '*'} on ${window.server ?? '*'}/${window.tool ?? '*'}`;
  const what = event === 'break_glass_open' ? `opened until ${window.expires_at}` : `closed at ${window.closed_at}`;
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
    break_glass: { id: window.id, opened_by: window.opened_by, reason: window.reason, expires_at: window.expires_at },
  };
}
