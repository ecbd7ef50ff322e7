// The gateway's Prometheus metrics on a registry of its own (never prom-client's global one, so two
// gateways in one process, or a test, do not share counters). The per-call path caches label
// children so that one call costs a few map lookups and additions.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Outcome } from '../core/index.js';

export interface CallObservation {
  server: string;
  tool: string;
  /** What the gate decided: the decision's outcome, or `break_glass` when a window let it through. */
  effect: Outcome | 'break_glass';
  /**
   * What finally happened: the event of the call's last receipt (complete, fail, unknown, deny,
   * silence, hold while still pending, reject, expire, cancel ...), or `error` when none was written.
   */
  outcome: string;
  decisionMs: number;
  /** Absent when the call was not dispatched. */
  upstreamMs?: number;
}

/** What the shadow candidate (policy.shadow) made of one call, beside the decision in force. */
export interface ShadowObservation {
  enforced: Outcome;
  /** Absent when the candidate threw. */
  candidate?: Outcome;
  differs: boolean;
  /** A condition the candidate could not evaluate (`evaluation`), or a throw. */
  fault?: 'evaluation' | 'throw';
}

const LATENCY_BUCKETS_S = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly calls = new Counter({
    name: 'toolgate_calls_total',
    help: 'governed requests by upstream, tool, what the gate decided (effect) and what finally happened (outcome)',
    labelNames: ['upstream', 'tool', 'effect', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly decision = new Histogram({
    name: 'toolgate_decision_seconds',
    help: 'time to decide a call (policy evaluation)',
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly upstream = new Histogram({
    name: 'toolgate_upstream_seconds',
    help: 'time the upstream took to answer a dispatched call',
    labelNames: ['upstream'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly held = new Gauge({
    name: 'toolgate_held_calls',
    help: 'held calls by approval state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  private readonly append = new Histogram({
    name: 'toolgate_ledger_append_seconds',
    help: 'time until an appended receipt is durable',
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly ledgerReceipts = new Gauge({ name: 'toolgate_ledger_receipts', help: 'receipts in the ledger', registers: [this.registry] });
  private readonly ledgerBytes = new Gauge({ name: 'toolgate_ledger_bytes', help: 'bytes of receipt segments in the ledger', registers: [this.registry] });
  private readonly health = new Gauge({
    name: 'toolgate_upstream_up',
    help: '1 when the upstream is connected, 0 otherwise',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });
  private readonly bundle = new Gauge({
    name: 'toolgate_policy_bundle_info',
    help: 'the policy bundle in force (value 1, sha in the label)',
    labelNames: ['sha'] as const,
    registers: [this.registry],
  });
  private readonly reloadFailures = new Counter({
    name: 'toolgate_policy_reload_failures_total',
    help: 'policy reloads rejected (the previous bundle stayed in force)',
    registers: [this.registry],
  });
  private readonly voided = new Counter({
    name: 'toolgate_approvals_voided_total',
    help: 'approvals voided at release because the call no longer was what was approved (policy, requirement, tool definition or arguments changed), by upstream and tool',
    labelNames: ['upstream', 'tool'] as const,
    registers: [this.registry],
  });
  private readonly witnessSubmissions = new Counter({
    name: 'toolgate_witness_submissions_total',
    help: 'checkpoint submissions to witnesses by witness and outcome (cosigned, refused, unreachable)',
    labelNames: ['witness', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly cosignatures = new Gauge({
    name: 'toolgate_checkpoint_cosignatures',
    help: 'witness cosignatures the newest checkpoint carries (compare with ledger.witness_quorum)',
    registers: [this.registry],
  });
  private readonly shadowDecisions = new Counter({
    name: 'toolgate_shadow_decisions_total',
    help: 'calls the shadow candidate (policy.shadow) also decided: whether it agreed with the decision in force (same outcome and rules) or differed, by both outcomes',
    labelNames: ['agreement', 'enforced', 'candidate'] as const,
    registers: [this.registry],
  });
  private readonly shadowFaults = new Counter({
    name: 'toolgate_shadow_faults_total',
    help: 'shadow candidate faults, none of which touched a call: load (did not compile), evaluation (a condition failed; its on_error decided), throw',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly shadowBundle = new Gauge({
    name: 'toolgate_policy_shadow_bundle_info',
    help: 'the shadow candidate bundle deciding beside the policy in force (value 1, sha in the label)',
    labelNames: ['sha'] as const,
    registers: [this.registry],
  });
  private readonly callChildren = new Map<string, Counter.Internal>();
  private readonly shadowChildren = new Map<string, Counter.Internal>();
  private readonly upstreamChildren = new Map<string, Histogram.Internal<'upstream'>>();

  /** One call through the gate: cheap enough for every call (label children are cached). */
  observeCall(call: CallObservation): void {
    const key = `${call.server}\u0000${call.tool}\u0000${call.effect}\u0000${call.outcome}`;
    let counter = this.callChildren.get(key);
    if (!counter) {
      counter = this.calls.labels(call.server, call.tool, call.effect, call.outcome);
      this.callChildren.set(key, counter);
    }
    counter.inc();
    this.decision.observe(call.decisionMs / 1000);
    if (call.upstreamMs !== undefined) {
      let histogram = this.upstreamChildren.get(call.server);
      if (!histogram) {
        histogram = this.upstream.labels(call.server);
        this.upstreamChildren.set(call.server, histogram);
      }
      histogram.observe(call.upstreamMs / 1000);
    }
  }

  /** The shadow candidate's verdict on one call (label children are cached, as for calls). */
  observeShadow(shadow: ShadowObservation): void {
    if (shadow.fault) this.shadowFaults.labels(shadow.fault).inc();
    if (!shadow.candidate) return;
    const agreement = shadow.differs ? 'differs' : 'same';
    const key = `${agreement}\u0000${shadow.enforced}\u0000${shadow.candidate}`;
    let counter = this.shadowChildren.get(key);
    if (!counter) {
      counter = this.shadowDecisions.labels(agreement, shadow.enforced, shadow.candidate);
      this.shadowChildren.set(key, counter);
    }
    counter.inc();
  }

  /** Fits `PolicyEngineOptions.onShadowLoad`: a new candidate replaces the info series, a failure is a `load` fault. */
  readonly onShadowLoad = (result: { ok: true; sha256: string } | { ok: false }): void => {
    if (!result.ok) return void this.shadowFaults.labels('load').inc();
    this.shadowBundle.reset();
    this.shadowBundle.labels(result.sha256).set(1);
  };

  /** An approval voided at release (the snapshot it was granted under no longer holds). */
  observeVoidedApproval(server: string, tool: string): void {
    this.voided.labels(server, tool).inc();
  }

  /** The number of held calls in each state (replaces the previous figures). */
  setHeldCalls(byState: Record<string, number>): void {
    this.held.reset();
    for (const [state, n] of Object.entries(byState)) this.held.labels(state).set(n);
  }

  observeLedgerAppend(ms: number, size?: { receipts: number; bytes: number }): void {
    this.append.observe(ms / 1000);
    if (size) this.setLedgerSize(size.receipts, size.bytes);
  }

  observeWitnessSubmission(witness: string, outcome: string): void {
    this.witnessSubmissions.labels(witness, outcome).inc();
  }

  setCheckpointCosignatures(count: number): void {
    this.cosignatures.set(count);
  }

  setLedgerSize(receipts: number, bytes: number): void {
    this.ledgerReceipts.set(receipts);
    this.ledgerBytes.set(bytes);
  }

  setUpstreamHealth(upstream: string, up: boolean): void {
    this.health.labels(upstream).set(up ? 1 : 0);
  }

  /** Fits `PolicyEngineOptions.onReload`: a new bundle replaces the info series, a failure is counted. */
  readonly onPolicyReload = (result: { ok: true; sha256: string } | { ok: false }): void => {
    if (result.ok) this.setPolicyBundle(result.sha256);
    else this.reloadFailures.inc();
  };

  setPolicyBundle(sha256: string): void {
    this.bundle.reset();
    this.bundle.labels(sha256).set(1);
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
