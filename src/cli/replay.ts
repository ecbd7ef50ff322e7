// `toolgate replay --since 30d --sample 500 [--bundle policies/]`: re-evaluate sampled calls (with
// their kept arguments) against the archived bundle of each receipt, or against a candidate bundle.
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { EvidenceStore } from '../evidence/index.js';
import { loadPolicyBundle } from '../policy/index.js';
import { formatReplay, replay, ReplayError } from '../replay/index.js';
import { parsePeriod } from '../report/index.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';

interface ReplayFlags extends ConfigFlag {
  since: string;
  until?: string;
  sample: string;
  seed?: string;
  bundle?: string[];
  format: string;
}

/** A directory stands for every policy file in it (fixtures excluded by the loader). */
const asPatterns = (paths: string[]) => paths.map((p) => (isDirectory(p) ? `${p.replace(/\/+$/, '')}/**/*.{yaml,yml}` : p));

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new ReplayError('bad_sample', `${flag} ${text}: expected a positive whole number`);
  return n;
}

export function registerReplay(program: Command): void {
  withConfigOption(program.command('replay'))
    .description('re-evaluate sampled calls against their archived policy (or a candidate bundle) and report what differs')
    .option('--since <when>', 'start: a duration ago (30d) or an ISO date', '30d')
    .option('--until <when>', 'end: a duration ago or an ISO date (default now)')
    .option('--sample <n>', 'how many calls to replay', '500')
    .option('--seed <n>', 'seed of the sample, to repeat a run')
    .option('--bundle <paths...>', 'shadow evaluation: a candidate policy directory or files')
    .option('--format <format>', 'text or json', 'text')
    .action(async (opts: ReplayFlags) => {
      if (opts.format !== 'text' && opts.format !== 'json') throw new Error(`--format ${opts.format}: expected text or json`);
      const { config, dir, file } = readConfig(opts);
      const evidence = EvidenceStore.fromConfig(config, dir);
      if (!evidence) throw new ReplayError('no_evidence', `${file}: evidence.store_arguments is off, so no arguments were kept to replay`);
      const { since, until } = parsePeriod(opts.since, opts.until);
      const candidate = opts.bundle
        ? await loadPolicyBundle(asPatterns(opts.bundle), {
            pathRoot: config.policy.path_root,
            knownUpstreams: Object.keys(config.upstreams).length ? Object.keys(config.upstreams) : undefined,
            registryFile: config.registry,
          })
        : undefined;
      const result = await replay({
        ledgerDir: config.ledger.dir,
        evidence,
        archiveDir: config.policy.archive_dir,
        principals: config.principals,
        since,
        until,
        sample: positiveInt(opts.sample, '--sample'),
        seed: opts.seed === undefined ? undefined : positiveInt(opts.seed, '--seed'),
        candidate,
      });
      process.stdout.write(formatReplay(result, opts.format));
      // Reproduction is a check: anything that did not reproduce, or could not be replayed, fails it.
      if (result.problems.length || (result.mode === 'reproduce' && result.differences.length)) process.exitCode = 1;
    });
}
