// `toolgate keys generate|rotate`: create the receipt signing key and keyring, or hand over to a new
// key. Rotation appends the hand-over receipt to the ledger, so the gateway must not be running.
import type { Command } from 'commander';
import { Ledger } from '../ledger/index.js';
import { log } from '../log.js';
import { generateKey, loadCurrentSigner, rotateKey, rotateLostKey, type Signer } from '../receipts/index.js';
import type { Config } from '../config/index.js';
import { hasConfig, readConfig, withConfigOption, type ConfigFlag } from './config-option.js';

/** The keys directory: --dir, else the config's keys.dir. */
function keysDir(opts: ConfigFlag & { dir?: string }): string {
  return opts.dir ?? readConfig(opts, '--dir <dir>').config.keys.dir;
}

function currentSigner(dir: string): Signer {
  const signer = loadCurrentSigner(dir);
  if (!signer) throw new Error(`${dir} has no current signing key to rotate; use "toolgate keys generate"`);
  return signer;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage the receipt signing key');

  withConfigOption(keys.command('generate'))
    .description('create an ed25519 signing key (mode 0600) and keyring.json')
    .option('--dir <dir>', 'keys directory (default: keys.dir of the config)')
    .action((opts) => {
      const created = generateKey(keysDir(opts));
      process.stdout.write(`created ${created.signer.keyId}\n  private key: ${created.keyFile}\n  keyring:     ${created.keyringFile}\n`);
    });

  withConfigOption(keys.command('rotate'))
    .description('start a new key; the hand-over is a receipt signed by the old key (stop the gateway first)')
    .option('--dir <dir>', 'keys directory (default: keys.dir of the config)')
    .option('--ledger <dir>', 'ledger directory that records the hand-over (default: ledger.dir of the config)')
    .option('--issuer <id>', 'issuer id for the hand-over receipt (default: the config name)')
    .option('--lost', "the current key's private file is lost: retire it; the new key signs the hand-over")
    .action(async (opts: ConfigFlag & { dir?: string; ledger?: string; issuer?: string; lost?: boolean }) => {
      // The config is read only for what the flags leave open: --dir and --ledger given, none is needed.
      const config = (): Config => readConfig(opts, '--dir and --ledger').config;
      const dir = keysDir(opts);
      const openLedger = (signer: Signer) => Ledger.open({ dir: opts.ledger ?? config().ledger.dir, signer, issuerId: opts.issuer ?? issuerOf(opts), log });
      let ledger: Ledger | undefined;
      try {
        const rotation = opts.lost
          ? await rotateLostKey(dir, async (next) => (ledger = await openLedger(next)))
          : await rotateKey(dir, (ledger = await openLedger(currentSigner(dir))));
        process.stdout.write(
          `rotated ${rotation.from} -> ${rotation.to.keyId}\n  hand-over receipt: ${rotation.receipt.id} (seq ${rotation.receipt.chain.seq})\n`,
        );
      } finally {
        await ledger?.close();
      }
    });
}

/** Without a config the issuer is the config's own default name. */
function issuerOf(opts: ConfigFlag): string {
  return hasConfig(opts) ? readConfig(opts).config.name : 'toolgate';
}
