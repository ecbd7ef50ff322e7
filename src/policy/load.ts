// Reading policy files from disk: paths and globs (as listed in toolgate.yaml) to sources.
// Fixture files (*.test.yaml) and signature files (*.sig.json) beside the policies are never loaded as policies.
import { readFile } from 'node:fs/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import { readRegistrySource, RegistryError } from '../registry/index.js';
import { compileBundle, type CompileOptions, type PolicyBundle, type PolicySource } from './bundle.js';
import { PolicyError } from './errors.js';

/** What `toolgate policy sign` writes beside the policy files: a file it names never changes the bundle it signs. */
export const SIGNATURE_SUFFIX = '.sig.json';
const NOT_POLICIES = ['**/*.test.yaml', '**/*.test.yml', `**/*${SIGNATURE_SUFFIX}`];
const notPolicy = (file: string) => /\.test\.ya?ml$/.test(file) || file.endsWith(SIGNATURE_SUFFIX);

/** Expands the patterns; a pattern that names nothing is an error (a policy silently missing fails open). */
export async function resolvePolicyFiles(patterns: readonly string[], cwd = process.cwd()): Promise<string[]> {
  if (patterns.length === 0) throw new PolicyError('policy_unreadable', ['no policy files are configured (policies: [...])']);
  const files = new Set<string>();
  const problems: string[] = [];
  for (const pattern of patterns) {
    // Filtered here as well: tinyglobby applies `ignore` relative to cwd only.
    const found = (await glob(pattern, { cwd, absolute: true, ignore: NOT_POLICIES, expandDirectories: false })).filter((f) => !notPolicy(f));
    if (found.length === 0) problems.push(`${pattern}: ${isDynamicPattern(pattern) ? 'matches no policy files' : 'no such policy file'}`);
    for (const f of found.sort()) files.add(f);
  }
  if (problems.length) throw new PolicyError('policy_unreadable', problems);
  return [...files];
}

export async function readPolicySources(patterns: readonly string[], cwd = process.cwd()): Promise<PolicySource[]> {
  const files = await resolvePolicyFiles(patterns, cwd);
  return Promise.all(
    files.map(async (file) => {
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (err) {
        throw new PolicyError('policy_unreadable', [`${file}: cannot read: ${(err as Error).message}`], { cause: err });
      }
    }),
  );
}

/** The registry file (policy-side options name it by path), read as a source; a read failure is a policy load failure. */
export async function readRegistryOption(file: string | undefined): Promise<Pick<CompileOptions, 'registry'>> {
  if (file === undefined) return {};
  try {
    return { registry: await readRegistrySource(file) };
  } catch (err) {
    if (err instanceof RegistryError) throw new PolicyError('policy_unreadable', err.problems, { cause: err });
    throw err;
  }
}

export interface LoadOptions extends CompileOptions {
  cwd?: string;
  /** The surface registry file (toolgate.yaml `registry:`), read with the policy files. */
  registryFile?: string;
}

/** Reads and compiles in one step (startup, `policy check`). */
export async function loadPolicyBundle(patterns: readonly string[], options: LoadOptions = {}): Promise<PolicyBundle> {
  return compileBundle(await readPolicySources(patterns, options.cwd), { ...options, ...(await readRegistryOption(options.registryFile)) });
}
