// The ledger: append-only segments with group commit, the hash chain, Merkle checkpoints, recovery,
// verification, inclusion proofs and readers. Built on receipts; receipts know nothing of it.
export { Ledger } from './ledger.js';
export type { AppendedReceipt } from './ledger.js';
export { verifyLedger, formatProblem } from './verify.js';
export { prove, verifyProof } from './proof.js';
export type { InclusionProof } from './proof.js';
export { LedgerError } from './errors.js';
export { readReceipts, tailReceipts } from './reader.js';
export { ledgerStats } from './stats.js';
export type { LedgerStats } from './stats.js';
export { FactsOf, factsOfBodies, scanFacts } from './facts.js';
export type { FactSource, ReceiptFact, Surface } from './facts.js';
export type { StoredReceipt } from './reader.js';
export { verifyCheckpoint, parseCheckpoint } from './checkpoint.js';
export type { VerifiedCheckpoint } from './checkpoint.js';
export { Frontier, auditPath, verifyInclusion, EMPTY_ROOT } from './merkle.js';
export { consistencyPath, frontierRangeHash, leavesRangeHash, verifyConsistency } from './consistency.js';
export {
  checkLedgerConsistency,
  consistencyPathOf,
  ledgerRootAt,
  checkpointRecords,
  verifyConsistencyProof,
  CONSISTENCY_PROOF_VERSION,
} from './consistency-proof.js';
export type { ConsistencyProof, LedgerConsistency } from './consistency-proof.js';
export { LedgerIndex, scanSearch, scanNeighbours, withReadOnlyIndex, INDEX_FILE } from './index-store.js';
export type { SearchResult, ReceiptWithNeighbours } from './index-store.js';
export { receiptMatches } from './index-record.js';
export type { ReceiptQuery } from './index-record.js';
