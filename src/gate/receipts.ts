// Turns the events of one governed request (and of its approval) into receipt drafts for the ledger.
import type { ApprovalChange, HeldCall, Recorder, Vote } from '../approvals/index.js';
import { OUTCOMES, type CallEvent, type CallRequest, type Decision } from '../core/index.js';
import type { AppendedReceipt } from '../ledger/index.js';
import type { CallReceiptBody, ReceiptDraft } from '../receipts/index.js';

/** Where receipts go: the ledger (append resolves once the receipt is durable). */
export interface ReceiptSink {
  append(draft: ReceiptDraft): Promise<AppendedReceipt>;
}

export interface BreakGlassStamp {
  id: string;
  opened_by: string;
  reason: string;
}

/** Everything a call receipt may add beyond the call and its decision. */
export interface ReceiptExtras {
  result?: CallReceiptBody['result'];
  ref?: string;
  approval?: CallReceiptBody['approval'];
  effectiveArgsSha256?: string;
  /** On an execution's receipts: the identity of the upstream the call goes to (docs/receipts.md §1.3). */
  upstreamSha256?: string;
  constraints?: CallReceiptBody['constraints'];
  breakGlass?: BreakGlassStamp;
}

export function callDraft(event: CallEvent, request: CallRequest, decision: Decision, extras: ReceiptExtras = {}): ReceiptDraft {
  return {
    event,
    call: {
      id: request.callId,
      session: request.session,
      rpc_id: request.rpcId,
      ...subjectOf(request.method === 'tools/call' ? undefined : request.method, request.uri),
      server: request.server,
      tool: request.tool,
      tool_sha256: request.toolSha256,
      args_sha256: request.argsSha256,
      ...(extras.effectiveArgsSha256 ? { effective_args_sha256: extras.effectiveArgsSha256 } : {}),
      ...(extras.upstreamSha256 ? { upstream_sha256: extras.upstreamSha256 } : {}),
      ...(request.protocolVersion && (OUTCOMES as readonly CallEvent[]).includes(event) ? { protocol_version: request.protocolVersion } : {}),
    },
    principal: { id: request.principal.id, groups: [...request.principal.groups] },
    policy: { bundle_sha256: decision.bundleSha256, rules: decision.rules, effect: decision.outcome, reason: decision.reason },
    ...(extras.approval ? { approval: extras.approval } : {}),
    ...(extras.constraints ? { constraints: extras.constraints } : {}),
    ...(extras.result ? { result: extras.result } : {}),
    ...(extras.ref ? { ref: extras.ref } : {}),
    ...(extras.breakGlass ? { break_glass: extras.breakGlass } : {}),
    ...shadowOf(event, decision),
  };
}

/** A decision receipt records where the shadow candidate decided differently; later receipts of the call do not. */
function shadowOf(event: CallEvent, { shadow }: Pick<Decision, 'shadow'>) {
  if (!shadow || !(OUTCOMES as readonly CallEvent[]).includes(event)) return {};
  return { shadow: { bundle_sha256: shadow.bundleSha256, effect: shadow.outcome, rules: shadow.rules } };
}

/** A receipt names the method and the resource only when there is one: tools/call receipts stay as they always were. */
function subjectOf(method: Exclude<CallRequest['method'], 'tools/call'> | undefined, uri: string | undefined) {
  return { ...(method ? { method } : {}), ...(uri === undefined ? {} : { uri }) };
}

const CHANGE_EVENTS: Partial<Record<ApprovalChange['kind'], CallEvent>> = {
  hold: 'hold',
  approve: 'approve',
  reject: 'reject',
  expire: 'expire',
  cancel: 'cancel',
  void: 'void',
};

/**
 * The approvals service's recorder: the durable receipts of a change first, then the service stores
 * the change. Every reviewer decision writes a `vote` receipt; the vote that ends the hold is followed
 * by its `approve` or `reject` receipt. Both are appended in one turn, so they share one durable write.
 */
export function approvalRecorder(sink: ReceiptSink): Recorder<AppendedReceipt> {
  return async (change) => {
    const a = change.approval;
    const event = CHANGE_EVENTS[change.kind];
    const vote = change.vote && sink.append(approvalDraft('vote', a, { ...approvalStamp(a, { votes: false }), vote: voteRecord(change.vote) }));
    const end = event && sink.append({ ...approvalDraft(event, a, approvalStamp(a)), ...shadowOf(event, change) });
    const [voted, ended] = await Promise.all([vote, end]);
    return ended ?? voted; // the execution claim has no receipt of its own
  };
}

function approvalDraft(event: CallEvent, a: HeldCall, approval: NonNullable<ReceiptExtras['approval']>): ReceiptDraft {
  return {
    event,
    call: {
      id: a.call.id,
      session: a.call.session,
      rpc_id: a.call.rpc_id,
      ...subjectOf(a.call.method, a.call.uri),
      server: a.call.server,
      tool: a.call.tool,
      tool_sha256: a.call.tool_sha256,
      args_sha256: a.call.args_sha256,
      // The hold is the call's decision receipt: it names the revision as a permit would (docs/receipts.md §1.1).
      ...(event === 'hold' && a.call.protocol_version ? { protocol_version: a.call.protocol_version } : {}),
    },
    principal: { id: a.call.principal.id, groups: [...a.call.principal.groups] },
    policy: {
      bundle_sha256: a.bundle_sha256,
      rules: [a.rule_id],
      effect: 'hold',
      reason: event === 'void' ? `approval void: ${a.void_reason}` : a.reason,
    },
    approval,
    ...(event !== 'hold' && a.hold_leaf ? { ref: a.hold_leaf } : {}),
  };
}

type VoteRecord = NonNullable<NonNullable<ReceiptExtras['approval']>['vote']>;

/** A decision as receipts record it: the reviewer with their groups at that moment, the note and the evidence. */
function voteRecord(v: Vote): VoteRecord {
  return {
    reviewer: v.reviewer,
    groups: [...v.groups],
    verdict: v.verdict,
    ...(v.note ? { note: v.note.slice(0, 2000) } : {}),
    ...(Object.keys(v.evidence).length ? { evidence: { ...v.evidence } } : {}),
    at: v.at,
  };
}

/** The approval as every receipt of the held call carries it: the requirement in plain form and its hash; the votes so far unless told not to. */
export function approvalStamp(a: HeldCall, options: { votes: boolean } = { votes: true }): NonNullable<ReceiptExtras['approval']> {
  const decidedBy = a.decisions.map((d) => d.reviewer);
  const note = a.decisions
    .map((d) => d.note)
    .filter((n): n is string => Boolean(n))
    .join('\n');
  return {
    id: a.id,
    approvers: a.approvers,
    ...(decidedBy.length ? { decided_by: decidedBy } : {}),
    ...(note ? { note: note.slice(0, 4096) } : {}),
    expires_at: a.expires_at,
    requirement: a.requirement.map((entry) => ({ ...entry })),
    ...(a.requirement_sha256 ? { requirement_sha256: a.requirement_sha256 } : {}),
    ...(options.votes && a.decisions.length ? { votes: a.decisions.map(voteRecord) } : {}),
  };
}
