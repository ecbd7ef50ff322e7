// Replay: re-evaluate sampled calls and compare with what their receipts recorded. Against the
// bundle archived under each receipt's bundle_sha256 every decision must reproduce (a difference
// is a non-determinism, or an archive that no longer hashes to its name); against a candidate
// bundle (shadow evaluation) the differences are what a policy change would change.
import type { CallRequest } from '../core/call.js';
import type { PrincipalConfig } from '../config/index.js';
import { EvidenceError, type EvidenceStore } from '../evidence/index.js';
import { evaluate, loadArchivedBundle, type PolicyBundle } from '../policy/index.js';
import { recordedDecision, replayedDecision, sameDecision, withRecordedDrift, type RecordedDecision } from './recorded.js';
import { sampleDecisions, type DecisionReceipt } from './sample.js';

export interface ReplayOptions {
  ledgerDir: string;
  evidence: EvidenceStore;
  /** policy.archive_dir: where bundles are kept by sha256. */
  archiveDir: string;
  /** Groups of principals from the config, for receipts written before receipts recorded the groups. */
  principals: readonly PrincipalConfig[];
  since: Date;
  until: Date;
  sample: number;
  seed?: number;
  /** Shadow evaluation: decide every sampled call with this bundle instead of its archived one. */
  candidate?: PolicyBundle;
}

export interface ReplayedCall {
  receipt_id: string;
  call_id: string;
  ts: string;
  surface: string;
  principal: string;
  bundle_sha256: string;
  recorded: RecordedDecision;
  replayed: RecordedDecision & { reason: string; bundle_sha256: string };
}

/** A sampled call that could not be replayed at all (its archive or its evidence is unusable). */
export interface ReplayProblem {
  receipt_id: string;
  bundle_sha256: string;
  problem: string;
}

export interface ReplayResult {
  mode: 'reproduce' | 'shadow';
  period: { since: string; until: string };
  seed: number;
  considered: number;
  with_evidence: number;
  sampled: number;
  /** Decisions equal to the recorded ones. */
  same: number;
  /** reproduce: decisions that did not reproduce; shadow: decisions the candidate would change. */
  differences: ReplayedCall[];
  problems: ReplayProblem[];
}

export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const sample = await sampleDecisions({
    ledgerDir: options.ledgerDir,
    sinceMs: options.since.getTime(),
    untilMs: options.until.getTime(),
    size: options.sample,
    seed,
    hasEvidence: (sha) => options.evidence.has(sha),
  });
  const bundles = new BundleCache(options);
  const groups = new Map(options.principals.map((p) => [p.id, p.groups]));
  const result: ReplayResult = {
    mode: options.candidate ? 'shadow' : 'reproduce',
    period: { since: options.since.toISOString(), until: options.until.toISOString() },
    seed,
    considered: sample.considered,
    with_evidence: sample.withEvidence,
    sampled: sample.receipts.length,
    same: 0,
    differences: [],
    problems: [],
  };
  for (const receipt of sample.receipts) {
    const problem = (text: string) => result.problems.push({ receipt_id: receipt.id, bundle_sha256: receipt.policy.bundle_sha256, problem: text });
    const bundle = await bundles.for(receipt.policy.bundle_sha256);
    if (typeof bundle === 'string') {
      problem(bundle);
      continue;
    }
    let args: Record<string, unknown>;
    try {
      args = options.evidence.get(receipt.call.args_sha256);
    } catch (err) {
      if (!(err instanceof EvidenceError)) throw err;
      problem(`evidence: ${err.message}`);
      continue;
    }
    const recorded = recordedDecision(receipt);
    const policy = evaluate(bundle, rebuildRequest(receipt, args, receipt.principal.groups ?? groups.get(receipt.principal.id) ?? []));
    const decision = withRecordedDrift(receipt, recorded, policy);
    const replayed = replayedDecision(decision, args, recorded);
    if (sameDecision(receipt, recorded, replayed)) result.same++;
    else result.differences.push(describe(receipt, recorded, { ...replayed, reason: decision.reason, bundle_sha256: decision.bundleSha256 }));
  }
  return result;
}

/** The CallRequest as the gate built it, from the receipt, the kept arguments and the principal's groups then. Annotations are not recorded. */
export function rebuildRequest(r: DecisionReceipt, args: Record<string, unknown>, groups: readonly string[]): CallRequest {
  return {
    callId: r.call.id,
    session: r.call.session,
    rpcId: r.call.rpc_id ?? '',
    principal: { id: r.principal.id, groups: [...groups] },
    method: r.call.method ?? 'tools/call',
    server: r.call.server,
    tool: r.call.tool,
    ...(r.call.uri === undefined ? {} : { uri: r.call.uri }),
    args,
    argsSha256: r.call.args_sha256,
    toolSha256: r.call.tool_sha256,
    annotations: {},
    now: new Date(r.tsMs),
  };
}

function describe(r: DecisionReceipt, recorded: RecordedDecision, replayed: ReplayedCall['replayed']): ReplayedCall {
  return {
    receipt_id: r.id,
    call_id: r.call.id,
    ts: r.ts,
    surface: `${r.call.server}/${r.call.tool}`,
    principal: r.principal.id,
    bundle_sha256: r.policy.bundle_sha256,
    recorded,
    replayed,
  };
}

/** Archived bundles, each loaded (and its hash checked) once; a failure is kept as its message. */
class BundleCache {
  private readonly loaded = new Map<string, Promise<PolicyBundle | string>>();

  constructor(private readonly options: Pick<ReplayOptions, 'archiveDir' | 'candidate'>) {}

  for(sha256: string): Promise<PolicyBundle | string> {
    if (this.options.candidate) return Promise.resolve(this.options.candidate);
    let bundle = this.loaded.get(sha256);
    if (!bundle) {
      // Without knownUpstreams: an archive must compile as it was, even if an upstream was renamed since.
      bundle = loadArchivedBundle(this.options.archiveDir, sha256).catch(
        (err: unknown) => `archived bundle ${sha256}: ${err instanceof Error ? err.message : String(err)} (missing, or tampered with)`,
      );
      this.loaded.set(sha256, bundle);
    }
    return bundle;
  }
}
