// `toolgate keys generate|rotate`: create the receipt signing key and keyring, or hand over to a new
// key. Rotation appends the hand-over receipt to the ledger, so the gateway must not be running.
import type { Command } from 'commander';
import { Ledger } from '../ledger/index.js';
import { log } from '../log.js';
import { generateKey, loadCurrentSigner, rotateKey } from '../receipts/index.js';
import { locate } from './ledger.js';
import { loadConfig } from '../config/index.js';

function keysDir(opts: { config?: string; dir?: string }): string {
  const dir = opts.dir ?? locate({ config: opts.config }).keysDir;
  if (!dir) throw new Error('the keys directory is not known: pass -c toolgate.yaml or --dir DIR');
  return dir;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage the receipt signing key');

  keys
    .command('generate')
    .description('create an ed25519 signing key (mode 0600) and keyring.json')
    .option('-c, --config <file>', 'toolgate.yaml (uses keys.dir)')
    .option('--dir <dir>', 'keys directory')
    .action((opts) => {
      const created = generateKey(keysDir(opts));
      process.stdout.write(`created ${created.signer.keyId}\n  private key: ${created.keyFile}\n  keyring:     ${created.keyringFile}\n`);
    });

  keys
    .command('rotate')
    .description('start a new key; the hand-over is a receipt signed by the old key (stop the gateway first)')
    .option('-c, --config <file>', 'toolgate.yaml (uses keys.dir, ledger.dir and name)')
    .option('--dir <dir>', 'keys directory')
    .option('--ledger <dir>', 'ledger directory that records the hand-over')
    .option('--issuer <id>', 'issuer id for the hand-over receipt (default: the config name, or "toolgate")')
    .action(async (opts) => {
      const config = opts.config ? loadConfig(opts.config).config : undefined;
      const dir = keysDir(opts);
      const ledgerDir = opts.ledger ?? config?.ledger.dir;
      if (!ledgerDir) throw new Error('the ledger directory is not known: pass -c toolgate.yaml or --ledger DIR');
      const signer = loadCurrentSigner(dir);
      if (!signer) throw new Error(`${dir} has no current signing key to rotate; use "toolgate keys generate"`);
      const ledger = await Ledger.open({ dir: ledgerDir, signer, issuerId: opts.issuer ?? config?.name ?? 'toolgate', log });
      try {
        const rotation = await rotateKey(dir, ledger);
        process.stdout.write(
          `rotated ${rotation.from} -> ${rotation.to.keyId}\n  hand-over receipt: ${rotation.receipt.id} (seq ${rotation.receipt.chain.seq})\n`,
        );
      } finally {
        await ledger.close();
      }
    });
}
