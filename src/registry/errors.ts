// The registry area's one error class: every problem found in the file, each as "file:line: key: what".
import { ToolgateError } from '../core/errors.js';

export type RegistryErrorCode = 'registry_invalid' | 'registry_unreadable';

export class RegistryError extends ToolgateError<RegistryErrorCode> {
  readonly problems: string[];
  constructor(code: RegistryErrorCode, problems: string[], options?: { cause?: unknown }) {
    super(code, problems.length === 1 ? problems[0]! : `${problems.length} problems:\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}
