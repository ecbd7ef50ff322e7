// Evidence for replay: each call's arguments by args_sha256, encrypted at rest under a key of its
// own, with a retention period.
export { EvidenceStore } from './store.js';
export { EvidenceError } from './errors.js';
