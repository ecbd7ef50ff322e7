// The whole product in one place: from a loaded config, open the key, the ledger, the store and
// the policy, build the gate with approvals, limits, break-glass, evidence and metrics, start the
// gateway in front of the upstreams and the admin listener for reviewers. Nothing here decides
// anything; it only connects the areas through their seams. Each step is a named part in
// runtime/, so this function reads as the table of contents of a running toolgate.
import type { LoadedConfig } from '../config/index.js';
import type { Gateway } from '../gateway/index.js';
import type { Logger } from '../log.js';
import { GatewayMetrics } from '../metrics/index.js';
import { openReceiptSigner } from '../signer/index.js';
import { openStore } from '../store/index.js';
import { startAdmin } from './runtime/admin.js';
import { Closers } from './runtime/closers.js';
import { buildGate } from './runtime/gate.js';
import { openGateway } from './runtime/gateway.js';
import { openLedger, watchLedgerSize } from './runtime/ledger.js';
import { openPolicy } from './runtime/policy.js';
import { openBreakGlass, wireApprovals, wirePins } from './runtime/reviews.js';
import type { AdminServer } from '../admin/index.js';

export interface Runtime {
  gateway: Gateway;
  admin?: AdminServer;
  adminUrl?: string;
  /** Stop taking calls, let calls in flight finish (up to the deadline), then close everything. */
  shutdown(deadlineMs: number): Promise<{ clean: boolean }>;
}

export async function startRuntime({ config, dir }: LoadedConfig, log: Logger): Promise<Runtime> {
  const closers = new Closers(log);
  try {
    const metrics = new GatewayMetrics();
    const { signer, close: closeSigner } = openReceiptSigner(config.keys, log);
    closers.add(closeSigner);
    const { ledger, receipts } = await openLedger({ config, signer, metrics, log, closers });
    watchLedgerSize({ config, ledger, metrics, log, closers });
    const store = await openStore(config.store);
    closers.add(() => store.close());
    const engine = await openPolicy({ config, dir, receipts, metrics, log, closers });
    const approvals = wireApprovals({ config, store, receipts, metrics, log, closers });
    const breakGlass = openBreakGlass({ config, store, receipts, engine, log, closers });
    const gate = buildGate({ config, dir, receipts, store, engine, approvals, breakGlass, metrics, log, closers });
    const pins = wirePins({ config, store, receipts, engine, log });
    // The console listens after the gateway: a held call's question names it once it does.
    let consoleUrl: string | undefined;
    const gateway = await openGateway({ config, gate, pins, engine, metrics, log, closers, consoleUrl: () => consoleUrl });

    let stopping = false;
    const admin = config.admin
      ? await startAdmin({
          config,
          admin: config.admin,
          ledger,
          engine,
          approvals,
          breakGlass,
          pins,
          gateway,
          metrics,
          accepting: () => !stopping,
          log,
          closers,
        })
      : undefined;
    consoleUrl = admin?.url;

    return {
      gateway,
      admin: admin?.server,
      adminUrl: admin?.url,
      async shutdown(deadlineMs) {
        stopping = true;
        gate.drain();
        const drained = await gateway.drain(deadlineMs);
        await closers.closeAll();
        return { clean: drained.clean };
      },
    };
  } catch (err) {
    await closers.closeAll();
    throw err;
  }
}
