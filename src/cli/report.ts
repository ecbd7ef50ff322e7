// `toolgate report --since 7d`: the weekly review of the ledger (each call once, per surface,
// principal and class against the previous period; the policy changes beside the rates they moved;
// constraint usage; approval latency, expired holds, votes, voided approvals; break-glass uses) as
// text, Markdown or JSON. Classes come from the config's surface registry. `--check` also fails
// (exit 1, one line per problem on stderr) while a break-glass window is unreviewed past
// break_glass.review_within.
import type { Command } from 'commander';
import { ConfigSchema, type LoadedConfig } from '../config/index.js';
import { parseRegistry, readRegistrySource } from '../registry/index.js';
import { buildReview, formatReview, parsePeriod, reviewProblems, type ReportFormat, type ReviewOptions } from '../report/index.js';
import { hasConfig, readConfig, withConfigOption, type ConfigFlag } from './config-option.js';
import { ledgerDirOf } from './ledger.js';

const FORMATS: ReportFormat[] = ['text', 'md', 'json'];

interface ReportFlags extends ConfigFlag {
  since: string;
  until?: string;
  format: string;
  dir?: string;
  check?: boolean;
}

/** The config when there is one (with --dir and no config, the review has no classes and the default review_within). */
const configOf = (opts: ReportFlags): LoadedConfig | undefined => (hasConfig(opts) ? readConfig(opts) : undefined);

/** The config's break_glass.review_within; its default without a config. */
function reviewWithinOf(loaded: LoadedConfig | undefined): string {
  return loaded?.config.break_glass.review_within ?? ConfigSchema.shape.break_glass.parse(undefined).review_within;
}

/** Classes from the config's surface registry, when it names one. */
async function reviewOptions(loaded: LoadedConfig | undefined): Promise<ReviewOptions> {
  const file = loaded?.config.registry;
  if (!file) return {};
  const registry = parseRegistry(await readRegistrySource(file));
  return { classOf: (server, tool) => registry.classOf(server, tool) };
}

export function registerReport(program: Command): void {
  withConfigOption(program.command('report'))
    .description('review the ledger for a period: each call once by surface, principal and class; policy changes; constraints; approvals; break-glass')
    .option('--since <when>', 'start: a duration ago (7d) or an ISO date', '7d')
    .option('--until <when>', 'end: a duration ago or an ISO date (default now)')
    .option('--format <format>', `${FORMATS.join(', ')}`, 'text')
    .option('--dir <dir>', 'ledger directory (default: ledger.dir of the config)')
    .option('--check', 'exit 1 while a break-glass window is unreviewed past break_glass.review_within (one line per window on stderr)')
    .action(async (opts: ReportFlags) => {
      if (!FORMATS.includes(opts.format as ReportFormat)) throw new Error(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`);
      const dir = ledgerDirOf(opts);
      const { since, until } = parsePeriod(opts.since, opts.until);
      const loaded = configOf(opts);
      const review = await buildReview(dir, since, until, await reviewOptions(loaded));
      process.stdout.write(formatReview(review, opts.format as ReportFormat));
      if (!opts.check) return;
      const problems = reviewProblems(review, reviewWithinOf(loaded));
      if (problems.length) {
        process.stderr.write(`${problems.join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
