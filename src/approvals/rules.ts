// The rules of deciding, as pure functions from (approval, actor, now) to the next approval: who
// may vote, separation of duties, one vote per reviewer, the evidence a decision carries, the
// requirement met (requirement.ts), any reject rejects, expiry.
import { sameIdentity } from '../config/index.js';
import { describeRequirement, isEligible, isMet } from './requirement.js';
import type { Reviewer } from './reviewers.js';
import { ApprovalError, type ApprovalChange, type HeldCall, type Vote } from './schema.js';

export function isPastDeadline(approval: HeldCall, now: Date): boolean {
  const deadline = approval.status === 'approved' ? approval.valid_until : approval.expires_at;
  return deadline !== null && now.getTime() >= Date.parse(deadline);
}

/** What a reviewer's decision carries besides the verdict. */
export interface Evidence {
  note: string | null;
  /** Named evidence fields, e.g. { ticket: "CHG-1" }. */
  fields: Record<string, string>;
}

export function castVote(approval: HeldCall, reviewer: Reviewer, verdict: 'approve' | 'reject', given: Evidence, now: Date): ApprovalChange {
  const id = approval.id;
  if (approval.status === 'expired' || (approval.status === 'pending' && isPastDeadline(approval, now))) {
    throw new ApprovalError(
      'expired',
      `approval ${id} expired at ${approval.expires_at}: decisions after expiry are refused (the agent must make the call again)`,
    );
  }
  if (approval.status !== 'pending') throw new ApprovalError('not_pending', `approval ${id} is already ${approval.status}: it takes no more decisions`);
  // Ids are canonical from config load on; compared canonically still, for approvals stored before.
  if (sameIdentity(reviewer.id, approval.call.principal.id)) {
    throw new ApprovalError('self_approval', `${reviewer.id} made this call and so cannot decide it (separation of duties)`);
  }
  const voter = { reviewer: reviewer.id, groups: [...reviewer.groups] };
  if (!isEligible(approval.requirement, voter)) {
    throw new ApprovalError(
      'not_an_approver',
      `${reviewer.id} is not among the approvers of approval ${id}: it needs ${describeRequirement(approval.requirement)}`,
    );
  }
  if (approval.decisions.some((d) => sameIdentity(d.reviewer, reviewer.id))) {
    throw new ApprovalError('already_voted', `${reviewer.id} has already decided approval ${id}: one vote per reviewer`);
  }
  const missing = missingEvidence(approval, given);
  if (missing) throw new ApprovalError('evidence_missing', `approval ${id} needs ${missing} with every decision; nothing was recorded`);
  const at = now.toISOString();
  const evidence = Object.fromEntries(Object.entries(given.fields).filter(([, value]) => value.trim()));
  const vote: Vote = { ...voter, verdict, note: given.note?.trim() ? given.note : null, evidence, at };
  const decisions = [...approval.decisions, vote];
  if (verdict === 'reject') return { kind: 'reject', vote, approval: { ...approval, decisions, status: 'rejected', decided_at: at } };
  if (
    !isMet(
      approval.requirement,
      decisions.filter((d) => d.verdict === 'approve'),
    )
  )
    return { kind: 'vote', vote, approval: { ...approval, decisions } };
  const validUntil = new Date(now.getTime() + approval.timeout_ms).toISOString();
  return { kind: 'approve', vote, approval: { ...approval, decisions, status: 'approved', decided_at: at, valid_until: validUntil } };
}

/** What the decision lacks of the approval's evidence demand ("a note and the field ticket"), or undefined. */
function missingEvidence(approval: HeldCall, given: Evidence): string | undefined {
  const lacking = [
    ...(approval.evidence.note && !given.note?.trim() ? ['a note'] : []),
    ...approval.evidence.fields.filter((f) => !given.fields[f]?.trim()).map((f) => `the evidence field "${f}"`),
  ];
  return lacking.length ? lacking.join(' and ') : undefined;
}

/** The sweep: a pending approval past its expiry, or an approved one not executed in time, expires. */
export function expireIfDue(approval: HeldCall, now: Date): ApprovalChange | undefined {
  if ((approval.status !== 'pending' && approval.status !== 'approved') || !isPastDeadline(approval, now)) return undefined;
  return { kind: 'expire', approval: { ...approval, status: 'expired', decided_at: approval.decided_at ?? now.toISOString() } };
}

/** The client cancelled its held request: only an approval not yet granted is cancelled. */
export function cancelIfPending(approval: HeldCall, now: Date): ApprovalChange | undefined {
  if (approval.status !== 'pending') return undefined;
  return { kind: 'cancel', approval: { ...approval, status: 'cancelled', decided_at: now.toISOString() } };
}

/** The one execution an approval allows: approved, not yet executed, within its validity. */
export function executeIfApproved(approval: HeldCall, now: Date): ApprovalChange | undefined {
  if (approval.status !== 'approved' || isPastDeadline(approval, now)) return undefined;
  return { kind: 'execute', approval: { ...approval, status: 'executed', executed_at: now.toISOString() } };
}

/** The call is decided again at release and no longer matches what was approved: the approval is void. */
export function voidIfOpen(approval: HeldCall, reason: string, now: Date): ApprovalChange | undefined {
  if (approval.status !== 'pending' && approval.status !== 'approved') return undefined;
  return { kind: 'void', approval: { ...approval, status: 'voided', void_reason: reason, decided_at: approval.decided_at ?? now.toISOString() } };
}
