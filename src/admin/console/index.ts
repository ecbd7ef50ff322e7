// The reviewer web console: the page and its assets (public shell, strict CSP) and the API routes
// the page needs beyond the approvals API (receipts search and detail, keyring, overview, review). The
// admin server takes these routes alongside approvalRoutes and eventsRoute.
import { assetRoutes } from './assets.js';
import { overviewRoute } from './overview.js';
import { receiptRoutes } from './receipt-routes.js';
import { reviewRoute } from './review-route.js';
import type { ClassOf } from '../../report/index.js';
import type { Reviewer } from '../../approvals/index.js';
import type { Route } from '../../http/index.js';
import type { LedgerIndex } from '../../ledger/index.js';

interface ConsoleOptions {
  ledgerDir: string;
  /** The ledger's index (the running gateway's ledger); without it searches and the overview scan. */
  index?: LedgerIndex | null;
  /** The keys directory (its keyring.json is what /api/keyring publishes). */
  keysDir: string;
  /** Where the built page is (default: dist/console). */
  assetsDir?: string;
  clock?: () => Date;
  /** The class of a surface for the review (the surface registry of the bundle in force). */
  classOf?: ClassOf;
}

export function consoleRoutes(options: ConsoleOptions): Route<Reviewer>[] {
  const clock = options.clock ?? (() => new Date());
  return [
    ...assetRoutes(options.assetsDir),
    ...receiptRoutes(options),
    overviewRoute(options.ledgerDir, options.index, clock),
    reviewRoute(options.ledgerDir, clock, { classOf: options.classOf }),
  ];
}

export { overview, summarize } from './overview.js';
