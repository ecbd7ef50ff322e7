// Building the gate for a running toolgate: its seams (policy, receipts, approvals, limits,
// break-glass) and the one observer of every call, which feeds the metrics, the call log and
// the evidence store.
import { setInterval as every } from 'node:timers';
import type { Approvals } from '../../approvals/index.js';
import type { Config } from '../../config/index.js';
import { EvidenceStore } from '../../evidence/index.js';
import { Gate, type CallObservation, type ReceiptSink } from '../../gate/index.js';
import type { AppendedReceipt } from '../../ledger/index.js';
import type { Logger } from '../../log.js';
import { callLogger, type GatewayMetrics } from '../../metrics/index.js';
import type { BreakGlass } from '../../breakglass/index.js';
import { identityOf } from '../../pins/index.js';
import type { PolicyEngine } from '../../policy/index.js';
import type { Store } from '../../store/index.js';
import type { Closers } from './closers.js';

export function buildGate(parts: {
  config: Config;
  dir: string;
  receipts: ReceiptSink;
  store: Store;
  engine: PolicyEngine;
  approvals: Approvals<AppendedReceipt>;
  breakGlass: BreakGlass;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
}): Gate {
  const { config, receipts, store, engine, approvals, breakGlass, log } = parts;
  const identities = new Map(Object.entries(config.upstreams).map(([name, upstream]) => [name, identityOf(upstream).sha256]));
  return new Gate({
    decider: () => engine.decide,
    ...(config.policy.shadow.length ? { shadow: engine.decideShadow } : {}),
    receipts,
    approvals,
    limits: store,
    breakGlass: async (request) => {
      const window = await breakGlass.activeWindowFor(request.principal.id, request.server, request.tool, request.now);
      return window && { id: window.id, opened_by: window.opened_by, reason: window.reason };
    },
    upstreamIdentity: (server) => identities.get(server),
    driftApprovers: config.reviewers.filter((r) => r.rights.includes('pins')).map((r) => r.id),
    observe: observeCalls(parts),
    log,
  });
}

/** Every call, once decided and done: counted, logged on one line, and its arguments kept as evidence. */
function observeCalls(parts: { config: Config; dir: string; metrics: GatewayMetrics; log: Logger; closers: Closers }): (o: CallObservation) => void {
  const { config, dir, metrics, log, closers } = parts;
  const evidence = EvidenceStore.fromConfig(config, dir);
  if (evidence) closers.addTimer(every(() => evidence.purgeExpired(), 3_600_000).unref());
  const logCall = callLogger(log, config.log);
  return (o) => {
    const effect = o.breakGlass ? 'break_glass' : o.decision.outcome;
    metrics.observeCall({ server: o.request.server, tool: o.request.tool, effect, outcome: o.final, decisionMs: o.decisionMs, upstreamMs: o.upstreamMs });
    logCall({
      request: o.request,
      effect,
      outcome: o.final,
      rules: o.decision.rules,
      decisionMs: o.decisionMs,
      upstreamMs: o.upstreamMs,
      totalMs: o.decisionMs + (o.upstreamMs ?? 0),
      receiptId: o.receiptId,
      breakGlassId: o.breakGlass?.id,
    });
    if (o.shadow) metrics.observeShadow({ ...o.shadow, candidate: o.shadow.candidate?.outcome });
    if (evidence) keepEvidence(evidence, o, log);
  };
}

function keepEvidence(evidence: EvidenceStore, o: CallObservation, log: Logger): void {
  try {
    evidence.put(o.request.argsSha256, o.request.args, o.request.now);
  } catch (err) {
    log.error({ err, callId: o.request.callId }, 'could not keep the call arguments as evidence');
  }
}
