// Verifying one receipt envelope in the browser as a list of named checks, mirroring the gateway's
// verifier: envelope shape, payload JSON in RFC 8785 canonical form, signer named by the body, key
// in the keyring and valid at the receipt's time, and the gateway's ed25519 equation over DSSE PAE.
import canonicalize from 'canonicalize';
import { fromBase64, leafHash, pae } from './bytes.js';
import { verifySignature } from './ed25519.js';
import type { BrowserKey } from './keyring.js';

export const RECEIPT_MEDIA_TYPE = 'application/vnd.toolgate.receipt.v1+json';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verification {
  ok: boolean;
  checks: Check[];
  /** Hex leaf hash of the payload, computed here (not taken from the server). */
  leafHash: string | null;
}

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid: string; sig: string }>;
}

/** Untrusted input: the envelope as the server (or a paste) gave it. */
function asEnvelope(value: unknown): Envelope {
  const e = value as Partial<Envelope> | null;
  if (!e || typeof e.payload !== 'string' || !Array.isArray(e.signatures)) throw new Error('not a DSSE envelope');
  if (e.payloadType !== RECEIPT_MEDIA_TYPE) throw new Error(`payloadType is ${String(e.payloadType)}, not ${RECEIPT_MEDIA_TYPE}`);
  if (e.signatures.length !== 1) throw new Error(`expected exactly one signature, found ${e.signatures.length}`);
  const [s] = e.signatures as Array<{ keyid?: unknown; sig?: unknown }>;
  if (typeof s?.keyid !== 'string' || typeof s.sig !== 'string') throw new Error('signature needs keyid and sig');
  return e as Envelope;
}

export async function verifyEnvelope(value: unknown, keys: Map<string, BrowserKey>): Promise<Verification> {
  const checks: Check[] = [];
  let hash: string | null = null;
  const step = async (name: string, run: () => string | Promise<string>): Promise<boolean> => {
    try {
      checks.push({ name, ok: true, detail: await run() });
      return true;
    } catch (err) {
      checks.push({ name, ok: false, detail: (err as Error).message });
      return false;
    }
  };
  let envelope!: Envelope;
  let payload!: Uint8Array;
  let body!: { ts?: unknown; issuer?: { key_id?: unknown } };
  let key!: BrowserKey;
  const ok =
    (await step('DSSE envelope', () => {
      envelope = asEnvelope(value);
      return `${envelope.payloadType}, one signature`;
    })) &&
    (await step('canonical payload', async () => {
      payload = fromBase64(envelope.payload);
      const text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
      body = JSON.parse(text) as typeof body;
      if (canonicalize(body) !== text) throw new Error('payload is not RFC 8785 canonical JSON');
      hash = await leafHash(payload);
      return `RFC 8785, ${payload.length} bytes, leaf hash ${hash}`;
    })) &&
    (await step('signer', () => {
      const keyid = envelope.signatures[0]!.keyid;
      if (body.issuer?.key_id !== keyid) throw new Error(`signature keyid ${keyid} differs from issuer.key_id ${String(body.issuer?.key_id)}`);
      const found = keys.get(keyid);
      if (!found) throw new Error(`key ${keyid} is not in the keyring`);
      const ts = Date.parse(String(body.ts));
      if (!(ts >= found.notBefore && ts <= found.notAfter)) throw new Error(`key ${keyid} was not valid at ${String(body.ts)} (valid ${found.window})`);
      key = found;
      return `${keyid}, valid ${found.window}`;
    })) &&
    (await step('ed25519 signature', async () => {
      const sig = fromBase64(envelope.signatures[0]!.sig);
      const good = await verifySignature(sig, pae(envelope.payloadType, payload), key.publicKey);
      if (!good) throw new Error(`signature by ${key.keyId} does not verify`);
      return 'verifies over PAE(payloadType, payload)';
    }));
  return { ok, checks, leafHash: hash };
}
