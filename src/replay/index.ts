// Replay of sampled receipts against the archived policy that decided them (reproducibility), or
// against a candidate bundle (shadow evaluation of a policy change).
export { replay, rebuildRequest } from './replay.js';
export type { ReplayOptions, ReplayResult, ReplayedCall, ReplayProblem } from './replay.js';
export { sampleDecisions } from './sample.js';
export type { Sample, SampleOptions, DecisionReceipt } from './sample.js';
export { formatReplay } from './format.js';
export { ReplayError } from './errors.js';
export type { ReplayErrorCode } from './errors.js';
