// How the policy commands report a policy that does not load: every problem, one per line, on stderr.
import { PolicyError } from '../policy/index.js';

/** Prints a PolicyError's problems (each after `prefix`) and sets a failing exit code; rethrows anything else. */
export function reportFailure(err: unknown, prefix = ''): void {
  if (!(err instanceof PolicyError)) throw err;
  process.stderr.write(`${err.problems.map((p) => prefix + p).join('\n')}\n`);
  process.exitCode = 1;
}
