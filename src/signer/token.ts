// An ed25519 key in a PKCS#11 token (an HSM; SoftHSM2 in the tests): found by its label, used through
// CKM_EDDSA, never exported. One session, logged in with the PIN from the environment variable the
// config names; the PIN never reaches a log or an error message. The token signs only certificates
// and checkpoints (a few a minute), synchronously, which pkcs11js does on the calling thread.
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { assertStrictPublicKey, keyIdOf, type Signer } from '../receipts/index.js';
import { SignerError } from './errors.js';

/** Mechanisms and key type from PKCS#11 3.0 (pkcs11js 2.1 does not name them). */
const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
const CKM_EDDSA = 0x1057;
const CKK_EC_EDWARDS = 0x40;
/** DER of the curve name "edwards25519" as a PrintableString: the EC parameters SoftHSM2 and OpenSC write. */
const EDWARDS25519_PARAMS = Buffer.from('130c656477617264733235353139', 'hex');

export interface TokenConfig {
  module: string;
  slot?: number | undefined;
  token_label?: string | undefined;
  key_label: string;
  pin_env: string;
}

/** A token key that signs; `close` logs out and unloads the module. */
export interface TokenSigner extends Signer {
  close(): void;
}

interface Session {
  lib: pkcs11js.PKCS11;
  handle: Buffer;
}

function fault(message: string, err?: unknown): SignerError {
  // pkcs11js errors name the PKCS#11 return code (CKR_PIN_INCORRECT, ...); they never hold the PIN.
  return new SignerError('token', err ? `${message}: ${(err as Error).message}` : message, err ? { cause: err } : undefined);
}

function pinOf(config: TokenConfig): string {
  const pin = process.env[config.pin_env];
  if (!pin) throw new SignerError('token', `the token's PIN is not set: put it in the environment variable ${config.pin_env}`);
  return pin;
}

function findSlot(lib: pkcs11js.PKCS11, config: TokenConfig): Buffer {
  const slots = lib.C_GetSlotList(true);
  const found =
    config.slot !== undefined
      ? slots.find((s) => s.readBigUInt64LE(0) === BigInt(config.slot!))
      : slots.find((s) => lib.C_GetTokenInfo(s).label.trim() === config.token_label);
  if (!found)
    throw new SignerError('token', `no token ${config.slot !== undefined ? `in slot ${config.slot}` : `labelled "${config.token_label}"`} in ${config.module}`);
  return found;
}

function open(config: TokenConfig): Session {
  const pin = pinOf(config);
  const lib = new pkcs11js.PKCS11();
  try {
    lib.load(config.module);
    lib.C_Initialize();
  } catch (err) {
    throw fault(`cannot load the PKCS#11 module ${config.module}`, err);
  }
  try {
    const handle = lib.C_OpenSession(findSlot(lib, config), pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    lib.C_Login(handle, pkcs11js.CKU_USER, pin);
    return { lib, handle };
  } catch (err) {
    lib.C_Finalize();
    throw err instanceof SignerError ? err : fault('cannot log in to the token', err);
  }
}

function close({ lib, handle }: Session): void {
  try {
    lib.C_Logout(handle);
    lib.C_CloseSession(handle);
  } finally {
    lib.C_Finalize();
  }
}

function findObjects({ lib, handle }: Session, template: pkcs11js.Template): Buffer[] {
  lib.C_FindObjectsInit(handle, template);
  try {
    return lib.C_FindObjects(handle, 16);
  } finally {
    lib.C_FindObjectsFinal(handle);
  }
}

/** The raw 32 bytes of an EdDSA public key object's CKA_EC_POINT (a DER OCTET STRING, or raw). */
function rawPublicKey(session: Session, object: Buffer): Uint8Array {
  const [attr] = session.lib.C_GetAttributeValue(session.handle, object, [{ type: pkcs11js.CKA_EC_POINT }]);
  const point = attr?.value as Buffer | undefined;
  if (!point) throw new SignerError('token', 'the public key has no CKA_EC_POINT');
  const raw = point.length === 34 && point[0] === 0x04 && point[1] === 0x20 ? point.subarray(2) : point;
  if (raw.length !== 32) throw new SignerError('token', `CKA_EC_POINT holds ${raw.length} bytes, not an ed25519 key`);
  const publicKey = new Uint8Array(raw);
  assertStrictPublicKey(publicKey);
  return publicKey;
}

/** The key pair labelled `key_label`: exactly one private key, with its public key found by CKA_ID. */
function findKeyPair(session: Session, label: string): { privateKey: Buffer; publicKey: Uint8Array } | undefined {
  const privates = findObjects(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ]);
  if (privates.length === 0) return undefined;
  if (privates.length > 1) throw new SignerError('token', `the token holds ${privates.length} private keys labelled "${label}"; keep one`);
  const [id] = session.lib.C_GetAttributeValue(session.handle, privates[0]!, [{ type: pkcs11js.CKA_ID }]);
  const [pub] = findObjects(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
    ...(id?.value && (id.value as Buffer).length ? [{ type: pkcs11js.CKA_ID, value: id.value as Buffer }] : []),
  ]);
  if (!pub) throw new SignerError('token', `the token has no public key labelled "${label}" beside its private key`);
  return { privateKey: privates[0]!, publicKey: rawPublicKey(session, pub) };
}

/** Generate an ed25519 key pair in the token; the private key is sensitive and never extractable. */
function generateKeyPair(session: Session, label: string): void {
  const id = randomBytes(8);
  const common = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
  ];
  session.lib.C_GenerateKeyPair(
    session.handle,
    { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN },
    [
      ...common,
      { type: pkcs11js.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      { type: pkcs11js.CKA_EC_PARAMS, value: EDWARDS25519_PARAMS },
      { type: pkcs11js.CKA_VERIFY, value: true },
    ],
    [
      ...common,
      { type: pkcs11js.CKA_KEY_TYPE, value: CKK_EC_EDWARDS },
      { type: pkcs11js.CKA_SIGN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      { type: pkcs11js.CKA_SENSITIVE, value: true },
      { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    ],
  );
}

function signerOf(session: Session, pair: { privateKey: Buffer; publicKey: Uint8Array }): TokenSigner {
  return {
    keyId: keyIdOf(pair.publicKey),
    publicKey: pair.publicKey,
    sign(message) {
      try {
        session.lib.C_SignInit(session.handle, { mechanism: CKM_EDDSA }, pair.privateKey);
        return new Uint8Array(session.lib.C_Sign(session.handle, Buffer.from(message), Buffer.alloc(64)));
      } catch (err) {
        throw fault('the token did not sign', err);
      }
    },
    close: () => close(session),
  };
}

/** The token's key labelled `key_label`; an error saying how to create it when there is none. */
export function openTokenSigner(config: TokenConfig): TokenSigner {
  const session = open(config);
  try {
    const pair = findKeyPair(session, config.key_label);
    if (!pair) throw new SignerError('token', `the token holds no key labelled "${config.key_label}": create it with "toolgate keys generate"`);
    return signerOf(session, pair);
  } catch (err) {
    close(session);
    throw err;
  }
}

/** The key pair labelled `label`, generated in the token first when there is none. */
function findOrGenerate(session: Session, label: string): { pair: { privateKey: Buffer; publicKey: Uint8Array }; generated: boolean } {
  const found = findKeyPair(session, label);
  if (found) return { pair: found, generated: false };
  generateKeyPair(session, label);
  return { pair: findKeyPair(session, label)!, generated: true };
}

/** The token's key labelled `key_label`, generated in the token first when there is none. */
export function openOrGenerateTokenKey(config: TokenConfig): { signer: TokenSigner; generated: boolean } {
  const session = open(config);
  try {
    const { pair, generated } = findOrGenerate(session, config.key_label);
    return { signer: signerOf(session, pair), generated };
  } catch (err) {
    close(session);
    throw err instanceof SignerError ? err : fault('cannot generate a key in the token', err);
  }
}

/** Two keys of one token for a hand-over between them, in one session (a module is initialized once per process). */
export interface TokenHandOver {
  /** The current key, labelled `key_label`. */
  from: Signer;
  /** The key it hands over to. */
  to: Signer;
  close(): void;
}

/** The token's key labelled `key_label` and the one labelled `nextLabel`, generated when there is none. */
export function openTokenHandOver(config: TokenConfig, nextLabel: string): TokenHandOver {
  if (nextLabel === config.key_label)
    throw new SignerError('token', `the key to hand over to needs a label of its own, not the current key_label "${nextLabel}"`);
  const session = open(config);
  try {
    const current = findKeyPair(session, config.key_label);
    if (!current) throw new SignerError('token', `the token holds no key labelled "${config.key_label}" to hand over from`);
    const { pair } = findOrGenerate(session, nextLabel);
    return { from: signerOf(session, current), to: signerOf(session, pair), close: () => close(session) };
  } catch (err) {
    close(session);
    throw err instanceof SignerError ? err : fault('cannot generate a key in the token', err);
  }
}
