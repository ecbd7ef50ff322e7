// `toolgate surfaces [--json] [--check [--as-of DATE]]`: the surface registry: every (upstream, tool) with its
// annotations, pin state and covering policy rules, with uncovered surfaces and unused rules
// flagged; `--check` judges them against the registry file (docs/registry.md) and fails on any
// gap. A report: it lists the upstreams' tools once and records nothing.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config/index.js';
import { identityOf, coverageOf, renderSurfaceReport, snapshotCatalog, surfaceReport } from '../pins/index.js';
import { loadPolicyBundle, unknownToolNames, type PolicyBundle } from '../policy/index.js';
import { DateSchema, surfaceProblems } from '../registry/index.js';
import { withConfigOption, type ConfigFlag } from './config-option.js';
import { openPins } from './pins.js';

type SurfaceReport = ReturnType<typeof surfaceReport>;

interface SurfacesOptions extends ConfigFlag {
  json?: boolean;
  check?: boolean;
  asOf?: string;
}

function calendarDay(value: string): string {
  if (!DateSchema.safeParse(value).success) throw new InvalidArgumentError('expected a date (YYYY-MM-DD)');
  return value;
}

/** One line per gap between what is exposed, the registry and the rules. */
function registryCheck(config: Config, bundle: PolicyBundle, report: SurfaceReport, today: string): string[] {
  const registry = bundle.registry;
  if (!registry) return [`no registry: name one in ${'`registry:`'} of the config (docs/registry.md)`];
  const catalogs = new Map<string, string[]>(Object.keys(config.upstreams).map((u) => [u, []]));
  for (const u of report.unavailable) catalogs.delete(u.upstream);
  for (const s of report.surfaces) catalogs.get(s.upstream)?.push(s.tool);
  return [
    ...report.unavailable.map((u) => `${u.upstream}: cannot list its tools (${u.error.split('\n')[0]}); its surfaces are not judged`),
    ...report.surfaces.flatMap((s) => surfaceProblems(registry, s, today)),
    ...unknownToolNames(bundle, catalogs),
  ];
}

async function surfaces(opts: SurfacesOptions): Promise<void> {
  const ctx = await openPins(opts);
  try {
    const { config } = ctx;
    const bundle = await loadPolicyBundle(config.policies, {
      knownUpstreams: Object.keys(config.upstreams),
      pathRoot: config.policy.path_root,
      registryFile: config.registry,
    });
    const upstreams = await Promise.all(
      (await snapshotCatalog(config.upstreams)).map(async (entry) =>
        'error' in entry
          ? entry
          : { upstream: entry.upstream, statuses: await ctx.registry.preview(entry.upstream, identityOf(config.upstreams[entry.upstream]!), entry.tools) },
      ),
    );
    const report = surfaceReport({ upstreams, coverage: coverageOf(bundle) });
    if (opts.check) {
      const problems = registryCheck(config, bundle, report, opts.asOf ?? new Date().toISOString().slice(0, 10));
      process.stdout.write(
        problems.length
          ? `${problems.join('\n')}\n${problems.length} problem${problems.length === 1 ? '' : 's'}\n`
          : `ok: ${report.surfaces.length} surfaces, each registered and covered as its class expects\n`,
      );
      if (problems.length) process.exitCode = 1;
      return;
    }
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderSurfaceReport(report));
  } finally {
    await ctx.close();
  }
}

export function registerSurfaces(program: Command): void {
  withConfigOption(program.command('surfaces'))
    .description('list every (upstream, tool) with its pin state and covering rules; flag gaps')
    .option('--json', 'print the report as JSON')
    .option('--check', 'judge the surfaces against the registry (docs/registry.md): one line per gap, exit 1 on any')
    .option('--as-of <date>', 'judge review_by dates as of this day (YYYY-MM-DD) instead of today, e.g. the next review day', calendarDay)
    .action((opts: SurfacesOptions) => surfaces(opts));
}
