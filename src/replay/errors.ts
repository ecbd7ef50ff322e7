// The replay area's error type.
import { ToolgateError } from '../core/errors.js';

export type ReplayErrorCode = 'no_evidence' | 'bad_sample';

export class ReplayError extends ToolgateError<ReplayErrorCode> {}
