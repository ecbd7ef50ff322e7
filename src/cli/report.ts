// `toolgate report --since 7d`: the weekly review of the ledger (per-surface outcome rates against
// the previous period, approval latency, expired holds, break-glass uses) as text, Markdown or JSON.
import type { Command } from 'commander';
import { buildReview, formatReview, parsePeriod, type ReportFormat } from '../report/index.js';
import { withConfigOption } from './config-option.js';
import { ledgerDirOf } from './ledger.js';

const FORMATS: ReportFormat[] = ['text', 'md', 'json'];

export function registerReport(program: Command): void {
  withConfigOption(program.command('report'))
    .description('review the ledger for a period: outcome rates by surface, changes, approval latency, break-glass uses')
    .option('--since <when>', 'start: a duration ago (7d) or an ISO date', '7d')
    .option('--until <when>', 'end: a duration ago or an ISO date (default now)')
    .option('--format <format>', `${FORMATS.join(', ')}`, 'text')
    .option('--dir <dir>', 'ledger directory (default: ledger.dir of the config)')
    .action(async (opts: { since: string; until?: string; format: string; config?: string; dir?: string }) => {
      if (!FORMATS.includes(opts.format as ReportFormat)) throw new Error(`--format ${opts.format}: expected one of ${FORMATS.join(', ')}`);
      const dir = ledgerDirOf(opts);
      const { since, until } = parsePeriod(opts.since, opts.until);
      process.stdout.write(formatReview(await buildReview(dir, since, until), opts.format as ReportFormat));
    });
}
