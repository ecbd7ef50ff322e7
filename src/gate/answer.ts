// What the client gets back: the upstream's result untouched but for the receipt added to `_meta`,
// or a refusal in words an agent acts on correctly, also with its receipt (and, when a fault
// caused it, the error id the operator's log has the detail under).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Envelope } from '../receipts/index.js';

export const RECEIPT_META_KEY = 'dev.toolgate/receipt';
export const ERROR_ID_META_KEY = 'dev.toolgate/error_id';

export function withReceipt(result: CallToolResult, receipt: Envelope | undefined): CallToolResult {
  if (!receipt) return result;
  return { ...result, _meta: { ...result._meta, [RECEIPT_META_KEY]: receipt } };
}

export function refusal(text: string, receipt?: Envelope, meta: Record<string, unknown> = {}): CallToolResult {
  return withReceipt({ isError: true, content: [{ type: 'text', text: `toolgate: ${text}` }], ...(Object.keys(meta).length ? { _meta: meta } : {}) }, receipt);
}

/** A refusal caused by an internal fault: what happened in user terms, and the error id the operator's log has the detail under. */
export function faultRefusal(text: string, errorId: string, receipt?: Envelope): CallToolResult {
  return refusal(`${text} (error ${errorId}; the gateway log has the details)`, receipt, { [ERROR_ID_META_KEY]: errorId });
}
