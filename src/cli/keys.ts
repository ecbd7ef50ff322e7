// `toolgate keys generate|rotate|add-witness`: create the receipt signing key and keyring, hand over
// to a new key, or trust a witness. Rotation appends the hand-over receipt to the ledger, so the
// gateway must not be running. With keys.pkcs11 in the config, generate creates the key in the token
// (or finds the one labelled there) and enrolls its public key in the keyring, and rotate hands over
// to another key of the token; nothing private is written.
import type { Command } from 'commander';
import { Ledger } from '../ledger/index.js';
import { log } from '../log.js';
import {
  addWitness,
  currentKeyId,
  enrollKey,
  generateKey,
  keyringPath,
  loadCurrentSigner,
  rotateKey,
  rotateLostKey,
  rotateToKey,
  type Rotation,
  type Signer,
} from '../receipts/index.js';
import { openOrGenerateTokenKey, openTokenHandOver } from '../signer/index.js';
import { parseVkey } from '../witness/index.js';
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
    .option('--to-key-label <label>', 'with keys.pkcs11: hand over to the token key with this label (generated in the token when there is none)')
    .action(async (opts: ConfigFlag & { dir?: string; ledger?: string; issuer?: string; lost?: boolean; toKeyLabel?: string }) => {
      // The config is read only for what the flags leave open: --dir and --ledger given, none is needed.
      const config = (): Config => readConfig(opts, '--dir and --ledger').config;
      const dir = keysDir(opts);
      const openLedger = (signer: Signer) => Ledger.open({ dir: opts.ledger ?? config().ledger.dir, signer, issuerId: opts.issuer ?? issuerOf(opts), log });
      const pkcs11 = tokenOf(opts);
      if (pkcs11) return printRotation(await rotateInToken(dir, pkcs11, opts, openLedger), pkcs11.key_label, opts.toKeyLabel);
      if (opts.toKeyLabel) throw new Error('--to-key-label hands over between keys of a PKCS#11 token: the config has no keys.pkcs11');
      let ledger: Ledger | undefined;
      try {
        printRotation(
          opts.lost
            ? await rotateLostKey(dir, async (next) => (ledger = await openLedger(next)))
            : await rotateKey(dir, (ledger = await openLedger(currentSigner(dir)))),
        );
      } finally {
        await ledger?.close();
      }
    });

  withConfigOption(keys.command('add-witness'))
    .description('trust a witness for `ledger verify --witnesses`: add its vkey (`toolgate witness vkey` prints it) to the keyring')
    .argument('<vkey>', 'the C2SP vkey of the witness: <name>+<8 hex digits>+<base64 key>')
    .option('--dir <dir>', 'keys directory holding keyring.json (default: keys.dir of the config)')
    .action((vkey: string, opts: ConfigFlag & { dir?: string }) => {
      parseVkey(vkey);
      const { keyringFile, added } = addWitness(keysDir(opts), vkey);
      process.stdout.write(`${added ? 'added' : 'already trusted'}: witness ${vkey.slice(0, vkey.indexOf('+'))}\n  keyring:     ${keyringFile}\n`);
    });
}

function printRotation(rotation: Rotation, fromLabel?: string, toLabel?: string): void {
  process.stdout.write(`rotated ${rotation.from} -> ${rotation.to.keyId}\n  hand-over receipt: ${rotation.receipt.id} (seq ${rotation.receipt.chain.seq})\n`);
  if (toLabel)
    process.stdout.write(`  now set keys.pkcs11.key_label from "${fromLabel}" to "${toLabel}" in the config: the gateway signs with the new key only\n`);
}

/**
 * Hand over from the token's current key (keys.pkcs11.key_label, the keyring's current key) to its
 * key labelled --to-key-label: the hand-over receipt is signed in the token by the old key.
 */
async function rotateInToken(
  dir: string,
  pkcs11: NonNullable<Config['keys']['pkcs11']>,
  opts: { lost?: boolean; toKeyLabel?: string },
  openLedger: (signer: Signer) => Promise<Ledger>,
): Promise<Rotation> {
  if (opts.lost) throw new Error('--lost retires a lost key file; a token key is not lost with a file: hand over with --to-key-label');
  if (!opts.toKeyLabel) throw new Error('with keys.pkcs11, name the token key to hand over to: --to-key-label <label>');
  const keys = openTokenHandOver(pkcs11, opts.toKeyLabel);
  let ledger: Ledger | undefined;
  try {
    const current = currentKeyId(dir);
    if (current !== keys.from.keyId) {
      throw new Error(
        `the token's key ${keys.from.keyId} ("${pkcs11.key_label}") is not the current key of ${keyringPath(dir)} (${current ?? 'none'}): nothing to hand over from`,
      );
    }
    ledger = await openLedger(keys.from);
    return await rotateToKey(dir, ledger, keys.to);
  } finally {
    await ledger?.close();
    keys.close();
  }
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
