// What a file author should read when zod refuses a YAML file: one problem per key that is wrong,
// at the path of that key. zod reports an unknown key on the object holding it (so a line number
// would point at the object) and a failed union as a bare "Invalid input"; both are unfolded here.
import type { z } from 'zod';

/** One problem at one key path; for an unknown key, the path of its object and the key itself. */
export interface SchemaProblem {
  path: PropertyKey[];
  unknownKey?: string;
  message: string;
}

export function schemaProblems(issues: readonly z.core.$ZodIssue[], at: PropertyKey[] = []): SchemaProblem[] {
  return issues.flatMap((issue): SchemaProblem[] => {
    const path = [...at, ...(issue.path as PropertyKey[])];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path, unknownKey: key, message: `unknown key(s) "${key}"` }));
    if (issue.code === 'invalid_union' && issue.errors.length) return schemaProblems(closestBranch(issue.errors), path);
    return [{ path, message: issue.message }];
  });
}

/**
 * The union branch the author most likely meant: the one with the fewest things wrong, each unknown
 * key counted (an upstream with `url:` and a typo is an HTTP upstream; one with `comand:` and
 * `args:` is a stdio upstream). On a tie the first branch, the order the schema lists them in.
 */
function closestBranch(branches: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] {
  const wrongIn = (branch: readonly z.core.$ZodIssue[]) => branch.reduce((n, i) => n + (i.code === 'unrecognized_keys' ? i.keys.length : 1), 0);
  return branches.reduce((best, branch) => (wrongIn(branch) < wrongIn(best) ? branch : best));
}
