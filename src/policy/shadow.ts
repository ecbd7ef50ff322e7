// The shadow candidate (toolgate.yaml `policy.shadow`): a bundle compiled beside the one in force
// that decides every call too and enforces nothing. It must never stop or change anything, so it
// never throws: a candidate that does not compile is logged and reported, and the previous candidate
// (or none) stays. It is archived like an enforcing bundle, since receipts name it.
import type { CallRequest, Decision } from '../core/call.js';
import type { Logger } from '../log.js';
import { archiveBundle } from './archive.js';
import type { CompileOptions, PolicyBundle, PolicySource } from './bundle.js';
import { evaluate } from './evaluate.js';
import { compileBundleOffThread, type ParseCache } from './off-thread.js';

export type ShadowLoad = { ok: true; sha256: string } | { ok: false; error: Error };

export interface ShadowOptions {
  archiveDir?: string;
  log: Logger;
  /** Called after every load attempt that compiled a new candidate or failed (metrics, tests). */
  onLoad?: (result: ShadowLoad) => void;
}

export class ShadowCandidate {
  private bundle: PolicyBundle | undefined;
  private readonly parsed: ParseCache = new Map();

  constructor(private readonly options: ShadowOptions) {}

  /** The candidate's decision (pure, like the enforcing one), or undefined while no candidate is loaded. */
  decide(request: CallRequest): Decision | undefined {
    return this.bundle && evaluate(this.bundle, request);
  }

  /** Compiles the candidate from what `read` returns (undefined: not now, writers are busy). Never throws. */
  async load(read: () => Promise<PolicySource[] | undefined>, compileOptions: () => Promise<CompileOptions>): Promise<void> {
    const { archiveDir, log, onLoad } = this.options;
    try {
      const sources = await read();
      if (!sources) return;
      const next = await compileBundleOffThread(sources, await compileOptions(), this.parsed);
      if (next.sha256 === this.bundle?.sha256) return;
      if (archiveDir) await archiveBundle(archiveDir, next);
      const previous = this.bundle?.sha256 ?? null;
      this.bundle = next;
      log.info(
        { shadow_bundle_sha256: next.sha256, previous, rules: next.rules.length },
        'shadow candidate loaded: it decides every call beside the policy in force',
      );
      onLoad?.({ ok: true, sha256: next.sha256 });
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const fields = { err: error.message, shadow_bundle_sha256: this.bundle?.sha256 ?? null };
      if (this.bundle) log.warn(fields, 'shadow candidate reload rejected; the previous candidate stays (enforcement is unaffected)');
      else log.warn(fields, 'shadow candidate not loaded; calls are decided by the policy in force alone');
      onLoad?.({ ok: false, error });
    }
  }
}
