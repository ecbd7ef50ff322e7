// Starting the gateway for a running toolgate: the MCP listener in front of the upstreams, with
// the pins and (when the config asks) tools that the policy denies outright hidden from listings.
import type { Config } from '../../config/index.js';
import type { Gate } from '../../gate/index.js';
import { startGateway, type Gateway } from '../../gateway/index.js';
import type { Logger } from '../../log.js';
import type { GatewayMetrics } from '../../metrics/index.js';
import type { PinRegistry } from '../../pins/index.js';
import { isDeniedUnconditionally, unknownToolNames, type PolicyBundle, type PolicyEngine } from '../../policy/index.js';
import type { Closers } from './closers.js';

export async function openGateway(parts: {
  config: Config;
  gate: Gate;
  pins: PinRegistry;
  engine: PolicyEngine;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
  consoleUrl: () => string | undefined;
}): Promise<Gateway> {
  const { config, gate, pins, engine, metrics, log, closers, consoleUrl } = parts;
  const gateway = await startGateway({
    config,
    handler: gate,
    log,
    pins,
    consoleUrl,
    visibleTo: config.policy.hide_denied_tools ? (principal, server, tool) => !isDeniedUnconditionally(engine.current, principal, server, tool) : undefined,
  });
  closers.add(() => gateway.close());
  if (config.policy.hide_denied_tools) announceReloads(engine, gateway);
  for (const u of gateway.health().upstreams) metrics.setUpstreamHealth(u.name, u.state === 'ready');
  warnAboutToolNames(engine.current, gateway, log);
  engine.onReloaded((bundle) => warnAboutToolNames(bundle, gateway, log));
  return gateway;
}

/** After a reload, the principals shown other tools than before hear that their tool list changed. */
function announceReloads(engine: PolicyEngine, gateway: Gateway): void {
  let shown = engine.current;
  engine.onReloaded((bundle) => {
    const before = shown;
    shown = bundle;
    gateway.shownChanged(
      (principal, server, tool) => isDeniedUnconditionally(before, principal, server, tool) !== isDeniedUnconditionally(bundle, principal, server, tool),
    );
  });
}

/** Logs each rule that names a tool its (ready) upstream does not offer: most often a typo. */
function warnAboutToolNames(bundle: PolicyBundle, gateway: Gateway, log: Logger): void {
  const catalogs = new Map(gateway.upstreams.filter((u) => u.state === 'ready').map((u) => [u.name, u.tools.map((t) => t.name)]));
  for (const problem of unknownToolNames(bundle, catalogs)) log.warn({ bundle_sha256: bundle.sha256, problem }, 'a policy rule names a tool no upstream has');
}
