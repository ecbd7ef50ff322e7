// The pins area's one error class: pins files, the pin store's records, approvals and catalog snapshots.
import { ToolgateError } from '../core/errors.js';

export type PinErrorCode =
  | 'pins_file_invalid'
  | 'pins_file_unreadable'
  | 'pin_record_corrupt'
  | 'nothing_to_approve'
  | 'unknown_upstream'
  | 'store_unsupported'
  | 'catalog_failed';

export class PinError extends ToolgateError<PinErrorCode> {}
