// `toolgate surfaces [--json]`: the surface registry: every (upstream, tool) with its annotations,
// pin state and covering policy rules, with uncovered surfaces and unused rules flagged. A report:
// it lists the upstreams' tools once and records nothing.
import type { Command } from 'commander';
import { identityOf, coverageOf, renderSurfaceReport, snapshotCatalog, surfaceReport } from '../pins/index.js';
import { loadPolicyBundle } from '../policy/index.js';
import { withConfigOption, type ConfigFlag } from './config-option.js';
import { openPins } from './pins.js';

async function surfaces(opts: ConfigFlag & { json?: boolean }): Promise<void> {
  const ctx = await openPins(opts);
  try {
    const { config } = ctx;
    const bundle = await loadPolicyBundle(config.policies, { knownUpstreams: Object.keys(config.upstreams), pathRoot: config.policy.path_root });
    const upstreams = await Promise.all(
      (await snapshotCatalog(config.upstreams)).map(async (entry) =>
        'error' in entry
          ? entry
          : { upstream: entry.upstream, statuses: await ctx.registry.preview(entry.upstream, identityOf(config.upstreams[entry.upstream]!), entry.tools) },
      ),
    );
    const report = surfaceReport({ upstreams, coverage: coverageOf(bundle) });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderSurfaceReport(report));
  } finally {
    await ctx.close();
  }
}

export function registerSurfaces(program: Command): void {
  withConfigOption(program.command('surfaces'))
    .description('list every (upstream, tool) with its pin state and covering rules; flag gaps')
    .option('--json', 'print the report as JSON')
    .action((opts: ConfigFlag & { json?: boolean }) => surfaces(opts));
}
