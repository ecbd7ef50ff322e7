// The evidence store's error type.
import { ToolgateError } from '../core/errors.js';

export type EvidenceErrorCode = 'key_unusable' | 'not_found' | 'record_corrupt' | 'bad_hash' | 'io';

export class EvidenceError extends ToolgateError<EvidenceErrorCode> {}
