// The signer area's one error class: a token that cannot be reached, logged in to, or used.
import { ToolgateError } from '../core/errors.js';

export type SignerErrorCode = 'token' | 'keyring';

export class SignerError extends ToolgateError<SignerErrorCode> {}
