// Starting the gateway for a running toolgate: the MCP listener in front of the upstreams, with
// the pins and (when the config asks) tools that the policy denies outright hidden from listings.
import type { Config } from '../../config/index.js';
import type { Gate } from '../../gate/index.js';
import { startGateway, type Gateway } from '../../gateway/index.js';
import type { Logger } from '../../log.js';
import type { GatewayMetrics } from '../../metrics/index.js';
import type { PinRegistry } from '../../pins/index.js';
import { isDeniedUnconditionally, type PolicyEngine } from '../../policy/index.js';
import type { Closers } from './closers.js';

export async function openGateway(parts: {
  config: Config;
  gate: Gate;
  pins: PinRegistry;
  engine: PolicyEngine;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
}): Promise<Gateway> {
  const { config, gate, pins, engine, metrics, log, closers } = parts;
  const gateway = await startGateway({
    config,
    handler: gate,
    log,
    pins,
    visibleTo: config.policy.hide_denied_tools ? (principal, server, tool) => !isDeniedUnconditionally(engine.current, principal, server, tool) : undefined,
  });
  closers.add(() => gateway.close());
  for (const u of gateway.health().upstreams) metrics.setUpstreamHealth(u.name, u.state === 'ready');
  return gateway;
}
