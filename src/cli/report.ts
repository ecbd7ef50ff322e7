// `toolgate report --since 7d`: the weekly review of the ledger (per-surface outcome rates against
// the previous period, approval latency, expired holds, voided approvals, break-glass uses) as text,
// Markdown or JSON. `--check` also fails (exit 1, one line per problem on stderr) while a break-glass
// window is unreviewed past break_glass.review_within.
import type { Command } from 'commander';
import { ConfigSchema } from '../config/index.js';
import { buildReview, formatReview, parsePeriod, reviewProblems, type ReportFormat } from '../report/index.js';
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

/** The config's break_glass.review_within; its default when --dir is used without a config. */
function reviewWithinOf(opts: ReportFlags): string {
  return hasConfig(opts) ? readConfig(opts).config.break_glass.review_within : ConfigSchema.shape.break_glass.parse(undefined).review_within;
}

export function registerReport(program: Command): void {
  withConfigOption(program.command('report'))
    .description('review the ledger for a period: outcome rates by surface, changes, approval latency, voided approvals, break-glass uses')
    .option('--since <when>', 'start: a duration ago (7d) or an ISO date', '7d')
    .option('--until <when>', 'end: a duration ago or an ISO date (default now)')
    .option('--format <format>', `${FORMATS.join(', ')}`, 'text')
    .option('--dir <dir>', 'ledger directory (default: ledger.dir of the config)')
    .option('--check', 'exit 1 while a break-glass window is unreviewed past break_glass.review_within (one line per window on stderr)')
    .action(async (opts: ReportFlags) => {
      if (!FORMATS.includes(opts.format as ReportFormat)) throw new Error(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`);
      const dir = ledgerDirOf(opts);
      const { since, until } = parsePeriod(opts.since, opts.until);
      const review = await buildReview(dir, since, until);
      process.stdout.write(formatReview(review, opts.format as ReportFormat));
      if (!opts.check) return;
      const problems = reviewProblems(review, reviewWithinOf(opts));
      if (problems.length) {
        process.stderr.write(`${problems.join('\n')}\n`);
        process.exitCode = 1;
      }
    });
}
