// Signers kept off the host's disk: an ed25519 key in a PKCS#11 token, and the short-lived receipt
// keys it certifies. The composition root opens the receipt signer here; `toolgate keys` enrolls the
// token's key.
export { openReceiptSigner } from './receipt-signer.js';
export type { ReceiptSigner } from './receipt-signer.js';
export { openOrGenerateTokenKey, openTokenHandOver, openTokenSigner } from './token.js';
export type { TokenHandOver, TokenSigner } from './token.js';
export { certifiedSigner } from './certified.js';
