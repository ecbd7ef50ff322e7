// Receipts: RFC 8785 canonical JSON, DSSE envelopes, ed25519 signing and strict verification,
// the receipt body schema, key ids, the keyring and key files. Knows nothing of the ledger.
export { canonicalJson, canonicalSha256, sha256, sha256Hex, leafHash } from './canonical.js';
export { RECEIPT_MEDIA_TYPE, KEY_ID_PATTERN, EnvelopeSchema, pae, envelopeOf, envelopeLine, envelopeText, envelopeOfText, signPayloads } from './dsse.js';
export type { Envelope, PayloadBatch, SignedBatch } from './dsse.js';
export {
  ReceiptEventSchema,
  Rfc3339UtcText,
  CallReceiptSchema,
  assertReceiptDraft,
  ApprovalEntrySchema,
  EvidenceFieldName,
  EvidenceValuesSchema,
  isCallReceipt,
  ownBodySubject,
} from './body.js';
export type { ReceiptBody, CallReceiptBody, ReceiptDraft } from './body.js';
export { keyIdOf, signerFromSeed, pemFromSeed, seedFromPem, assertStrictPublicKey, verifySignature } from './ed25519.js';
export type { Signer } from './ed25519.js';
export type { RotateReceiptBody, KeyCertificate, PolicyChangeReceiptBody } from './body.js';
export { certifyKey, KEY_CERTIFICATE_MEDIA_TYPE } from './certificate.js';
export { Keyring, KEYRING_VERSION } from './keyring.js';
export type { KeyringFile } from './keyring.js';
export { sealReceipt, verifyReceipt, verifyEnvelope, parseEnvelopeJson, openPayload } from './receipt.js';
export { parseJsonText } from './json-text.js';
export { RECEIPT_META_KEY, resultSha256, errorSha256 } from './result.js';
export { verifyHeld } from './held.js';
export type { VerifiedReceipt } from './receipt.js';
export { threadedSigner } from './threaded-signer.js';
export { newReceiptId, ulid } from './ids.js';
export {
  addWitness,
  generateKey,
  currentKeyId,
  enrollKey,
  loadCurrentSigner,
  loadOrCreateSigner,
  rotateKey,
  rotateLostKey,
  rotateToKey,
  keyringPath,
  KEYRING_FILE,
} from './keys.js';
export type { Rotation } from './keys.js';
export { MAX_RECEIPT_URI } from './body.js';
