// The policy area's one error class. Load problems carry every finding (file:line, rule id, what),
// so `toolgate policy check` and a refused reload can show them all at once.
import { ToolgateError } from '../core/errors.js';

export type PolicyErrorCode = 'policy_invalid' | 'policy_unreadable' | 'policy_archive' | 'policy_unsigned';

export class PolicyError extends ToolgateError<PolicyErrorCode> {
  /** One line per problem, each starting with "file:line". */
  readonly problems: string[];
  constructor(code: PolicyErrorCode, problems: string[], options?: { cause?: unknown }) {
    super(code, problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}
