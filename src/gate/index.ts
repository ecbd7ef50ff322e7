// The gate: the only place that orchestrates policy, approvals, receipts and dispatch for a call.
export { Gate } from './gate.js';
export type { GateOptions } from './gate.js';
export type { ToolCall, CallHandler } from './types.js';
