// The policy in force for a running gateway: the current bundle, a Decider that always uses it,
// and hot reload. A new bundle replaces the old one in a single reference assignment, so a call
// is decided wholly by one bundle; a bundle that fails to compile is logged and the old one stays.
// A watched reload also waits for writers to finish (settle.ts), so no rule is lost mid-write. With a
// review step (policy.require_signatures), a bundle its reviewers have not signed never takes effect.
// A shadow candidate (shadow.ts), when configured, is read and reloaded with the bundle in force;
// it needs no signatures, since it never takes effect.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { CallRequest, Decider, Decision } from '../core/call.js';
import type { Logger } from '../log.js';
import { archiveBundle } from './archive.js';
import type { CompileOptions, PolicyBundle, PolicySource } from './bundle.js';
import { policyChangeOf, type BundleSigner, type PolicyChange } from './change.js';
import { evaluate } from './evaluate.js';
import { readPolicySources, readRegistryOption, resolvePolicyFiles } from './load.js';
import { compileBundleOffThread, type ParseCache } from './off-thread.js';
import { DEFAULT_REMOVAL_HOLD_MS, DEFAULT_SETTLE_MS, readSettled, removedRules, type SettleOptions } from './settle.js';
import { ShadowCandidate, type ShadowLoad } from './shadow.js';

export interface PolicyEngineOptions extends CompileOptions {
  /** Paths and globs of policy files (absolute, or relative to `cwd`). */
  files: readonly string[];
  cwd?: string;
  /** The surface registry file (toolgate.yaml `registry:`): read, watched and reloaded with the policy files. */
  registryFile?: string;
  /** Where bundles are archived by sha256 (policy.archive_dir); no archive when absent. */
  archiveDir?: string;
  log: Logger;
  /**
   * Records each bundle before it takes effect (at open and on every reload), as a policy_change
   * receipt. When it fails, the bundle does not take effect: startup fails, a reload keeps the previous one.
   */
  record?: (change: PolicyChange) => Promise<void>;
  /**
   * Admits a bundle before it takes effect: returns who signed it (the change's `signed_by`), or
   * throws a PolicyError when too few did; then startup fails and a reload keeps the previous bundle.
   * `files` are the paths of the bundle's policy files (signatures are kept beside them).
   */
  review?: (change: PolicyChange, files: readonly string[]) => Promise<BundleSigner[]>;
  /** Called after every reload attempt (metrics, tests). */
  onReload?: (result: { ok: true; sha256: string } | { ok: false; error: Error }) => void;
  /** Paths and globs of a shadow candidate (policy.shadow): it decides beside the bundle in force and never enforces. */
  shadow?: readonly string[];
  /** Called after each load of the shadow candidate that compiled a new one or failed. */
  onShadowLoad?: (result: ShadowLoad) => void;
}

/** The engine's options with the registry file read as it is now. */
const compileOptions = async (options: PolicyEngineOptions): Promise<CompileOptions> => ({ ...options, ...(await readRegistryOption(options.registryFile)) });

/** Reviews, archives and records a bundle: once this returns, `next` may decide calls. */
async function admit(options: PolicyEngineOptions, previous: PolicyBundle | undefined, next: PolicyBundle, sources: readonly PolicySource[]): Promise<void> {
  const signedBy =
    (await options.review?.(
      policyChangeOf(previous, next),
      sources.map((s) => s.file),
    )) ?? [];
  if (options.archiveDir) await archiveBundle(options.archiveDir, next);
  await options.record?.(policyChangeOf(previous, next, signedBy));
}

/** What one reload attempt reads from: the files as they are now, or only once writers are done. */
type ReloadMode = 'now' | 'settled';

export class PolicyEngine {
  private bundle: PolicyBundle;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<boolean> | undefined;
  private again: ReloadMode | undefined;
  private settle: Required<SettleOptions> = { settleMs: DEFAULT_SETTLE_MS, removalHoldMs: DEFAULT_REMOVAL_HOLD_MS };
  /** When a watched folder last changed (ms since the epoch). */
  private changedAt = 0;
  private readonly reloadedListeners: Array<(bundle: PolicyBundle) => void> = [];

  private constructor(
    private readonly options: PolicyEngineOptions,
    initial: PolicyBundle,
    private readonly parsed: ParseCache,
    private readonly shadow: ShadowCandidate | undefined,
  ) {
    this.bundle = initial;
  }

  /** Loads the first bundle; a broken policy stops startup (throws PolicyError). */
  static async open(options: PolicyEngineOptions): Promise<PolicyEngine> {
    const parsed: ParseCache = new Map();
    const sources = await readPolicySources(options.files, options.cwd);
    const bundle = await compileBundleOffThread(sources, await compileOptions(options), parsed);
    await admit(options, undefined, bundle, sources);
    options.log.info({ bundle_sha256: bundle.sha256, rules: bundle.rules.length }, 'policy loaded');
    const shadow = options.shadow?.length ? new ShadowCandidate({ archiveDir: options.archiveDir, log: options.log, onLoad: options.onShadowLoad }) : undefined;
    await shadow?.load(
      () => readPolicySources(options.shadow!, options.cwd),
      () => compileOptions(options),
    );
    return new PolicyEngine(options, bundle, parsed, shadow);
  }

  get current(): PolicyBundle {
    return this.bundle;
  }

  /** Calls `listener` with each bundle that takes effect on a reload (after it is in force). */
  onReloaded(listener: (bundle: PolicyBundle) => void): void {
    this.reloadedListeners.push(listener);
  }

  /** Decides with whichever bundle is current when the call arrives. Never throws. */
  readonly decide: Decider = (request) => evaluate(this.bundle, request);

  /** What the shadow candidate decides (undefined while none is loaded); it enforces nothing. */
  readonly decideShadow = (request: CallRequest): Decision | undefined => this.shadow?.decide(request);

  /**
   * Recompiles from disk as the files are now (parsing off the main thread, so calls keep being
   * decided meanwhile); true when a new bundle is in force. Concurrent calls coalesce.
   */
  reload(): Promise<boolean> {
    return this.run('now');
  }

  private run(mode: ReloadMode): Promise<boolean> {
    if (this.reloading) {
      if (this.again !== 'now') this.again = mode;
      return this.reloading;
    }
    this.reloading = this.reloadOnce(mode).finally(() => {
      this.reloading = undefined;
      const again = this.again;
      this.again = undefined;
      if (again) void this.run(again);
    });
    return this.reloading;
  }

  /** The files to compile, or undefined when a watched reload must wait for a writer. */
  private async sources(mode: ReloadMode, files = this.options.files): Promise<PolicySource[] | undefined> {
    if (mode === 'now') return readPolicySources(files, this.options.cwd);
    const read = await readSettled(files, this.options.cwd);
    if (read.settled) return read.sources;
    this.options.log.warn({ why: read.why, bundle_sha256: this.bundle.sha256 }, 'policy reload waits: the files look unfinished');
    return undefined;
  }

  /** A watched reload that removes rules takes effect only once the files have been quiet for the removal hold. */
  private holdsRemoval(mode: ReloadMode, next: PolicyBundle): boolean {
    const removed = removedRules(this.bundle, next);
    if (mode === 'now' || removed.length === 0) return false;
    const wait = this.changedAt + this.settle.removalHoldMs - Date.now();
    if (wait > 0) {
      this.options.log.info({ removed, wait_ms: wait }, 'policy reload removes rules; it waits until the files stay unchanged');
      this.schedule(wait);
      return true;
    }
    this.options.log.warn({ removed }, 'policy reload removes rules');
    return false;
  }

  private async reloadOnce(mode: ReloadMode): Promise<boolean> {
    const { log, onReload } = this.options;
    await this.shadow?.load(
      () => this.sources(mode, this.options.shadow),
      () => compileOptions(this.options),
    );
    try {
      const sources = await this.sources(mode);
      if (!sources) return false;
      const next = await compileBundleOffThread(sources, await compileOptions(this.options), this.parsed);
      if (next.sha256 === this.bundle.sha256 || this.holdsRemoval(mode, next)) return false;
      await admit(this.options, this.bundle, next, sources);
      const previous = this.bundle.sha256;
      this.bundle = next;
      log.info({ bundle_sha256: next.sha256, previous, rules: next.rules.length }, 'policy reloaded');
      onReload?.({ ok: true, sha256: next.sha256 });
      for (const listener of this.reloadedListeners) listener(next);
      return true;
    } catch (err) {
      log.error({ err: (err as Error).message, bundle_sha256: this.bundle.sha256 }, 'policy reload rejected; the previous policy stays in force');
      onReload?.({ ok: false, error: err as Error });
      return false;
    }
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run('settled'), ms);
  }

  /**
   * Watches the folders that hold the policy files (editors often replace a file rather than
   * write it, and globs can gain files), reloading once the files have been quiet for `settleMs`.
   */
  async watch(settle: SettleOptions = {}): Promise<void> {
    if (this.watchers.length) return;
    this.settle = { ...this.settle, ...settle };
    const files = await resolvePolicyFiles(this.options.files, this.options.cwd);
    // A shadow candidate that names no file yet adds no folder; a broken one still does.
    const candidate = this.shadow ? await resolvePolicyFiles(this.options.shadow!, this.options.cwd).catch(() => []) : [];
    const dirs = new Set([...files, ...candidate, ...(this.options.registryFile ? [this.options.registryFile] : [])].map((f) => dirname(f)));
    for (const dir of dirs) {
      const w = watch(dir, { persistent: false }, () => {
        this.changedAt = Date.now();
        this.schedule(this.settle.settleMs);
      });
      w.on('error', (err) => this.options.log.warn({ err: err.message, dir }, 'policy watch failed'));
      this.watchers.push(w);
    }
  }

  close(): void {
    clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
