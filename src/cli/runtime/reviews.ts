// The human side of a running toolgate: approvals for held calls (with the webhook, the held calls
// gauge and the voided approvals counter), break-glass windows, and tool pins. Each writes its decisions as receipts.
import { approvalRecorder, type ReceiptSink } from '../../gate/index.js';
import { Approvals, WebhookNotifier } from '../../approvals/index.js';
import { BreakGlass, breakGlassDraft } from '../../breakglass/index.js';
import type { Config } from '../../config/index.js';
import { parseDuration } from '../../core/index.js';
import type { AppendedReceipt } from '../../ledger/index.js';
import type { Logger } from '../../log.js';
import type { GatewayMetrics } from '../../metrics/index.js';
import { loadPinsFile, pinApprovalDraft, PinRegistry, pinStoreOn } from '../../pins/index.js';
import type { PolicyEngine } from '../../policy/index.js';
import type { Store } from '../../store/index.js';
import type { Closers } from './closers.js';

export function wireApprovals(parts: {
  config: Config;
  store: Store;
  receipts: ReceiptSink;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
}): Approvals<AppendedReceipt> {
  const { config, store, receipts, metrics, log, closers } = parts;
  const approvals = new Approvals({ store, log, record: approvalRecorder(receipts) });
  approvals.start();
  closers.add(() => approvals.stop());
  new WebhookNotifier({ log, url: config.notify?.webhook }).attach(approvals);
  approvals.subscribe((change) => {
    if (change.kind === 'void') metrics.observeVoidedApproval(change.approval.call.server, change.approval.call.tool);
  });
  // Counting every held call on every change would be O(held) per decision: recount once a second at most.
  let recount: NodeJS.Timeout | undefined;
  approvals.subscribe(() => {
    recount ??= setTimeout(() => {
      recount = undefined;
      countHeld(approvals, metrics).catch((err: unknown) => log.warn({ err }, 'could not count held calls'));
    }, 1_000).unref();
  });
  closers.add(() => clearTimeout(recount));
  return approvals;
}

export function openBreakGlass(parts: {
  config: Config;
  store: Store;
  receipts: ReceiptSink;
  engine: PolicyEngine;
  log: Logger;
  closers: Closers;
}): BreakGlass {
  const { config, store, receipts, engine, log, closers } = parts;
  const breakGlass = new BreakGlass({
    store,
    log,
    maxDurationMs: parseDuration(config.break_glass.max_duration),
    openQuorum: config.break_glass.open_quorum,
    record: (event, window) => receipts.append(breakGlassDraft(event, window, engine.current.sha256)),
  });
  breakGlass.start();
  closers.add(() => breakGlass.stop());
  return breakGlass;
}

export function wirePins(parts: { config: Config; store: Store; receipts: ReceiptSink; engine: PolicyEngine; log: Logger }): PinRegistry {
  const { config, store, receipts, engine, log } = parts;
  const pins = new PinRegistry({
    store: pinStoreOn(store),
    mode: config.pins.mode,
    onDrift: config.pins.on_drift,
    file: config.pins.file ? loadPinsFile(config.pins.file) : undefined,
    log,
  });
  pins.subscribe((event) => {
    if (event.kind !== 'approved') return;
    // The new pin is already stored: a receipt that cannot be written is an incident to shout about.
    receipts
      .append(pinApprovalDraft(event, engine.current.sha256))
      .catch((err: unknown) => log.error({ err, upstream: event.upstream, tool: event.tool }, 'the pin approval receipt could not be written'));
  });
  return pins;
}

async function countHeld(approvals: Approvals, metrics: GatewayMetrics): Promise<void> {
  const byState: Record<string, number> = {};
  for (const a of await approvals.list()) byState[a.status] = (byState[a.status] ?? 0) + 1;
  metrics.setHeldCalls(byState);
}
