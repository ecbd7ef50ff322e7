// The witness part of `toolgate ledger verify`: --witnesses N (the latest checkpoint carries N valid
// cosignatures by keyring witnesses, and no stored cosignature contradicts the ledger) and --online
// (each witness's own latest cosigned checkpoint does not either). docs/witness.md §3.
import type { Command } from 'commander';
import type { Keyring } from '../receipts/index.js';
import { verifyWitnessed } from '../witness/index.js';
import { hasConfig, readConfig, type ConfigFlag } from './config-option.js';

interface WitnessFlags extends ConfigFlag {
  witnesses?: number;
  online?: boolean;
  witnessUrl?: string[];
}

export function withWitnessOptions<C extends Command>(cmd: C): C {
  return cmd
    .option('--witnesses <n>', 'also require N valid witness cosignatures on the latest checkpoint (witness vkeys in the keyring)', (v) => {
      if (!/^\d+$/.test(v)) throw new Error(`--witnesses takes a number, not ${v}`);
      return Number(v);
    })
    .option('--online', 'also ask each witness for the checkpoint it cosigned last: fail when the ledger is behind it or inconsistent with it')
    .option('--witness-url <url...>', 'witness URLs for --online (default: witnesses[].url of the config)') as C;
}

/** Prints the result; false when a check failed. Skipped (true) when neither flag is given. */
export async function checkWitnesses(opts: WitnessFlags, dir: string, keyring: Keyring, receipts: number): Promise<boolean> {
  if (opts.witnesses === undefined && !opts.online) return true;
  const config = hasConfig(opts) ? readConfig(opts).config : undefined;
  const quorum = opts.witnesses ?? config?.ledger.witness_quorum ?? 0;
  const online = opts.online ? (opts.witnessUrl ?? config?.witnesses.map((w) => w.url) ?? []) : undefined;
  if (online && !online.length) {
    process.stdout.write('FAIL: --online needs witness URLs: witnesses[] in the config, or --witness-url\n');
    return false;
  }
  const report = await verifyWitnessed(dir, keyring, { quorum, receipts, online });
  for (const problem of report.problems) process.stdout.write(`FAIL: ${problem}\n`);
  if (report.problems.length) return false;
  const by = report.latest?.cosigners.length ? `cosigned by ${report.latest.cosigners.join(', ')}` : 'not cosigned';
  process.stdout.write(
    `ok: the latest checkpoint (${report.latest?.size ?? 0} receipts) is ${by}${online ? `; ${online.length} witnesses asked agree` : ''}\n`,
  );
  return true;
}
