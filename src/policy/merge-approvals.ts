// When several approval rules match one call, the hold must satisfy all of them: every rule's
// requirement entries, every rule's evidence demand, the shortest of their deadlines and every
// rule's webhook. (No rule's requirement may be dropped because another asks for more.)
import type { ApprovalSpec } from '../core/call.js';

/** The approval of several matched rules, independent of their order in the files. */
export function mergeApprovals(specs: readonly ApprovalSpec[]): ApprovalSpec {
  const sorted = [...specs].sort((a, b) => (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  const [first, ...rest] = sorted;
  if (!first) throw new Error('mergeApprovals needs at least one approval');
  if (!rest.length) return first;
  return {
    ruleId: first.ruleId,
    requirement: sorted.flatMap((s) => s.requirement),
    evidence: { note: sorted.some((s) => s.evidence.note), fields: [...new Set(sorted.flatMap((s) => s.evidence.fields))] },
    timeoutMs: Math.min(...sorted.map((s) => s.timeoutMs)),
    waitMs: Math.min(...sorted.map((s) => s.waitMs)),
    webhooks: [...new Set(sorted.flatMap((s) => s.webhooks))],
  };
}
