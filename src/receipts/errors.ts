// The receipts area's one error class: every failed check names what failed in words a user can act on.
import { ToolgateError } from '../core/errors.js';

export type ReceiptErrorCode =
  | 'not_json'
  | 'envelope_invalid'
  | 'payload_invalid'
  | 'not_canonical'
  | 'body_invalid'
  | 'key_unknown'
  | 'key_mismatch'
  | 'key_not_valid_at_ts'
  | 'signature_invalid'
  | 'no_receipt'
  | 'result_mismatch'
  | 'rotation_invalid'
  | 'certificate_invalid'
  | 'keyring_invalid'
  | 'key_file_invalid'
  | 'key_missing'
  | 'key_io';

export class ReceiptError extends ToolgateError<ReceiptErrorCode> {}
