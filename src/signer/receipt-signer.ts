// The key that signs receipts, from the config: the file key of keys.dir (created when there is none),
// or, with keys.pkcs11, receipt keys certified by the token's key, which must be the keyring's current
// key (`toolgate keys generate` enrolls it).
import { parseDuration } from '../core/duration.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import { currentKeyId, keyringPath, loadOrCreateSigner, type Signer } from '../receipts/index.js';
import { certifiedSigner } from './certified.js';
import { SignerError } from './errors.js';
import { openTokenSigner } from './token.js';

export interface ReceiptSigner {
  signer: Signer;
  /** Logs out of the token, if any. */
  close(): void;
}

export function openReceiptSigner(keys: Config['keys'], log: Logger): ReceiptSigner {
  if (!keys.pkcs11) return { signer: loadOrCreateSigner(keys.dir, log), close: () => {} };
  const token = openTokenSigner(keys.pkcs11);
  try {
    const current = currentKeyId(keys.dir);
    if (current !== token.keyId) {
      throw new SignerError(
        'keyring',
        `the token's key ${token.keyId} ("${keys.pkcs11.key_label}") is not the current key of ${keyringPath(keys.dir)} (${current ?? 'none'}): ` +
          'run "toolgate keys generate -c toolgate.yaml" to enroll it, or "toolgate keys rotate" to hand over to it',
      );
    }
    const signer = certifiedSigner(token, parseDuration(keys.pkcs11.receipt_key_lifetime));
    log.info(
      { key_id: token.keyId, receipt_key_id: signer.keyId, module: keys.pkcs11.module },
      'receipts are signed by keys certified by the PKCS#11 token key',
    );
    return { signer, close: () => token.close() };
  } catch (err) {
    token.close();
    throw err;
  }
}
