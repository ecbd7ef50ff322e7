// The whole product in one place: from a loaded config, open the key, the ledger, the store and
// the policy, build the gate with approvals, limits, break-glass, evidence and metrics, start the
// gateway in front of the upstreams and the admin listener for reviewers. Nothing here decides
// anything; it only connects the areas through their seams.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setInterval as every } from 'node:timers';
import { ApprovalReceipts, Gate, type CallObservation } from '../gate/index.js';
import { Approvals, ReviewerDirectory, WebhookNotifier } from '../approvals/index.js';
import { approvalRoutes, createAdminServer, eventsRoute, type AdminServer, type Route } from '../admin/index.js';
import { consoleRoutes } from '../admin/console/index.js';
import { BreakGlass, breakGlassDraft, breakGlassRoutes } from '../breakglass/index.js';
import type { LoadedConfig } from '../config/index.js';
import { parseDuration } from '../core/index.js';
import { EvidenceStore } from '../evidence/index.js';
import { startGateway, type Gateway } from '../gateway/index.js';
import { Ledger } from '../ledger/index.js';
import type { Logger } from '../log.js';
import { callLogger, GatewayMetrics, metricsRoute } from '../metrics/index.js';
import { loadPinsFile, pinApprovalDraft, PinRegistry, pinRoutes, pinStoreOn } from '../pins/index.js';
import { isDeniedUnconditionally, PolicyEngine } from '../policy/index.js';
import { loadOrCreateSigner, type ReceiptDraft } from '../receipts/index.js';
import { openStore, type Store } from '../store/index.js';
import { readinessRoute } from './readiness.js';

export interface Runtime {
  gateway: Gateway;
  admin?: AdminServer;
  adminUrl?: string;
  /** Stop taking calls, let calls in flight finish (up to the deadline), then close everything. */
  shutdown(deadlineMs: number): Promise<{ clean: boolean }>;
}

export async function startRuntime({ config, dir }: LoadedConfig, log: Logger): Promise<Runtime> {
  const closers: Array<() => unknown> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        log.error({ err }, 'shutdown step failed');
      }
    }
  };
  try {
    const metrics = new GatewayMetrics();
    const signer = loadOrCreateSigner(config.keys.dir, log);
    const ledger = await Ledger.open({
      dir: config.ledger.dir,
      signer,
      issuerId: config.name,
      checkpointEvery: config.ledger.checkpoint_every,
      checkpointIntervalMs: parseDuration(config.ledger.checkpoint_interval),
      segmentReceipts: config.ledger.segment_receipts,
      log,
    });
    closers.push(() => ledger.close());
    const receipts = {
      async append(draft: ReceiptDraft) {
        const started = performance.now();
        const appended = await ledger.append(draft);
        metrics.observeLedgerAppend(performance.now() - started);
        return appended;
      },
    };

    // The ledger's size is read from disk now and then, not on the path of a call.
    const measureLedger = () =>
      void ledgerBytes(config.ledger.dir).then(
        (bytes) => metrics.setLedgerSize(ledger.size, bytes),
        (err: unknown) => log.warn({ err }, 'could not measure the ledger'),
      );
    measureLedger();
    closers.push(clearOnClose(every(measureLedger, 15_000).unref()));

    const store = await openStore(config.store);
    closers.push(() => store.close());

    const engine = await PolicyEngine.open({
      files: config.policies,
      cwd: dir,
      knownUpstreams: Object.keys(config.upstreams),
      pathRoot: config.policy.path_root,
      archiveDir: config.policy.archive_dir,
      log,
      onReload: metrics.onPolicyReload,
    });
    metrics.setPolicyBundle(engine.current.sha256);
    if (config.policy.watch) engine.watch();
    closers.push(() => engine.close());

    const approvalReceipts = new ApprovalReceipts(receipts);
    const approvals = new Approvals({ store, log, record: approvalReceipts.record });
    approvals.start();
    closers.push(() => approvals.stop());
    new WebhookNotifier({ log, url: config.notify?.webhook }).attach(approvals);
    // Counting every held call on every change would be O(held) per decision: recount once a second at most.
    let recount: NodeJS.Timeout | undefined;
    approvals.subscribe(() => {
      recount ??= setTimeout(() => {
        recount = undefined;
        countHeld(approvals, metrics).catch((err: unknown) => log.warn({ err }, 'could not count held calls'));
      }, 1_000).unref();
    });
    closers.push(() => clearTimeout(recount));

    const breakGlass = new BreakGlass({
      store,
      log,
      maxDurationMs: parseDuration(config.break_glass.max_duration),
      record: (event, window) => receipts.append(breakGlassDraft(event, window, engine.current.sha256)),
    });
    breakGlass.start();
    closers.push(() => breakGlass.stop());

    const evidence = EvidenceStore.fromConfig(config, dir);
    if (evidence) closers.push(clearOnClose(every(() => evidence.purgeExpired(), 3_600_000).unref()));

    const logCall = callLogger(log, config.log);
    const observe = (o: CallObservation) => {
      const effect = o.breakGlass ? 'break_glass' : o.decision.outcome;
      metrics.observeCall({ server: o.request.server, tool: o.request.tool, outcome: effect, decisionMs: o.decisionMs, upstreamMs: o.upstreamMs });
      logCall({
        request: o.request,
        effect,
        rules: o.decision.rules,
        decisionMs: o.decisionMs,
        upstreamMs: o.upstreamMs,
        totalMs: o.decisionMs + (o.upstreamMs ?? 0),
        receiptId: o.receiptId,
        breakGlassId: o.breakGlass?.id,
      });
      if (evidence) keepEvidence(evidence, o, log);
    };

    const gate = new Gate({
      decider: () => engine.decide,
      receipts,
      approvals: { service: approvals, receipts: approvalReceipts },
      limits: store,
      breakGlass: async (request) => {
        const window = await breakGlass.activeWindowFor(request.principal.id, request.server, request.tool, request.now);
        return window && { id: window.id, opened_by: window.opened_by, reason: window.reason };
      },
      driftApprovers: config.reviewers.map((r) => `user:${r.id}`),
      observe,
      log,
    });

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

    const gateway = await startGateway({
      config,
      handler: gate,
      log,
      pins,
      visibleTo: config.policy.hide_denied_tools ? (principal, server, tool) => !isDeniedUnconditionally(engine.current, principal, server, tool) : undefined,
    });
    closers.push(() => gateway.close());
    for (const u of gateway.health().upstreams) metrics.setUpstreamHealth(u.name, u.state === 'ready');

    let stopping = false;
    let admin: AdminServer | undefined;
    let adminUrl: string | undefined;
    if (config.admin) {
      const reviewers = new ReviewerDirectory(config.reviewers);
      const routes: Route[] = [
        ...approvalRoutes(approvals),
        eventsRoute(approvals),
        ...breakGlassRoutes(breakGlass),
        ...pinRoutes({ registry: pins, upstreams: config.upstreams }),
        metricsRoute(metrics, { reviewers, metricsTokenSha256: config.admin.metrics_token_sha256 }),
        readinessRoute({
          policy: () => ({ ok: true, detail: `bundle ${engine.current.sha256}` }),
          ledger: () => ledger.writable(),
          upstreams: () => {
            const down = gateway.health().upstreams.filter((u) => u.state !== 'ready');
            return {
              ok: down.length === 0,
              detail: down.length ? `not connected: ${down.map((u) => `${u.name} (${u.lastError ?? u.state})`).join(', ')}` : 'all connected',
            };
          },
          accepting: () => ({ ok: !stopping, detail: stopping ? 'draining for shutdown' : 'taking calls' }),
        }),
        ...consoleRoutes({ ledgerDir: config.ledger.dir, keysDir: config.keys.dir }),
      ];
      admin = createAdminServer({ admin: config.admin, reviewers, log, routes });
      adminUrl = await admin.listen();
      closers.push(() => admin!.close());
      log.info({ url: adminUrl }, 'admin API and reviewer console listening');
    }

    return {
      gateway,
      admin,
      adminUrl,
      async shutdown(deadlineMs) {
        stopping = true;
        gate.drain();
        const drained = await gateway.drain(deadlineMs);
        await closeAll();
        return { clean: drained.clean };
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function ledgerBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

function clearOnClose(timer: NodeJS.Timeout): () => void {
  return () => clearInterval(timer);
}

async function countHeld(approvals: Approvals, metrics: GatewayMetrics): Promise<void> {
  const byState: Record<string, number> = {};
  for (const a of await approvals.list()) byState[a.status] = (byState[a.status] ?? 0) + 1;
  metrics.setHeldCalls(byState);
}

function keepEvidence(evidence: EvidenceStore, o: CallObservation, log: Logger): void {
  try {
    evidence.put(o.request.argsSha256, o.request.args, o.request.now);
  } catch (err) {
    log.error({ err, callId: o.request.callId }, 'could not keep the call arguments as evidence');
  }
}

export type { Store };
