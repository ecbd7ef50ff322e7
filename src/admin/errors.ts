// The admin API's error type and how every failure becomes a JSON error `{ error: { code, message } }`.
// Refusals carry their message to the client; internal faults are logged and answered generically.
import { ApprovalError } from '../approvals/index.js';
import { ToolgateError } from '../core/errors.js';
import { StoreError } from '../store/index.js';

export type AdminErrorCode =
  | 'unauthorized'
  | 'forbidden'
  | 'host_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'conflict';

const STATUS: Record<AdminErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  host_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  conflict: 409,
};

export class AdminError extends ToolgateError<AdminErrorCode> {}

const APPROVAL_STATUS: Record<ApprovalError['code'], number> = {
  not_found: 404,
  not_an_approver: 403,
  self_approval: 403,
  already_voted: 409,
  expired: 409,
  not_pending: 409,
  record_failed: 503,
  invalid_record: 500,
};

export interface ErrorReply {
  status: number;
  body: { error: { code: string; message: string } };
  /** Not a refusal but a fault: log it, and do not show its message. */
  internal: boolean;
}

export function errorReply(err: unknown): ErrorReply {
  const reply = (status: number, code: string, message: string, internal = false): ErrorReply => ({ status, body: { error: { code, message } }, internal });
  if (err instanceof AdminError) return reply(STATUS[err.code], err.code, err.message);
  if (err instanceof ApprovalError) return reply(APPROVAL_STATUS[err.code], err.code, err.message, APPROVAL_STATUS[err.code] >= 500);
  if (err instanceof StoreError) return reply(503, 'store_unavailable', 'the state store is unavailable; nothing was changed', true);
  return reply(500, 'internal', 'internal error', true);
}
