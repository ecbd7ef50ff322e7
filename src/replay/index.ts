// Replay of sampled receipts against the archived policy that decided them (reproducibility), or
// against a candidate bundle (shadow evaluation of a policy change).
export { replay } from './replay.js';
export { sampleDecisions } from './sample.js';
export { formatReplay } from './format.js';
export { ReplayError } from './errors.js';
