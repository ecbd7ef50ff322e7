// Reviewers from the config, and who may decide which held call. Tokens are checked by the HTTP
// edge's token table (sha256, constant time, every reviewer compared).
import type { ReviewerConfig } from '../config/index.js';
import { TokenTable } from '../http/index.js';

export interface Reviewer {
  id: string;
  groups: string[];
  rights: string[];
}

export class ReviewerDirectory {
  private readonly tokens: TokenTable<Reviewer>;

  constructor(reviewers: ReviewerConfig[]) {
    this.tokens = new TokenTable(reviewers.map((r) => ({ token_sha256: r.token_sha256, holder: { id: r.id, groups: [...r.groups], rights: [...r.rights] } })));
  }

  /** The reviewer holding this bearer token, or undefined. */
  authenticate(token: string): Reviewer | undefined {
    return this.tokens.find(token);
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
