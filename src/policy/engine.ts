// The policy in force for a running gateway: the current bundle, a Decider that always uses it,
// and hot reload. A new bundle replaces the old one in a single reference assignment, so a call
// is decided wholly by one bundle; a bundle that fails to compile is logged and the old one stays.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Decider } from '../core/call.js';
import type { Logger } from '../log.js';
import { archiveBundle } from './archive.js';
import type { CompileOptions, PolicyBundle } from './bundle.js';
import { evaluate } from './evaluate.js';
import { readPolicySources, resolvePolicyFiles } from './load.js';
import { compileBundleOffThread, type ParseCache } from './off-thread.js';

export interface PolicyEngineOptions extends CompileOptions {
  /** Paths and globs of policy files (absolute, or relative to `cwd`). */
  files: readonly string[];
  cwd?: string;
  /** Where bundles are archived by sha256 (policy.archive_dir); no archive when absent. */
  archiveDir?: string;
  log: Logger;
  /** Called after every reload attempt (metrics, tests). */
  onReload?: (result: { ok: true; sha256: string } | { ok: false; error: Error }) => void;
}

export class PolicyEngine {
  private bundle: PolicyBundle;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<boolean> | undefined;
  private again = false;

  private constructor(
    private readonly options: PolicyEngineOptions,
    initial: PolicyBundle,
    private readonly parsed: ParseCache,
  ) {
    this.bundle = initial;
  }

  /** Loads the first bundle; a broken policy stops startup (throws PolicyError). */
  static async open(options: PolicyEngineOptions): Promise<PolicyEngine> {
    const parsed: ParseCache = new Map();
    const bundle = await compileBundleOffThread(await readPolicySources(options.files, options.cwd), options, parsed);
    if (options.archiveDir) await archiveBundle(options.archiveDir, bundle);
    options.log.info({ bundle_sha256: bundle.sha256, rules: bundle.rules.length }, 'policy loaded');
    return new PolicyEngine(options, bundle, parsed);
  }

  get current(): PolicyBundle {
    return this.bundle;
  }

  /** Decides with whichever bundle is current when the call arrives. Never throws. */
  readonly decide: Decider = (request) => evaluate(this.bundle, request);

  /**
   * Recompiles from disk (parsing off the main thread, so calls keep being decided meanwhile);
   * true when a new bundle is in force. Concurrent calls coalesce.
   */
  reload(): Promise<boolean> {
    if (this.reloading) {
      this.again = true;
      return this.reloading;
    }
    this.reloading = this.reloadOnce().finally(() => {
      this.reloading = undefined;
      if (this.again) {
        this.again = false;
        void this.reload();
      }
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<boolean> {
    const { log, onReload } = this.options;
    try {
      const next = await compileBundleOffThread(await readPolicySources(this.options.files, this.options.cwd), this.options, this.parsed);
      if (next.sha256 === this.bundle.sha256) return false;
      if (this.options.archiveDir) await archiveBundle(this.options.archiveDir, next);
      const previous = this.bundle.sha256;
      this.bundle = next;
      log.info({ bundle_sha256: next.sha256, previous, rules: next.rules.length }, 'policy reloaded');
      onReload?.({ ok: true, sha256: next.sha256 });
      return true;
    } catch (err) {
      log.error({ err: (err as Error).message, bundle_sha256: this.bundle.sha256 }, 'policy reload rejected; the previous policy stays in force');
      onReload?.({ ok: false, error: err as Error });
      return false;
    }
  }

  /**
   * Watches the folders that hold the policy files (editors often replace a file rather than
   * write it, and globs can gain files), reloading after changes settle for `debounceMs`.
   */
  async watch(debounceMs = 200): Promise<void> {
    if (this.watchers.length) return;
    const files = await resolvePolicyFiles(this.options.files, this.options.cwd);
    const dirs = new Set(files.map((f) => dirname(f)));
    for (const dir of dirs) {
      const w = watch(dir, { persistent: false }, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => void this.reload(), debounceMs);
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
