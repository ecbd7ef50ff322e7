// A fresh SoftHSM2 token per test, in a temporary directory (SOFTHSM2_CONF points at its own config
// and token store), initialized with softhsm2-util. `.ci/run` installs Debian's softhsm2 when missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../ledger/helpers.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const PIN_ENV = 'TOOLGATE_TEST_TOKEN_PIN';

export interface TestToken {
  /** The directory holding the token's config and store. */
  dir: string;
  /** `keys.pkcs11` for this token. */
  pkcs11: { module: string; token_label: string; key_label: string; pin_env: string; receipt_key_lifetime: string };
  /** Environment for a child process that uses the token. */
  env: Record<string, string>;
}

/** Initializes a token labelled `label` with user PIN 1234 and points this process at it. */
export function softHsmToken(label = 'toolgate-test'): TestToken {
  if (!existsSync(SOFTHSM_MODULE)) throw new Error(`SoftHSM2 is not installed (${SOFTHSM_MODULE}): apt-get install softhsm2 (.ci/run does)`);
  const dir = tempDir();
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { SOFTHSM2_CONF: conf, [PIN_ENV]: '1234' };
  Object.assign(process.env, env);
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', '1234', '--so-pin', '5678'], { env: process.env, stdio: 'ignore' });
  return { dir, env, pkcs11: { module: SOFTHSM_MODULE, token_label: label, key_label: 'receipts', pin_env: PIN_ENV, receipt_key_lifetime: '2h' } };
}
