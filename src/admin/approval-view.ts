// What a reviewer sees of a held call: everything needed to decide, in the API's words.
import type { HeldCall } from '../approvals/index.js';

/** `agentWaiting`: the agent's request is still open on this call, so an approval lets it go ahead now. */
export function approvalView(a: HeldCall, now: Date, agentWaiting: boolean) {
  return {
    id: a.id,
    status: a.status,
    method: a.call.method ?? 'tools/call',
    upstream: a.call.server,
    tool: a.call.tool,
    ...(a.call.uri === undefined ? {} : { uri: a.call.uri }),
    arguments: a.call.args,
    args_sha256: a.call.args_sha256,
    principal: a.call.principal,
    rule: a.rule_id,
    reason: a.reason,
    tool_definition: a.call.tool_definition,
    tool_sha256: a.call.tool_sha256,
    annotations: a.call.annotations,
    bundle_sha256: a.bundle_sha256,
    approvers: a.approvers,
    requirement: a.requirement,
    requirement_sha256: a.requirement_sha256,
    evidence_required: a.evidence,
    decisions: a.decisions,
    created_at: a.created_at,
    age_ms: Math.max(0, now.getTime() - Date.parse(a.created_at)),
    expires_at: a.expires_at,
    valid_until: a.valid_until,
    decided_at: a.decided_at,
    executed_at: a.executed_at,
    call_id: a.call.id,
    session: a.call.session,
    agent_waiting: a.status === 'pending' && agentWaiting,
  };
}
