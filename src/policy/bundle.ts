// A policy bundle: every loaded file compiled into one indexed, immutable unit with its identity,
// bundle_sha256. Compilation is pure (text in, bundle out) and reports every problem it finds,
// each as "file:line: rule "id": what".
import { createHash } from 'node:crypto';
import { basename, isAbsolute } from 'node:path';
import type { ApprovalSpec } from '../core/call.js';
import { canonicalJson } from '../core/canonical-json.js';
import { parseYamlSource, type YamlSource } from '../core/yaml-source.js';
import { parseRegistry, type Registry, RegistryError, type RegistrySource } from '../registry/index.js';
import { PathFunctions } from './cel.js';
import { type Bounds, DEFAULT_BOUNDS } from './bounds.js';
import { approvalSpec, compileRule, type CompiledRule, type KnownNames } from './compile-rule.js';
import { PolicyError } from './errors.js';
import { RuleIndex } from './rule-index.js';
import { parsePolicySource, where, type ParseResult, type ParsedPolicyFile, type PolicySource } from './parse.js';
import type { DefaultsConfig } from './schema.js';
import { setConflicts } from './set-conflicts.js';

export type { PolicySource };

export interface CompileOptions {
  /** Configured upstream names; when given, `match.server` must name one of them. */
  knownUpstreams?: readonly string[];
  /** Relative paths in path.* helpers are resolved against this (policy.path_root). */
  pathRoot?: string;
  /** The surface registry (docs/registry.md): the classes that `match.class` names. Part of the bundle. */
  registry?: RegistrySource;
}

/** The archived form of a bundle: what its sha256 is computed over. */
export interface BundleDocument {
  v: 1;
  path_root: string;
  files: Array<{ name: string; content: string }>;
  /** The surface registry the bundle was compiled with; absent without one (so older hashes stay as they were). */
  registry?: { name: string; content: string };
}

export interface PolicyBundle {
  sha256: string;
  document: BundleDocument;
  rules: readonly CompiledRule[];
  defaults: { effect: DefaultsConfig['effect']; approval: ApprovalSpec | undefined };
  index: RuleIndex<CompiledRule>;
  path: PathFunctions;
  /** What one call may cost to decide (policy files' `bounds`, or the defaults). */
  bounds: Bounds;
  /** The surface registry, when the config names one. */
  registry: Registry | undefined;
}

export function bundleDocument(sources: readonly PolicySource[], pathRoot: string, registry?: RegistrySource): BundleDocument {
  const files = sources
    .map((s) => ({ name: basename(s.file), content: s.text }))
    .sort((a, b) => (a.name === b.name ? (a.content < b.content ? -1 : 1) : a.name < b.name ? -1 : 1));
  return { v: 1, path_root: pathRoot, files, ...(registry ? { registry: { name: basename(registry.file), content: registry.text } } : {}) };
}

/** sha256 hex of the RFC 8785 canonical JSON of a value. */
export function canonicalSha256(value: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(value) ?? '', 'utf8')
    .digest('hex');
}

export function documentSha256(doc: BundleDocument): string {
  return canonicalSha256(doc);
}

interface Collected {
  rules: CompiledRule[];
  index: RuleIndex<CompiledRule>;
  defaults: Array<{ at: string; value: DefaultsConfig }>;
}

/** Compiling yields after this many rules, so that an asynchronous driver can let calls through. */
const RULES_PER_SLICE = 250;

function* compileFile(p: ParsedPolicyFile, known: KnownNames, bounds: Bounds, out: Collected, problems: string[]): Generator<void> {
  const { file, text } = p.source;
  // Lines inside a rule are only needed for messages: parse again, here, only when there is one.
  let source: YamlSource | undefined;
  const at = (path: PropertyKey[]) => where((source ??= parseYamlSource(file, text)), path);
  if (p.data.defaults) out.defaults.push({ at: p.defaultsAt ?? file, value: p.data.defaults });
  for (const [i, raw] of p.data.rules.entries()) {
    const { rule, problems: found } = compileRule(raw, { file, line: p.ruleLines[i] }, known, bounds);
    for (const f of found) problems.push(`${at(['rules', i, ...f.path])}: rule "${raw.id}": ${f.message}`);
    out.rules.push(rule);
    out.index.add(rule);
    if (i % RULES_PER_SLICE === RULES_PER_SLICE - 1) yield;
  }
}

function mergeDefaults(found: Collected['defaults'], problems: string[]): PolicyBundle['defaults'] {
  const [first, ...others] = found;
  for (const other of others) {
    if (JSON.stringify(other.value) !== JSON.stringify(first!.value)) {
      problems.push(`${other.at}: defaults differ from those at ${first!.at}; state them in one file`);
    }
  }
  const d = first?.value;
  if (d?.effect === 'require_approval' && !d.approval) problems.push(`${first!.at}: defaults.effect require_approval needs defaults.approval`);
  return { effect: d?.effect, approval: d?.approval && approvalSpec('defaults', d.approval) };
}

/** The bounds stated in the files (all that state them must agree), or the defaults. */
function mergeBounds(results: readonly ParseResult[], problems: string[]): Bounds {
  const stated = results.flatMap((r) => (r.ok && r.parsed.data.bounds ? [{ at: r.parsed.source.file, value: r.parsed.data.bounds }] : []));
  const [first, ...others] = stated;
  for (const other of others) {
    if (JSON.stringify(other.value) !== JSON.stringify(first!.value))
      problems.push(`${other.at}: bounds differ from those in ${first!.at}; state them in one file`);
  }
  return first?.value ?? DEFAULT_BOUNDS;
}

function duplicateIds(rules: readonly CompiledRule[], problems: string[]): void {
  const seen = new Map<string, CompiledRule>();
  for (const r of rules) {
    const prior = seen.get(r.id);
    if (prior) problems.push(`${r.file}:${r.line ?? '?'}: rule "${r.id}": duplicate rule id (first defined at ${prior.file}:${prior.line ?? '?'})`);
    else seen.set(r.id, r);
  }
}

/** Builds the bundle from parsed files, yielding between slices of rules; throws a PolicyError listing every problem. */
export function* assembleBundle(sources: readonly PolicySource[], results: readonly ParseResult[], options: CompileOptions): Generator<void, PolicyBundle> {
  const pathRoot = options.pathRoot ?? '/';
  // A relative root would make decisions depend on the process's working directory.
  if (!isAbsolute(pathRoot)) throw new PolicyError('policy_invalid', [`policy.path_root must be an absolute path (got ${JSON.stringify(pathRoot)})`]);
  const problems: string[] = [];
  const registry = registryOf(options.registry);
  const out: Collected = { rules: [], index: new RuleIndex([], (server, tool) => registry?.classOf(server, tool)), defaults: [] };
  const bounds = mergeBounds(results, problems);
  const known: KnownNames = { upstreams: options.knownUpstreams, classes: registry && [...registry.classes.keys()] };
  for (const r of results) {
    if (r.ok) yield* compileFile(r.parsed, known, bounds, out, problems);
    else problems.push(...r.problems);
  }
  const defaults = mergeDefaults(out.defaults, problems);
  duplicateIds(out.rules, problems);
  problems.push(...setConflicts(out.rules));
  if (problems.length) throw new PolicyError('policy_invalid', problems);
  const document = bundleDocument(sources, pathRoot, options.registry);
  return {
    sha256: documentSha256(document),
    document,
    rules: out.rules,
    defaults,
    index: out.index,
    path: new PathFunctions(pathRoot),
    bounds,
    registry,
  };
}

/** The registry the bundle matches classes against; a broken one refuses the bundle with its own problems alone. */
function registryOf(source: RegistrySource | undefined): Registry | undefined {
  if (!source) return undefined;
  try {
    return parseRegistry(source);
  } catch (err) {
    if (err instanceof RegistryError) throw new PolicyError('policy_invalid', err.problems, { cause: err });
    throw err;
  }
}

/** Compiles the sources into a bundle in one go, or throws a PolicyError listing every problem. */
export function compileBundle(sources: readonly PolicySource[], options: CompileOptions = {}): PolicyBundle {
  const steps = assembleBundle(sources, sources.map(parsePolicySource), options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
