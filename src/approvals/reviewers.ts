// Reviewers from the config, and who may decide which held call. Tokens are checked by the HTTP
// edge's token table (sha256, constant time, every reviewer compared).
import { sameIdentity, type ReviewerConfig } from '../config/index.js';
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

/** Whether the reviewer is named by one of the rule's approvers ("group:<name>", or an id in any spelling). */
export function isApprover(reviewer: Reviewer, approvers: string[]): boolean {
  return approvers.some((a) => (a.startsWith('group:') ? reviewer.groups.includes(a.slice('group:'.length)) : sameIdentity(reviewer.id, a)));
}
