// The receipt draft of a reviewer's pin approval. It reuses the call receipt's shape so one ledger
// and one verifier cover it: `call` names the surface (id `pin:<upstream>/<tool>`), `tool_sha256`
// is the newly approved pin, `args_sha256` binds the change itself (the canonical JSON of
// `{from, to}`, from being null for a new tool), and `principal` is the reviewer who approved.
import { canonicalSha256, type ReceiptDraft } from '../receipts/index.js';
import type { PinEvent } from './registry.js';

export type PinApproval = Extract<PinEvent, { kind: 'approved' }>;

export function pinApprovalDraft(event: PinApproval, bundleSha256: string): ReceiptDraft {
  const surface = `${event.upstream}/${event.tool}`;
  return {
    event: 'pin_approve',
    call: {
      id: `pin:${surface}`,
      session: 'admin',
      rpc_id: null,
      server: event.upstream,
      tool: event.tool,
      tool_sha256: event.to,
      args_sha256: canonicalSha256({ from: event.from, to: event.to }),
    },
    principal: { id: event.reviewer },
    policy: {
      bundle_sha256: bundleSha256,
      rules: [],
      effect: 'pin_approve',
      reason: `definition of ${surface} changed from ${event.from ?? '(new tool)'} to ${event.to}; approved by ${event.reviewer}`,
    },
  };
}
