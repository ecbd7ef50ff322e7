// Opening the policy for a running toolgate: the engine compiles the configured files (and the shadow
// candidate, policy.shadow), admits only bundles signed by a quorum of reviewers when the config
// requires it, reports each reload to the metrics, and watches the files when the config asks it to.
import type { Config } from '../../config/index.js';
import type { ReceiptSink } from '../../gate/index.js';
import type { Logger } from '../../log.js';
import type { GatewayMetrics } from '../../metrics/index.js';
import { PolicyEngine } from '../../policy/index.js';
import { requireSignatures } from '../policy-review.js';
import type { Closers } from './closers.js';

export async function openPolicy(parts: {
  config: Config;
  dir: string;
  receipts: ReceiptSink;
  metrics: GatewayMetrics;
  log: Logger;
  closers: Closers;
}): Promise<PolicyEngine> {
  const { config, dir, receipts, metrics, log, closers } = parts;
  const engine = await PolicyEngine.open({
    files: config.policies,
    cwd: dir,
    knownUpstreams: Object.keys(config.upstreams),
    pathRoot: config.policy.path_root,
    registryFile: config.registry,
    archiveDir: config.policy.archive_dir,
    ...(config.policy.require_signatures && { review: requireSignatures(config.policy.require_signatures) }),
    log,
    // Each bundle is in the ledger before it decides a call.
    record: async (change) => void (await receipts.append({ event: 'policy_change', policy_change: change })),
    onReload: metrics.onPolicyReload,
    shadow: config.policy.shadow,
    onShadowLoad: metrics.onShadowLoad,
  });
  metrics.setPolicyBundle(engine.current.sha256);
  if (config.policy.watch) engine.watch();
  closers.add(() => engine.close());
  return engine;
}
