// The gate: the only place that orchestrates policy, approvals, receipts and dispatch for a call.
export { Gate } from './gate.js';
export type { GateOptions, CallObservation } from './gate.js';
export { approvalRecorder } from './receipts.js';
export type { ReceiptSink } from './receipts.js';
export { RECEIPT_META_KEY, APPROVAL_META_KEY, ERROR_ID_META_KEY } from './answer.js';
export type { GateAnswer, TaskAnswer, TaskEnd } from './answer.js';
export type { ToolCall, CallHandler, Quarantine } from './types.js';
