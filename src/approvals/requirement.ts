// Whether the approving votes meet an approval's requirement. Every entry needs its quorum of
// distinct reviewers and a reviewer counts toward one entry only, so votes are assigned to entries
// by a bipartite matching (augmenting paths), not greedily: alice in both security-team and
// platform-lead, bob in security-team only, meet {security-team: 1, platform-lead: 1} when alice
// takes platform-lead, whichever of them voted first. Pure: the groups are those recorded with
// each vote, the reviewer's groups when the vote was cast.
import { canonicalId } from '../config/index.js';
import type { ApprovalEntry } from '../core/call.js';
import { canonicalSha256 } from '../receipts/index.js';
import { isApprover } from './reviewers.js';

/** Who voted, with the groups they were in when they voted. */
export interface Voter {
  reviewer: string;
  groups: string[];
}

/** Whether this voter may count toward this entry. */
export function fitsEntry(entry: ApprovalEntry, voter: Voter): boolean {
  if (entry.group !== undefined) return voter.groups.includes(entry.group);
  return isApprover({ id: voter.reviewer, groups: voter.groups, rights: [] }, entry.approvers);
}

/** Whether the voter may decide at all: they fit some entry. */
export function isEligible(requirement: readonly ApprovalEntry[], voter: Voter): boolean {
  return requirement.some((entry) => fitsEntry(entry, voter));
}

/** Whether these approving voters meet every entry, each voter counted toward one entry only. */
export function isMet(requirement: readonly ApprovalEntry[], approving: readonly Voter[]): boolean {
  const voters = [...new Map(approving.map((v) => [canonicalId(v.reviewer), v])).values()];
  const slots = requirement.flatMap((entry) => Array.from({ length: entry.quorum }, () => entry));
  if (slots.length > voters.length) return false;
  const slotOfVoter = new Array<number>(voters.length).fill(-1);
  // Kuhn's augmenting paths: seat each slot, moving earlier seated voters to other slots they fit.
  const seat = (slot: number, visited: boolean[]): boolean => {
    for (let v = 0; v < voters.length; v++) {
      if (visited[v] || !fitsEntry(slots[slot]!, voters[v]!)) continue;
      visited[v] = true;
      if (slotOfVoter[v] === -1 || seat(slotOfVoter[v]!, visited)) {
        slotOfVoter[v] = slot;
        return true;
      }
    }
    return false;
  };
  return slots.every((_, slot) => seat(slot, new Array<boolean>(voters.length).fill(false)));
}

/** The requirement hash an approval is bound to: sha256 of the RFC 8785 JSON of the plain requirement (docs/receipts.md). */
export function requirementSha256(requirement: readonly ApprovalEntry[]): string {
  return canonicalSha256(requirement);
}

/** Everyone who may decide, for messages and the receipt's `approval.approvers` ("group:<name>" for a group entry). */
export function approversOf(requirement: readonly ApprovalEntry[]): string[] {
  return [...new Set(requirement.flatMap((e) => (e.group !== undefined ? [`group:${e.group}`] : e.approvers)))];
}

/** "1 of group:security-team and 1 of group:platform-lead (rule prod-payments)": what a reviewer is told is missing. */
export function describeRequirement(requirement: readonly ApprovalEntry[]): string {
  const byRule = new Map<string, string[]>();
  for (const e of requirement) {
    const who = e.group !== undefined ? `group:${e.group}` : e.approvers.join(' or ');
    byRule.set(e.rule, [...(byRule.get(e.rule) ?? []), `${e.quorum} of ${who}`]);
  }
  return [...byRule].map(([rule, parts]) => `${parts.join(' and ')} (rule ${rule})`).join('; ');
}
