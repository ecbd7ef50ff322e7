// Held calls: open or re-attach, wait, decide, expire, cancel, exactly-once execution; reviewers
// and their tokens; webhook notifications.
export { Approvals } from './approvals.js';
export type { ApprovalsOptions, Recorder } from './approvals.js';
export { ReviewerDirectory } from './reviewers.js';
export type { Reviewer } from './reviewers.js';
export { ApprovalError, ApprovalStatusSchema } from './schema.js';
export type { HeldCall, ApprovalChange, Settled, Vote } from './schema.js';
export { WebhookNotifier } from './webhook.js';
export { whyVoid } from './binding.js';
