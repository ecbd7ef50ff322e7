// Held calls: open or re-attach, wait, decide, expire, cancel, exactly-once execution; reviewers
// and their tokens; webhook notifications.
export { Approvals } from './approvals.js';
export type { ApprovalsOptions, Recorder, ApprovalListener } from './approvals.js';
export type { WaitOptions } from './waiters.js';
export { ReviewerDirectory, isApprover } from './reviewers.js';
export type { Reviewer } from './reviewers.js';
export { ApprovalError, HeldCallSchema, ApprovalStatusSchema } from './schema.js';
export type { HeldCall, ApprovalStatus, ApprovalChange, ChangeKind, Vote, Settled } from './schema.js';
export { WebhookNotifier, webhookPayload } from './webhook.js';
export type { WebhookOptions } from './webhook.js';
