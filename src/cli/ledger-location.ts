// Where a ledger command finds its ledger and keyring: explicit --dir / --keyring, else the config's
// ledger.dir and keys.dir/keyring.json. Shared by every `toolgate ledger` subcommand.
import { join } from 'node:path';
import type { Command } from 'commander';
import { KEYRING_FILE } from '../receipts/index.js';
import { readConfig, withConfigOption, type ConfigFlag } from './config-option.js';

/** The ledger directory: --dir, else the config's ledger.dir. */
export function ledgerDirOf(opts: ConfigFlag & { dir?: string }): string {
  return opts.dir ?? readConfig(opts, '--dir <dir>').config.ledger.dir;
}

export function keyringOf(opts: ConfigFlag & { keyring?: string }): string {
  return opts.keyring ?? join(readConfig(opts, '--keyring <file>').config.keys.dir, KEYRING_FILE);
}

export const withLocation = (cmd: Command) =>
  withConfigOption(cmd)
    .option('--dir <dir>', 'ledger directory (default: ledger.dir of the config)')
    .option('--keyring <file>', 'keyring file (default: keyring.json in keys.dir of the config)');
