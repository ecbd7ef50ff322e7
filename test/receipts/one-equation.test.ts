// One ed25519 equation for every verifier: `toolgate verify` (one receipt), `ledger verify` (a line of
// a ledger) and the console's in-browser check give the same answer on an honest signature, on one
// whose R has a small-order component (the cofactored equation accepts it, the cofactorless one does
// not), on a malleated S + L, and on a small-order R.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkLine } from '../../src/ledger/verify-line.js';
import { canonicalJson, envelopeOf, pae, RECEIPT_MEDIA_TYPE, sealReceipt, verifyReceipt, type Envelope } from '../../src/receipts/index.js';
import { verifySignature as browserVerify } from '../../web/src/verify/ed25519.js';
import { mixedOrderSignature } from '../ledger/forgeries.js';
import { bodyFor, keyringOf, testSigner } from '../ledger/helpers.js';

const seed = createHash('sha256').update('one-equation').digest();
const signer = testSigner('one-equation');
const keyring = keyringOf({ signer });
const body = bodyFor(signer);
const payload = Buffer.from(canonicalJson(body), 'utf8');
const message = pae(RECEIPT_MEDIA_TYPE, payload);
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function withSignature(signature: Uint8Array): Envelope {
  return envelopeOf(payload, signer.keyId, signature);
}

function plusL(signature: Uint8Array): Uint8Array {
  const out = new Uint8Array(signature);
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(out[32 + i]!);
  s += L;
  for (let i = 0; i < 32; i++, s >>= 8n) out[32 + i] = Number(s & 0xffn);
  return out;
}

async function verdicts(envelope: Envelope): Promise<{ single: boolean; ledger: boolean; browser: boolean }> {
  let single = true;
  try {
    verifyReceipt(envelope, keyring);
  } catch {
    single = false;
  }
  const signature = Buffer.from(envelope.signatures[0]!.sig, 'base64');
  return {
    single,
    ledger: checkLine(JSON.stringify(envelope), keyring).ok,
    // The console's equation (web/src/verify/ed25519.ts), the step its receipt check ends with.
    browser: await browserVerify(signature, message, signer.publicKey),
  };
}

describe('one signature equation for one receipt, a ledger and the console', () => {
  it('all accept an honest signature', async () => {
    expect(await verdicts(sealReceipt(body, signer).envelope)).toEqual({ single: true, ledger: true, browser: true });
  });

  it('all reject a signature whose R has a small-order component', async () => {
    expect(await verdicts(withSignature(mixedOrderSignature(seed, message)))).toEqual({ single: false, ledger: false, browser: false });
  });

  it('all reject S + L', async () => {
    expect(await verdicts(withSignature(plusL(signer.sign(message))))).toEqual({ single: false, ledger: false, browser: false });
  });

  it('all reject a small-order R', async () => {
    const signature = new Uint8Array(64);
    signature[0] = 1; // R = the neutral point, S = 0
    expect(await verdicts(withSignature(signature))).toEqual({ single: false, ledger: false, browser: false });
  });
});
