// How the admin API answers a failure: the HTTP edge's table for its refusals, plus the approval
// service's refusals under their own codes. Internal faults are logged and answered generically.
import { ApprovalError } from '../approvals/index.js';
import { type ErrorReply, errorReply } from '../http/index.js';
import { LedgerError } from '../ledger/index.js';
import { StoreError } from '../store/index.js';

const APPROVAL_STATUS: Record<ApprovalError['code'], number> = {
  not_found: 404,
  not_an_approver: 403,
  self_approval: 403,
  already_voted: 409,
  expired: 409,
  not_pending: 409,
  evidence_missing: 422,
  record_failed: 503,
  invalid_record: 500,
};

export function adminErrorReply(err: unknown): ErrorReply {
  if (err instanceof ApprovalError) {
    const status = APPROVAL_STATUS[err.code];
    return { status, code: err.code, message: err.message, headers: {}, internal: status >= 500 };
  }
  if (err instanceof LedgerError)
    return { status: 503, code: 'ledger_unavailable', message: 'the ledger could not sign a checkpoint now; try again', headers: {}, internal: true };
  if (err instanceof StoreError)
    return { status: 503, code: 'store_unavailable', message: 'the state store is unavailable; nothing was changed', headers: {}, internal: true };
  return errorReply(err);
}
