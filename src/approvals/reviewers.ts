// Reviewers from the config, and who may decide which held call. Tokens are compared by their
// sha256 in constant time, and every configured reviewer is compared so timing reveals nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ReviewerConfig } from '../config/index.js';

export interface Reviewer {
  id: string;
  groups: string[];
  rights: string[];
}

export class ReviewerDirectory {
  private readonly entries: Array<{ digest: Buffer; reviewer: Reviewer }>;

  constructor(reviewers: ReviewerConfig[]) {
    this.entries = reviewers.map((r) => ({
      digest: Buffer.from(r.token_sha256, 'hex'),
      reviewer: { id: r.id, groups: [...r.groups], rights: [...r.rights] },
    }));
  }

  /** The reviewer holding this bearer token, or undefined. */
  authenticate(token: string): Reviewer | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Reviewer | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, digest)) found = entry.reviewer;
    return found;
  }
}

/** Whether the reviewer is named by one of the rule's approvers ("user:<id>" or "group:<name>"). */
export function isApprover(reviewer: Reviewer, approvers: string[]): boolean {
  return approvers.some((a) => {
    if (a.startsWith('group:')) return reviewer.groups.includes(a.slice('group:'.length));
    if (a.startsWith('user:')) return reviewer.id === a.slice('user:'.length) || reviewer.id === a;
    return reviewer.id === a;
  });
}
