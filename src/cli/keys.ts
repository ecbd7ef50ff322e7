// `toolgate keys generate|rotate`: create the receipt signing key and keyring, or hand over to a new
// key. Rotation appends the hand-over receipt to the ledger, so the gateway must not be running.
// With keys.pkcs11 in the config, generate creates the key in the token (or finds the one labelled
// there) and enrolls its public key in the keyring; nothing private is written.
import type { Command } from 'commander';
import { Ledger } from '../ledger/index.js';
import { log } from '../log.js';
import { enrollKey, generateKey, loadCurrentSigner, rotateKey, rotateLostKey, type Signer } from '../receipts/index.js';
import { openOrGenerateTokenKey } from '../signer/index.js';
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
    .action((opts: ConfigFlag & { dir?: string }) => {
      const pkcs11 = tokenOf(opts);
      if (pkcs11) return generateInToken(keysDir(opts), pkcs11);
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
      if (tokenOf(opts)) throw new Error('keys rotate does not yet hand over between PKCS#11 token keys: see docs/operations.md, "Keys in a PKCS#11 token"');
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

/** The config's keys.pkcs11, when there is a config and it names a token. */
function tokenOf(opts: ConfigFlag): NonNullable<Config['keys']['pkcs11']> | undefined {
  return hasConfig(opts) ? readConfig(opts).config.keys.pkcs11 : undefined;
}

function generateInToken(dir: string, pkcs11: NonNullable<Config['keys']['pkcs11']>): void {
  const { signer, generated } = openOrGenerateTokenKey(pkcs11);
  try {
    const enrolled = enrollKey(dir, signer.publicKey);
    const what = generated ? 'created' : 'found';
    process.stdout.write(
      `${what} ${signer.keyId} in the PKCS#11 token (key label "${pkcs11.key_label}")\n  keyring:     ${enrolled.keyringFile}${enrolled.added ? '' : ' (already current)'}\n`,
    );
  } finally {
    signer.close();
  }
}

/** Without a config the issuer is the config's own default name. */
function issuerOf(opts: ConfigFlag): string {
  return hasConfig(opts) ? readConfig(opts).config.name : 'toolgate';
}
