// Receipt keys certified by a long-term key (receipts/certificate.ts): a fresh ed25519 key made in
// memory (never written anywhere), certified by the long-term key for `lifetimeMs`, signing receipts on
// its own worker thread at the file key's speed. Past half its lifetime it offers a certified
// successor, which the ledger takes between two batches (Ledger.renewSigner); the old key's worker
// ends once its last batch is signed.
import { randomBytes } from 'node:crypto';
import { certifyKey, threadedSigner, type Signer } from '../receipts/index.js';

export function certifiedSigner(authority: Signer, lifetimeMs: number, now: () => number = Date.now): Signer {
  const seed = randomBytes(32);
  const key = threadedSigner(seed);
  const start = now();
  const certificate = certifyKey(authority, key.publicKey, new Date(start), new Date(start + lifetimeMs));
  const renewAt = start + lifetimeMs / 2;
  return { ...key, certificate, authority, renewed: () => (now() >= renewAt ? certifiedSigner(authority, lifetimeMs, now) : undefined) };
}
