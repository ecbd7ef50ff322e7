// `toolgate policy keygen|sign|signatures`: a reviewer's key, a reviewer's signature over the bundle
// the gateway would run (or over one policy folder's files), and who has signed the bundle as it is
// now. Every command runs without a terminal, so scripts and CI can sign (docs/policies.md, "Signed bundles").
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { parseDocument, stringify } from 'yaml';
import type { Config } from '../config/index.js';
import { compileBundle, policyChangeOf, readPolicySources, type CompileOptions, type PolicyChange, type PolicySource } from '../policy/index.js';
import { pemFromSeed, seedFromPem, signerFromSeed } from '../receipts/index.js';
import { readRegistrySource } from '../registry/index.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';
import { reportFailure } from './policy-failure.js';
import {
  parseReviewerKeyring,
  readReviewerKeyring,
  REVIEWER_KEYRING_VERSION,
  ReviewerEntrySchema,
  reviewBundle,
  signatureFileName,
  signReview,
  type ReviewerEntry,
} from './policy-review.js';

interface TargetOptions extends ConfigFlag {
  pathRoot?: string;
}

/** The bundle to sign or list: one folder's policy files, or (with -c, or without a folder) the config's whole bundle. */
async function target(folder: string | undefined, opts: TargetOptions): Promise<{ change: PolicyChange; files: string[]; config?: Config }> {
  let sources: PolicySource[];
  let options: CompileOptions;
  let config: Config | undefined;
  if (folder && !opts.config) {
    sources = await readPolicySources([join(folder, '*.{yaml,yml}')]);
    options = { pathRoot: resolve(opts.pathRoot ?? '/') };
  } else {
    config = readConfig(opts).config;
    sources = await readPolicySources(folder ? [join(folder, '*.{yaml,yml}')] : config.policies);
    options = {
      knownUpstreams: Object.keys(config.upstreams),
      pathRoot: opts.pathRoot ? resolve(opts.pathRoot) : config.policy.path_root,
      ...(config.registry ? { registry: await readRegistrySource(config.registry) } : {}),
    };
  }
  // Only a bundle that compiles is worth a review; a broken one reports its problems (PolicyError).
  const change = policyChangeOf(undefined, compileBundle(sources, options));
  return { change, files: sources.map((s) => s.file).sort(), ...(config && { config }) };
}

interface KeygenOptions {
  name: string;
  key: string;
  keyring?: string;
}

/** Adds the entry to the keyring file (YAML or JSON, comments kept), or creates it; the result must still load. */
function addToKeyring(file: string, entry: ReviewerEntry): void {
  const text = existsSync(file)
    ? (() => {
        const doc = parseDocument(readFileSync(file, 'utf8'));
        doc.addIn(['reviewers'], doc.createNode(entry, { flow: true }));
        return String(doc);
      })()
    : stringify({ version: REVIEWER_KEYRING_VERSION, reviewers: [entry] });
  parseReviewerKeyring(file, text);
  writeFileSync(file, text);
}

function keygen(opts: KeygenOptions): void {
  const name = ReviewerEntrySchema.shape.name.safeParse(opts.name);
  if (!name.success) throw new Error(`--name ${JSON.stringify(opts.name)}: ${name.error.issues[0]?.message}`);
  if (opts.keyring && existsSync(opts.keyring)) {
    const taken = [...parseReviewerKeyring(opts.keyring, readFileSync(opts.keyring, 'utf8')).values()].some((r) => r.name === opts.name);
    if (taken) throw new Error(`${opts.keyring} already has a reviewer named ${opts.name}`);
  }
  const seed = randomBytes(32);
  const signer = signerFromSeed(seed);
  try {
    writeFileSync(opts.key, pemFromSeed(seed), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    throw new Error(`cannot create ${opts.key} (keygen never overwrites a key): ${(err as Error).message}`);
  }
  const entry = { name: opts.name, key_id: signer.keyId, public_key: Buffer.from(signer.publicKey).toString('base64') };
  if (opts.keyring) addToKeyring(opts.keyring, entry);
  process.stdout.write(
    `created ${signer.keyId} for ${opts.name}\n  key file: ${opts.key}\n  keyring entry: ${JSON.stringify(entry)}\n${opts.keyring ? `  added to ${opts.keyring}\n` : ''}`,
  );
}

interface SignOptions extends TargetOptions {
  key: string;
  now?: string;
}

async function sign(folder: string | undefined, opts: SignOptions): Promise<void> {
  const now = opts.now === undefined ? new Date() : new Date(opts.now);
  if (Number.isNaN(now.getTime())) throw new Error(`--now ${JSON.stringify(opts.now)} is not an RFC 3339 time`);
  let pem: string;
  try {
    pem = readFileSync(opts.key, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the key file ${opts.key}: ${(err as Error).message}`);
  }
  const signer = signerFromSeed(seedFromPem(pem));
  let bundle: Awaited<ReturnType<typeof target>>;
  try {
    bundle = await target(folder, opts);
  } catch (err) {
    return reportFailure(err);
  }
  const file = join(dirname(bundle.files[0]!), signatureFileName(signer.keyId));
  // Written whole, then renamed: a watching gateway never reads half a signature.
  writeFileSync(`${file}.tmp`, signReview(bundle.change, signer, now));
  renameSync(`${file}.tmp`, file);
  process.stdout.write(`signed bundle ${bundle.change.bundle_sha256} with ${signer.keyId}: ${file}\n`);
  const required = bundle.config?.policy.require_signatures;
  if (required && !(await readReviewerKeyring(required.keyring)).has(signer.keyId)) {
    process.stderr.write(`warning: ${signer.keyId} is not in the reviewer keyring ${required.keyring}: the gateway will not count this signature\n`);
  }
}

interface SignaturesOptions extends TargetOptions {
  keyring?: string;
  quorum?: string;
  json?: boolean;
}

async function signatures(folder: string | undefined, opts: SignaturesOptions): Promise<void> {
  let bundle: Awaited<ReturnType<typeof target>>;
  try {
    bundle = await target(folder, opts);
  } catch (err) {
    return reportFailure(err);
  }
  const required = bundle.config?.policy.require_signatures;
  const keyring = opts.keyring ?? required?.keyring;
  if (!keyring) throw new Error('no reviewer keyring: pass --keyring <file>, or -c a config with policy.require_signatures');
  const quorum = opts.quorum === undefined ? (required?.quorum ?? 1) : Number(opts.quorum);
  if (!Number.isInteger(quorum) || quorum < 1) throw new Error(`--quorum ${opts.quorum}: a whole number of at least 1`);
  const review = await reviewBundle(bundle.change, bundle.files, await readReviewerKeyring(keyring));
  const met = review.signers.length >= quorum;
  if (!met) process.exitCode = 1;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ bundle_sha256: bundle.change.bundle_sha256, quorum, met, ...review }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`bundle_sha256 ${bundle.change.bundle_sha256}\n`);
  for (const s of review.signers) process.stdout.write(`valid    ${s.name} ${s.key_id} signed ${s.signed_at} ${s.file}\n`);
  for (const r of review.refused) process.stdout.write(`invalid  ${r.file}: ${r.why}\n`);
  process.stdout.write(`${review.signers.length} of ${quorum} needed: quorum ${met ? 'met' : 'not met'}\n`);
}

export function registerPolicySigning(policy: Command): void {
  policy
    .command('keygen')
    .description("create a reviewer's ed25519 key file (mode 0600) and its reviewer keyring entry")
    .requiredOption('--name <name>', "the reviewer's name, as signed_by will show it")
    .requiredOption('--key <file>', 'the private key file to create (never overwritten)')
    .option('--keyring <file>', 'add the entry to this reviewer keyring (created when missing)')
    .action((opts: KeygenOptions) => keygen(opts));
  withConfigOption(policy.command('sign [folder]'))
    .description("sign the config's bundle (or one folder's policy files) with a reviewer's key; writes <key id>.sig.json beside the policy files")
    .requiredOption('--key <file>', "the reviewer's private key file (PKCS#8 PEM, from policy keygen or keys generate)")
    .option('--path-root <dir>', "root for relative paths in path.* helpers (default: the config's, else /)")
    .option('--now <time>', 'RFC 3339 time to state as signed_at (default: now)')
    .action((folder: string | undefined, opts: SignOptions) => sign(folder, opts));
  withConfigOption(policy.command('signatures [folder]'))
    .description('list who signed the bundle as it is now, which signatures do not count and why, and whether the quorum is met')
    .option('--keyring <file>', 'the reviewer keyring (default: policy.require_signatures.keyring of the config)')
    .option('--quorum <n>', "signatures needed (default: the config's, else 1)")
    .option('--path-root <dir>', "root for relative paths in path.* helpers (default: the config's, else /)")
    .option('--json', 'print the review as JSON')
    .action((folder: string | undefined, opts: SignaturesOptions) => signatures(folder, opts));
}
