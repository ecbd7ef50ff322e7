// The ledger: append-only segments with group commit, the hash chain, Merkle checkpoints, recovery,
// verification, inclusion proofs and readers. Built on receipts; receipts know nothing of it.
export { Ledger } from './ledger.js';
export type { LedgerOptions, AppendedReceipt } from './ledger.js';
export { verifyLedger, formatProblem } from './verify.js';
export type { LedgerReport, LedgerProblem, VerifyOptions } from './verify.js';
export { prove, verifyProof, InclusionProofSchema, PROOF_VERSION } from './proof.js';
export type { InclusionProof, VerifiedProof } from './proof.js';
export { readReceipts, ledgerStats, tailReceipts } from './reader.js';
export type { StoredReceipt, LedgerStats } from './reader.js';
export { signCheckpoint, verifyCheckpoint, parseCheckpoint, originOf, noteKeyHash } from './checkpoint.js';
export type { Checkpoint, VerifiedCheckpoint } from './checkpoint.js';
export { Frontier, nodeHash, auditPath, verifyInclusion, EMPTY_ROOT } from './merkle.js';
export { LedgerError } from './errors.js';
export type { LedgerErrorCode } from './errors.js';
