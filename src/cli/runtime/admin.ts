// The admin listener of a running toolgate: the routes reviewers and operators use (approvals,
// events, break-glass, pins, metrics, readiness, the console) behind one server with their tokens.
import { approvalRoutes, checkpointRoute, createAdminServer, eventsRoute, readinessRoute, type AdminServer } from '../../admin/index.js';
import { ReviewerDirectory, type Approvals, type Reviewer } from '../../approvals/index.js';
import { consoleRoutes } from '../../admin/console/index.js';
import { breakGlassRoutes, type BreakGlass } from '../../breakglass/index.js';
import type { Config } from '../../config/index.js';
import type { Gateway } from '../../gateway/index.js';
import type { Route } from '../../http/index.js';
import type { Ledger } from '../../ledger/index.js';
import type { Logger } from '../../log.js';
import { metricsRoute, type GatewayMetrics } from '../../metrics/index.js';
import { pinRoutes, type PinRegistry } from '../../pins/index.js';
import type { PolicyEngine } from '../../policy/index.js';
import type { Closers } from './closers.js';

interface AdminParts {
  config: Config;
  admin: NonNullable<Config['admin']>;
  ledger: Ledger;
  engine: PolicyEngine;
  approvals: Approvals;
  breakGlass: BreakGlass;
  pins: PinRegistry;
  gateway: Gateway;
  metrics: GatewayMetrics;
  /** False once shutdown has begun. */
  accepting: () => boolean;
  log: Logger;
  closers: Closers;
}

export async function startAdmin(parts: AdminParts): Promise<{ server: AdminServer; url: string }> {
  const { config, admin, log, closers } = parts;
  const reviewers = new ReviewerDirectory(config.reviewers);
  const server = createAdminServer({ admin, reviewers, log, routes: adminRoutes(parts, reviewers) });
  const url = await server.listen();
  closers.add(() => server.close());
  log.info({ url }, 'admin API and reviewer console listening');
  return { server, url };
}

function adminRoutes(parts: AdminParts, reviewers: ReviewerDirectory): Route<Reviewer>[] {
  const { config, admin, approvals, breakGlass, pins, metrics, ledger, engine } = parts;
  return [
    ...approvalRoutes(approvals),
    eventsRoute(approvals),
    checkpointRoute(ledger),
    ...breakGlassRoutes(breakGlass),
    ...pinRoutes({ registry: pins, upstreams: config.upstreams }),
    metricsRoute(metrics, { reviewers, metricsTokenSha256: admin.metrics_token_sha256 }),
    readiness(parts),
    ...consoleRoutes({
      ledgerDir: config.ledger.dir,
      index: ledger.index,
      keysDir: config.keys.dir,
      classOf: (server, tool) => engine.current.registry?.classOf(server, tool),
    }),
  ];
}

function readiness({ engine, ledger, gateway, accepting, log }: AdminParts): Route<Reviewer> {
  return readinessRoute({
    log,
    checks: {
      policy: { probe: () => ({ ok: true, detail: `bundle ${engine.current.sha256}` }), failure: 'no policy bundle in force' },
      ledger: { probe: () => ledger.writable(), failure: 'the ledger does not take receipts' },
      accepting: { probe: () => ({ ok: accepting(), detail: 'taking calls' }), failure: 'draining for shutdown' },
    },
    upstreams: () => gateway.health().upstreams,
  });
}
