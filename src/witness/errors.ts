// The witness area's one error class: bad witness keys and cosignatures, refused or failed
// submissions, and what verification against witnesses found.
import { ToolgateError } from '../core/errors.js';

export type WitnessErrorCode = 'witness_key_invalid' | 'cosignature_invalid' | 'witness_io' | 'witness_request_invalid';

export class WitnessError extends ToolgateError<WitnessErrorCode> {}
