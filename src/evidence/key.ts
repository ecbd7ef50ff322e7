// The evidence key: 32 random bytes (base64 in a file of mode 0600), created on first use, kept
// apart from the signing keys. A key file that others can read is refused rather than used.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EvidenceError } from './errors.js';

const KEY_BYTES = 32;

export function loadOrCreateKey(file: string): Buffer {
  try {
    writeNewKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new EvidenceError('key_unusable', `cannot create evidence key ${file}: ${(err as Error).message}`, { cause: err });
  }
  return readKey(file);
}

/** Exclusive create: two processes starting together never overwrite each other's key. */
function writeNewKey(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
}

function readKey(file: string): Buffer {
  let text: string;
  try {
    const mode = statSync(file).mode & 0o777;
    if (process.platform !== 'win32' && mode & 0o077) {
      throw new EvidenceError('key_unusable', `evidence key ${file} has mode ${mode.toString(8)}: others can read it (chmod 600 ${file})`);
    }
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    throw new EvidenceError('key_unusable', `cannot read evidence key ${file}: ${(err as Error).message}`, { cause: err });
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES || key.toString('base64') !== text) {
    throw new EvidenceError('key_unusable', `evidence key ${file} is not ${KEY_BYTES} bytes of base64`);
  }
  return key;
}
