// Receipts: RFC 8785 canonical JSON, DSSE envelopes, ed25519 signing and strict verification,
// the receipt body schema, key ids, the keyring and key files. Knows nothing of the ledger.
export { canonicalJson, canonicalSha256, sha256, sha256Hex, leafHash } from './canonical.js';
export { RECEIPT_MEDIA_TYPE, EnvelopeSchema, pae, envelopeOf, envelopeLine, signPayloads } from './dsse.js';
export type { Envelope, PayloadBatch, SignedBatch } from './dsse.js';
export {
  ReceiptEventSchema,
  Rfc3339UtcText,
  ReceiptBodySchema,
  ReceiptDraftSchema,
  CallReceiptSchema,
  RotateReceiptSchema,
  assertReceiptBody,
  assertReceiptDraft,
} from './body.js';
export type { ReceiptBody, CallReceiptBody, RotateReceiptBody, ReceiptDraft, ReceiptEvent } from './body.js';
export { keyIdOf, signerFromSeed, seedFromPem, pemFromSeed, assertStrictPublicKey, strictVerify, fastVerify } from './ed25519.js';
export type { Signer, SignatureCheck } from './ed25519.js';
export { Keyring, KeyringSchema, KEYRING_VERSION } from './keyring.js';
export type { KeyringEntry, KeyringFile, TrustedKey } from './keyring.js';
export { sealReceipt, verifyReceipt, assertReceiptEnvelope, parseEnvelopeJson, openPayload } from './receipt.js';
export type { SealedReceipt, VerifiedReceipt } from './receipt.js';
export { threadedSigner } from './threaded-signer.js';
export { newReceiptId, ulid } from './ids.js';
export { generateKey, loadCurrentSigner, loadOrCreateSigner, rotateKey, rotateLostKey, keyringPath, keyFileName, KEYRING_FILE } from './keys.js';
export type { RotationSink, AppendSink, GeneratedKey, Rotation } from './keys.js';
export { ReceiptError } from './errors.js';
export { MAX_RECEIPT_URI } from './body.js';
export type { ReceiptErrorCode } from './errors.js';
