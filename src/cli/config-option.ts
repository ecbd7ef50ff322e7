// The one `-c, --config` option every command that reads a config shares: ./toolgate.yaml unless
// -c names another file. Commands that also take explicit paths (--dir, --keyring) read the config
// only for what those flags leave open, so explicit paths work in a folder without a config.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../config/index.js';

export const DEFAULT_CONFIG_FILE = 'toolgate.yaml';

export interface ConfigFlag {
  config?: string;
}

/** Adds `-c, --config <file>` to a command. No commander default: an explicit -c and the default are told apart. */
export function withConfigOption<C extends Command>(command: C): C {
  return command.option('-c, --config <file>', `the configuration file (default: ./${DEFAULT_CONFIG_FILE})`) as C;
}

/** The config file a command reads: the one given with -c, else ./toolgate.yaml. */
export function configFileOf(opts: ConfigFlag): string {
  return opts.config ?? DEFAULT_CONFIG_FILE;
}

/** Whether there is a config to read: -c was given, or ./toolgate.yaml exists. */
export function hasConfig(opts: ConfigFlag): boolean {
  return opts.config !== undefined || existsSync(DEFAULT_CONFIG_FILE);
}

/** Loads the config a command reads; a missing default file says how to name another. */
export function readConfig(opts: ConfigFlag, alternative?: string): LoadedConfig {
  if (!hasConfig(opts)) {
    throw new Error(`no ./${DEFAULT_CONFIG_FILE} in this folder: pass -c <file>${alternative ? ` or ${alternative}` : ''}`);
  }
  return loadConfig(configFileOf(opts));
}
