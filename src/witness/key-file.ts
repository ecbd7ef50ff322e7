// The witness's own key: a small JSON file (mode 0600) with the cosigner name and the Ed25519 seed,
// created on first start. Its vkey is what logs and auditors put in their config and keyring.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { signerFromSeed, type Signer } from '../receipts/index.js';
import { vkeyOf } from './cosignature.js';
import { WitnessError } from './errors.js';

export const WITNESS_KEY_VERSION = 'toolgate.witness-key/v1';

const WitnessKeyFileSchema = z.strictObject({
  version: z.literal(WITNESS_KEY_VERSION),
  /** The cosigner name in signature lines: a schema-less URL, no spaces or "+". */
  name: z.string().regex(/^[^\s+\u2014]+$/, 'no spaces or "+"'),
  /** base64 of the 32-byte RFC 8032 seed. */
  seed: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'base64 of 32 bytes'),
});

export interface WitnessIdentity {
  name: string;
  signer: Signer;
  vkey: string;
}

function identityOf(name: string, seed: Uint8Array): WitnessIdentity {
  const signer = signerFromSeed(seed);
  return { name, signer, vkey: vkeyOf({ name, publicKey: signer.publicKey }) };
}

/** Load the key file, or create it (with `name`, or a name of this host) when it does not exist. */
export function loadOrCreateWitnessKey(file: string, name?: string): { identity: WitnessIdentity; created: boolean } {
  if (!existsSync(file)) {
    const chosen =
      name ??
      `${hostname()
        .toLowerCase()
        .replace(/[^a-z0-9.-]/g, '-')}/toolgate-witness`;
    const seed = randomBytes(32);
    const record = { version: WITNESS_KEY_VERSION, name: WitnessKeyFileSchema.shape.name.parse(chosen), seed: seed.toString('base64') };
    try {
      writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      throw new WitnessError('witness_io', `cannot create witness key ${file}: ${(err as Error).message}`, { cause: err });
    }
    return { identity: identityOf(record.name, seed), created: true };
  }
  let parsed: z.infer<typeof WitnessKeyFileSchema>;
  try {
    parsed = WitnessKeyFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new WitnessError('witness_key_invalid', `witness key ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (name !== undefined && name !== parsed.name) throw new WitnessError('witness_key_invalid', `witness key ${file} is named ${parsed.name}, not ${name}`);
  return { identity: identityOf(parsed.name, Buffer.from(parsed.seed, 'base64')), created: false };
}
