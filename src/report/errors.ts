// The report area's error type.
import { ToolgateError } from '../core/errors.js';

export type ReportErrorCode = 'ledger_unreadable' | 'ledger_corrupt' | 'bad_period';

export class ReportError extends ToolgateError<ReportErrorCode> {}
