// The rules of deciding, as pure functions from (approval, actor, now) to the next approval: who
// may vote, separation of duties, one vote per reviewer, quorum, any reject rejects, expiry.
import { canonicalId, sameIdentity } from '../config/index.js';
import { isApprover, type Reviewer } from './reviewers.js';
import { ApprovalError, type ApprovalChange, type HeldCall, type Vote } from './schema.js';

export function isPastDeadline(approval: HeldCall, now: Date): boolean {
  const deadline = approval.status === 'approved' ? approval.valid_until : approval.expires_at;
  return deadline !== null && now.getTime() >= Date.parse(deadline);
}

export function castVote(approval: HeldCall, reviewer: Reviewer, verdict: 'approve' | 'reject', note: string | null, now: Date): ApprovalChange {
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
  const countsFor = requirementsOf(approval, reviewer);
  if (!countsFor.length) {
    const pins = approval.pin_approvers.length ? `, nor a pin reviewer (${approval.pin_approvers.join(', ')})` : '';
    throw new ApprovalError(
      'not_an_approver',
      `${reviewer.id} is not among the approvers of rule ${approval.rule_id} (${approval.approvers.join(', ')})${pins}`,
    );
  }
  if (approval.decisions.some((d) => sameIdentity(d.reviewer, reviewer.id))) {
    throw new ApprovalError('already_voted', `${reviewer.id} has already decided approval ${id}: one vote per reviewer`);
  }
  const at = now.toISOString();
  const vote = { reviewer: reviewer.id, verdict, note, at, ...(approval.pin_approvers.length ? { counts_for: countsFor } : {}) };
  const decisions = [...approval.decisions, vote];
  if (verdict === 'reject') return { kind: 'reject', vote, approval: { ...approval, decisions, status: 'rejected', decided_at: at } };
  if (!isGranted(approval, decisions)) return { kind: 'vote', vote, approval: { ...approval, decisions } };
  const validUntil = new Date(now.getTime() + approval.timeout_ms).toISOString();
  return { kind: 'approve', vote, approval: { ...approval, decisions, status: 'approved', decided_at: at, valid_until: validUntil } };
}

/** Which requirements a reviewer's vote counts toward: the rule's approvers, the pin reviewers, or both. */
function requirementsOf(approval: HeldCall, reviewer: Reviewer): Array<'rule' | 'pin'> {
  const out: Array<'rule' | 'pin'> = [];
  if (isApprover(reviewer, approval.approvers)) out.push('rule');
  if (approval.pin_approvers.length && isApprover(reviewer, approval.pin_approvers)) out.push('pin');
  return out;
}

/** The rule's quorum is met by its own approvers, and a drifted tool's pin reviewer approved too. */
function isGranted(approval: HeldCall, decisions: Vote[]): boolean {
  const approving = decisions.filter((d) => d.verdict === 'approve');
  // Votes count per person, not per entry (also for decisions stored before ids were canonical).
  const forRule = new Set(approving.filter((d) => d.counts_for?.includes('rule') ?? true).map((d) => canonicalId(d.reviewer))).size;
  const forPin = !approval.pin_approvers.length || approving.some((d) => d.counts_for?.includes('pin'));
  return forRule >= approval.quorum && forPin;
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
