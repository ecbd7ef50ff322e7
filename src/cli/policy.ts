// `toolgate policy check|test|explain`: validate policy files, run the fixture cases kept beside
// them, and show why one call gets the decision it gets. With a config, check and explain also read
// its shadow candidate (policy.shadow). Signing bundles lives in policy-sign.ts.
import type { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config/index.js';
import {
  CallInputSchema,
  callRequest,
  evaluate,
  explain,
  loadPolicyBundle,
  PolicyError,
  policyJsonSchema,
  unknownToolNames,
  type LoadOptions,
  type PolicyBundle,
} from '../policy/index.js';

import { approvalText } from './approval-text.js';
import { reportFailure } from './policy-failure.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';
import { registerPolicySigning } from './policy-sign.js';
import { runFixtures, type TestOptions } from './policy-test.js';
import { listToolNames } from './tool-names.js';

interface BundleOptions extends ConfigFlag {
  pathRoot?: string;
}

const loadOptions = (config: Config, opts: BundleOptions): LoadOptions => ({
  knownUpstreams: Object.keys(config.upstreams),
  pathRoot: opts.pathRoot ?? config.policy.path_root,
  registryFile: config.registry,
});

/** Files given on the command line, or the `policies` (and upstream names, path_root) of a config. */
async function bundleFor(files: string[], opts: BundleOptions): Promise<PolicyBundle> {
  if (files.length && !opts.config) return loadPolicyBundle(files, { pathRoot: opts.pathRoot ?? '/' });
  const { config } = readConfig(opts);
  return loadPolicyBundle(files.length ? files : config.policies, loadOptions(config, opts));
}

/** The config's shadow candidate, compiled as serve compiles it; none when files are named or the config has none. */
async function candidateFor(files: string[], opts: BundleOptions): Promise<PolicyBundle | undefined> {
  if (files.length) return undefined;
  const { config } = readConfig(opts);
  return config.policy.shadow.length ? loadPolicyBundle(config.policy.shadow, loadOptions(config, opts)) : undefined;
}

const CANDIDATE = 'shadow candidate';

/** Warns (stderr) about rules naming a tool their upstream does not offer now; the policy still passes. */
async function warnAboutToolNames(bundle: PolicyBundle, opts: BundleOptions): Promise<void> {
  const { catalogs, unavailable } = await listToolNames(readConfig(opts).config);
  for (const u of unavailable) process.stderr.write(`warning: cannot list the tools of ${u.upstream}; tool names of its rules are not checked\n`);
  for (const line of unknownToolNames(bundle, catalogs)) process.stderr.write(`warning: ${line}\n`);
}

async function check(files: string[], opts: BundleOptions): Promise<void> {
  try {
    const bundle = await bundleFor(files, opts);
    process.stdout.write(`ok: ${bundle.rules.length} rules in ${bundle.document.files.length} files, bundle_sha256 ${bundle.sha256}\n`);
    if (opts.config) await warnAboutToolNames(bundle, opts);
  } catch (err) {
    reportFailure(err);
  }
  // serve leaves a broken candidate out and enforces; a check before merging fails on it.
  try {
    const candidate = await candidateFor(files, opts);
    if (candidate)
      process.stdout.write(`${CANDIDATE} ok: ${candidate.rules.length} rules in ${candidate.document.files.length} files, bundle_sha256 ${candidate.sha256}\n`);
  } catch (err) {
    reportFailure(err, `${CANDIDATE}: `);
  }
}

interface ExplainOptions extends BundleOptions {
  method: string;
  server: string;
  tool?: string;
  uri?: string;
  args: string;
  principal: string;
  groups?: string;
  now?: string;
  json?: boolean;
}

async function explainCall(files: string[], opts: ExplainOptions): Promise<void> {
  let args: unknown;
  try {
    args = JSON.parse(opts.args);
  } catch (err) {
    throw new Error(`--args is not JSON: ${(err as Error).message}`);
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error('--args must be a JSON object');
  let bundle: PolicyBundle;
  try {
    bundle = await bundleFor(files, opts);
  } catch (err) {
    return reportFailure(err);
  }
  const groups = opts.groups
    ? opts.groups
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean)
    : [];
  const input = {
    method: opts.method,
    server: opts.server,
    ...(opts.tool === undefined ? {} : { tool: opts.tool }),
    ...(opts.uri === undefined ? {} : { uri: opts.uri }),
    args: args as Record<string, unknown>,
    principal: { id: opts.principal, groups },
    now: opts.now ?? new Date().toISOString(),
  };
  const checked = CallInputSchema.safeParse(input);
  if (!checked.success) throw new Error(`invalid call: ${z.prettifyError(checked.error).replaceAll('\n', ' ')}`);
  const request = callRequest(checked.data);
  const result = explain(bundle, request);
  const shadow = await candidateDecision(files, opts, request);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(shadow ? { ...result, shadow } : result, null, 2)}\n`);
    return;
  }
  for (const r of result.rules) {
    process.stdout.write(`${r.status === 'matched' ? 'MATCH' : '  -  '} ${r.id} (${r.effect}, ${r.at}): ${r.why}\n`);
  }
  const d = result.decision;
  process.stdout.write(`\ndecision: ${d.outcome.toUpperCase()}${d.rules.length ? ` by [${d.rules.join(', ')}]` : ''}\nreason: ${d.reason}\n`);
  if (d.effectiveArgs) process.stdout.write(`forwarded args: ${JSON.stringify(d.effectiveArgs)}\n`);
  if (d.approval) process.stdout.write(approvalText(d.approval));
  for (const l of d.limits ?? []) process.stdout.write(`limit: ${l.key} ${l.kind} ${l.amount} of ${l.max} per ${l.windowMs}ms\n`);
  process.stdout.write(`bundle_sha256: ${d.bundleSha256}\n`);
  if (shadow)
    process.stdout.write(
      `${CANDIDATE}: ${shadow.outcome.toUpperCase()}${shadow.rules.length ? ` by [${shadow.rules.join(', ')}]` : ''} (bundle_sha256 ${shadow.bundleSha256})\n`,
    );
}

/** What the config's shadow candidate decides for the call; a candidate that does not load is a warning here, as in serve. */
async function candidateDecision(files: string[], opts: BundleOptions, request: ReturnType<typeof callRequest>) {
  try {
    const candidate = await candidateFor(files, opts);
    return candidate && evaluate(candidate, request);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    process.stderr.write(`warning: ${CANDIDATE} not loaded:\n${err.problems.join('\n')}\n`);
    return undefined;
  }
}

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('check, test, explain and sign policy files');
  withConfigOption(policy.command('check [files...]'))
    .description('validate policy files (or those of the config, checking upstream names too)')
    .option('--path-root <dir>', 'root for relative paths in path.* helpers')
    .action((files: string[], opts: BundleOptions) => check(files, opts));
  withConfigOption(policy.command('test [dirs...]'))
    .description('run the fixture cases (*.test.yaml) beside the policies; each folder is one bundle, or with -c the bundle the gateway runs')
    .option('--path-root <dir>', "root for relative paths in path.* helpers (default: the config's, else /)")
    .option('-v, --verbose', 'list passing cases too')
    .action((dirs: string[], opts: TestOptions) => runFixtures(dirs, opts));
  withConfigOption(policy.command('explain [files...]'))
    .description('show for one call which rules match, which do not and why, and the decision')
    .requiredOption('--server <name>', 'upstream name')
    .option('--tool <name>', "the upstream's own tool (or prompt) name")
    .option('--method <method>', 'the MCP method (tools/call, resources/read, resources/subscribe, prompts/get, completion/complete)', 'tools/call')
    .option('--uri <uri>', 'the resource a resources/read, resources/subscribe or completion is about')
    .option('--args <json>', 'arguments as a JSON object', '{}')
    .requiredOption('--principal <id>', 'principal id')
    .option('--groups <list>', 'principal groups, comma-separated')
    .option('--now <time>', 'RFC 3339 time of the call (default: now)')
    .option('--path-root <dir>', 'root for relative paths in path.* helpers')
    .option('--json', 'print the explanation as JSON')
    .action((files: string[], opts: ExplainOptions) => explainCall(files, opts));
  policy
    .command('schema')
    .description('print the JSON Schema of policy files (for editor completion and validation)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
    });
  registerPolicySigning(policy);
}
