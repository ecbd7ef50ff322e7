// The cosignature format against its vector (test/vectors/witness/cosignature.json), checked twice:
// by toolgate's code, and by hand from C2SP tlog-cosignature and signed-note with node:crypto alone
// (key id, timestamp bytes, signed message, vkey), so the vector does not only echo the code.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signerFromSeed } from '../../src/receipts/index.js';
import { cosign, parseVkey, verifyCosignatures, vkeyOf } from '../../src/witness/index.js';

const v = JSON.parse(readFileSync(new URL('../vectors/witness/cosignature.json', import.meta.url), 'utf8')) as Record<string, string> & { timestamp: number };
const seed = Buffer.from(v.seed_hex, 'hex');
const publicKey = Buffer.from(v.public_key_base64, 'base64');

describe('cosignature/v1 (Ed25519) vector', () => {
  it("toolgate's code makes exactly the vector's vkey and signature line, and verifies it", () => {
    const signer = signerFromSeed(seed);
    expect(Buffer.from(signer.publicKey)).toEqual(publicKey);
    expect(vkeyOf({ name: v.name, publicKey })).toBe(v.vkey);
    expect(cosign(v.note_text, v.name, signer, v.timestamp)).toBe(`${v.signature_line}\n`);
    expect(verifyCosignatures(v.note_text, [v.signature_line], [parseVkey(v.vkey)])).toEqual([{ witness: v.name, timestamp: v.timestamp }]);
  });

  it('matches the spec worked by hand: key id, big-endian timestamp, signed message, vkey', () => {
    const keyId = createHash('sha256')
      .update(Buffer.concat([Buffer.from(`${v.name}\n`), Buffer.from([0x04]), publicKey]))
      .digest()
      .subarray(0, 4);
    const message = Buffer.from(`cosignature/v1\ntime ${v.timestamp}\n${v.note_text}`);
    expect(message.toString()).toBe(v.signed_message);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const signature = sign(null, message, createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }));
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(BigInt(v.timestamp));
    expect(v.signature_line).toBe(`\u2014 ${v.name} ${Buffer.concat([keyId, stamp, signature]).toString('base64')}`);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), publicKey]);
    expect(verify(null, message, createPublicKey({ key: spki, format: 'der', type: 'spki' }), signature)).toBe(true);
    expect(v.vkey).toBe(`${v.name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([0x04]), publicKey]).toString('base64')}`);
  });

  it('refuses a line by a known key that does not verify, and skips lines by other keys', () => {
    const key = parseVkey(v.vkey);
    const other = v.signature_line.replace(v.name, 'witness.example/w2');
    expect(verifyCosignatures(v.note_text, [other], [key])).toEqual([]);
    expect(() => verifyCosignatures(v.note_text.replace('\n20\n', '\n21\n'), [v.signature_line], [key])).toThrow(/does not verify/);
    expect(() => parseVkey(v.vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow(/key id does not match/);
  });
});
