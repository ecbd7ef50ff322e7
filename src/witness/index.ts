// Witnesses (C2SP tlog-witness, tlog-cosignature): the witness service that cosigns a log's checkpoints
// only while each extends the last one it cosigned, the gateway's side that submits its checkpoints,
// and the checks of a ledger against what witnesses cosigned. Built on the ledger.
export { parseVkey, vkeyOf, cosign, verifyCosignatures } from './cosignature.js';
export type { WitnessKey, Cosignature } from './cosignature.js';
export { loadOrCreateWitnessKey } from './key-file.js';
export { WitnessState } from './state.js';
export { Witness } from './witness.js';
export { witnessServer } from './server.js';
export { formatAddCheckpoint } from './request.js';
export { WitnessSubmitter } from './submitter.js';
export type { WitnessTarget, SubmissionOutcome } from './submitter.js';
export { verifyWitnessed } from './verify.js';
export type { WitnessedReport } from './verify.js';
