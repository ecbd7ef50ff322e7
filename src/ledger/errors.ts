// The ledger area's one error class. `ledger_io` failures refuse the call (no durable receipt, no
// execution); `ledger_config` refuses to open with an issuer, chain or key id no receipt may carry;
// verification failures carry where the first bad entry is.
import { ToolgateError } from '../core/errors.js';

export type LedgerErrorCode =
  | 'ledger_io'
  | 'ledger_config'
  | 'ledger_locked'
  | 'ledger_closed'
  | 'ledger_corrupt'
  | 'not_found'
  | 'not_checkpointed'
  | 'no_checkpoint'
  | 'checkpoint_invalid'
  | 'proof_invalid';

export class LedgerError extends ToolgateError<LedgerErrorCode> {}
