// What the gate answers, whatever the method: the upstream's result untouched with the receipt of
// what happened, the upstream's own JSON-RPC error (it answered the call with one), or a refusal in words an agent acts on correctly, also with its receipt (and, when
// a fault caused it, the error id the operator's log has the detail under). The gateway shapes it
// for the method (a tool result, or a JSON-RPC error).
import { RECEIPT_META_KEY, type Envelope } from '../receipts/index.js';

/** Where the receipt travels: a result's `_meta`, or a refusal's error data (the format names the key). */
export { RECEIPT_META_KEY };
export const ERROR_ID_META_KEY = 'dev.toolgate/error_id';
/** Where a held request's approval travels beside its receipt. */
export const APPROVAL_META_KEY = 'dev.toolgate/approval';

/** A held request's approval, as the client is told it. */
export interface ApprovalNotice {
  id: string;
  status: 'pending';
  expires_at: string;
}

/** A JSON-RPC error as the upstream answered it. Untrusted: the upstream's words, passed on as they are. */
export interface UpstreamErrorAnswer {
  code: number;
  message: string;
  data?: unknown;
}

export type GateAnswer =
  | { kind: 'result'; result: Record<string, unknown>; receipt?: Envelope }
  | { kind: 'upstream-error'; error: UpstreamErrorAnswer; receipt?: Envelope }
  | { kind: 'refusal'; message: string; receipt?: Envelope; approval?: ApprovalNotice; errorId?: string };

/** How a call the upstream took as a task ended: its `tasks/result` answer, or why there is none. Untrusted: the upstream's. */
export type TaskEnd = { result: Record<string, unknown> } | { err: unknown };

/**
 * What a call made as a task is answered with besides the answers of any call: the upstream took it
 * as a task (its CreateTaskResult and the permit; `end` records what the task came to, once, and
 * answers it), or it is held (the hold's receipt and approval now; `outcome` once reviewers decide).
 */
export type TaskAnswer =
  | GateAnswer
  | { kind: 'task'; result: Record<string, unknown>; receipt?: Envelope; end: (ended: TaskEnd) => Promise<GateAnswer> }
  | { kind: 'held'; receipt?: Envelope; approval: ApprovalNotice; outcome: Promise<TaskAnswer> };

export function withReceipt(result: Record<string, unknown>, receipt: Envelope | undefined): GateAnswer {
  return { kind: 'result', result, receipt };
}

export function refusal(text: string, receipt?: Envelope, approval?: ApprovalNotice): GateAnswer {
  return { kind: 'refusal', message: `toolgate: ${text}`, receipt, ...(approval ? { approval } : {}) };
}

/** A refusal caused by an internal fault: what happened in user terms, and the error id the operator's log has the detail under. */
export function faultRefusal(text: string, errorId: string, receipt?: Envelope): GateAnswer {
  return { kind: 'refusal', message: `toolgate: ${text} (error ${errorId}; the gateway log has the details)`, receipt, errorId };
}
