// The keyring as the browser reads it (the one the server publishes, or one pasted by an auditor who
// holds their own): untrusted JSON, checked entry by entry before any key is used.
import { fromBase64, hex, sha256 } from './bytes.js';
import { assertStrictKey } from './ed25519.js';

export interface BrowserKey {
  keyId: string;
  publicKey: Uint8Array;
  notBefore: number;
  notAfter: number;
  window: string;
}

export const KEYRING_VERSION = 'toolgate.keyring/v1';

export async function keyIdOf(publicKey: Uint8Array): Promise<string> {
  return `ed25519:${hex(await sha256(publicKey)).slice(0, 16)}`;
}

/** Untrusted input: parse a keyring file's JSON text into keys by id, or throw naming the bad entry. */
export async function parseKeyring(text: string): Promise<Map<string, BrowserKey>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`keyring is not JSON: ${(err as Error).message}`);
  }
  const file = json as { version?: unknown; keys?: unknown };
  if (!file || file.version !== KEYRING_VERSION || !Array.isArray(file.keys)) {
    throw new Error(`keyring: expected {"version": "${KEYRING_VERSION}", "keys": [...]}`);
  }
  const keys = new Map<string, BrowserKey>();
  for (const [index, raw] of file.keys.entries()) {
    const e = raw as Record<string, unknown>;
    const where = `keyring keys[${index}]`;
    if (e.algorithm !== 'ed25519' || typeof e.key_id !== 'string' || typeof e.public_key !== 'string' || typeof e.not_before !== 'string') {
      throw new Error(`${where}: needs key_id, algorithm "ed25519", public_key and not_before`);
    }
    if (e.not_after !== null && typeof e.not_after !== 'string') throw new Error(`${where}: not_after must be a time or null`);
    const publicKey = fromBase64(e.public_key);
    try {
      assertStrictKey(publicKey);
    } catch (err) {
      throw new Error(`${where} (${e.key_id}): ${(err as Error).message}`);
    }
    const actual = await keyIdOf(publicKey);
    if (actual !== e.key_id) throw new Error(`${where}: key_id ${e.key_id} does not match its public key (${actual})`);
    const notBefore = Date.parse(e.not_before);
    const notAfter = e.not_after === null ? Infinity : Date.parse(e.not_after);
    if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) throw new Error(`${where}: not_before/not_after are not times`);
    keys.set(actual, { keyId: actual, publicKey, notBefore, notAfter, window: `${e.not_before} .. ${e.not_after ?? 'now'}` });
  }
  return keys;
}
