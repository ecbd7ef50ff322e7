// One receipt has one byte form: verifiers reject every other encoding of the same signed content
// (non-canonical base64, a ledger line that is not the compact envelope, CRLF, duplicate JSON keys),
// so two different files can never both verify.
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/index.js';
import { canonicalJson, envelopeOf, isCallReceipt, pae, parseEnvelopeJson, RECEIPT_MEDIA_TYPE, sealReceipt, verifyReceipt } from '../../src/receipts/index.js';
import { bodyOf, callDraft, editLine, keyring, permitThenComplete, signer } from './helpers.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same bytes in base64 with a non-zero padding bit: decoders that ignore those bits read it alike. */
function nonCanonical(b64: string): string {
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  if (!pad) throw new Error('needs padding');
  const at = b64.length - pad - 1;
  return b64.slice(0, at) + ALPHABET[ALPHABET.indexOf(b64[at]!) | 1] + b64.slice(at + 1);
}

function sealedWithPaddedPayload() {
  for (let n = 0; ; n++) {
    const body = bodyOf(callDraft('permit'));
    if (isCallReceipt(body)) body.policy.reason += ' '.repeat(n);
    const sealed = sealReceipt(body, signer);
    if (sealed.envelope.payload.endsWith('=')) return sealed;
  }
}

describe('a single receipt', () => {
  const { envelope } = sealedWithPaddedPayload();

  it('verifies in its canonical encoding', () => {
    expect(verifyReceipt(envelope, keyring).body.event).toBe('permit');
  });

  it('is rejected when its signature is base64 with non-zero padding bits', () => {
    const sig = nonCanonical(envelope.signatures[0]!.sig);
    expect(Buffer.from(sig, 'base64')).toEqual(Buffer.from(envelope.signatures[0]!.sig, 'base64'));
    expect(() => verifyReceipt({ ...envelope, signatures: [{ ...envelope.signatures[0]!, sig }] }, keyring)).toThrow(/canonical base64/);
  });

  it('is rejected when its payload is base64 with non-zero padding bits', () => {
    const payload = nonCanonical(envelope.payload);
    expect(Buffer.from(payload, 'base64')).toEqual(Buffer.from(envelope.payload, 'base64'));
    expect(() => verifyReceipt({ ...envelope, payload }, keyring)).toThrow(/canonical base64/);
  });

  it('is rejected when its JSON text repeats a key, whichever value comes last', () => {
    const text = JSON.stringify(envelope);
    const twice = `{"payloadType":"${envelope.payloadType}",${text.slice(1)}`;
    expect(() => parseEnvelopeJson(twice)).toThrow(/duplicate key "payloadType"/);
    const nested = text.replace('"sig":', `"sig":"${envelope.signatures[0]!.sig}","sig":`);
    expect(() => parseEnvelopeJson(nested)).toThrow(/duplicate key "sig"/);
    expect(parseEnvelopeJson(JSON.stringify(envelope, null, 2))).toEqual(envelope);
  });
});

/** An envelope over exactly these payload bytes, validly signed. */
function signedPayload(payload: Buffer) {
  return envelopeOf(payload, signer.keyId, signer.sign(pae(RECEIPT_MEDIA_TYPE, payload)));
}

const codeOf = (envelope: unknown) => {
  try {
    verifyReceipt(envelope, keyring);
    return 'verified';
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('a payload', () => {
  it('is rejected when it is not UTF-8, even where a decoder reads it as the canonical text', () => {
    const body = bodyOf(callDraft('permit'));
    if (isCallReceipt(body)) body.policy.reason = 'a \ufffd b';
    const canonical = Buffer.from(canonicalJson(body), 'utf8');
    const at = canonical.indexOf(Buffer.from('\ufffd', 'utf8'));
    // 0xFF is no UTF-8; decoders read it as U+FFFD, so the text is still the canonical one.
    const notUtf8 = Buffer.concat([canonical.subarray(0, at), Buffer.of(0xff), canonical.subarray(at + 3)]);
    expect(notUtf8.toString('utf8')).toBe(canonical.toString('utf8'));
    expect(codeOf(signedPayload(canonical))).toBe('verified');
    expect(codeOf(signedPayload(notUtf8))).toBe('not_canonical');
  });

  it('is body_invalid when it holds a number with no canonical form, wherever it stands', () => {
    expect(codeOf(signedPayload(Buffer.from('{"a":1e999,"b":1}')))).toBe('body_invalid');
    expect(codeOf(signedPayload(Buffer.from('{"b":1,"a":1e999}')))).toBe('body_invalid');
    expect(codeOf(signedPayload(Buffer.from('{"b":1,"a":1}')))).toBe('not_canonical');
  });
});

describe('a ledger line', () => {
  const rejects = async (edit: (line: string) => string, code: string) => {
    const dir = await permitThenComplete();
    expect((await verifyLedger(dir, keyring)).ok).toBe(true);
    editLine(dir, 2, edit);
    const report = await verifyLedger(dir, keyring);
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ line: 2, seq: 1, code });
  };

  it('is rejected when it ends in CRLF', () => rejects((line) => `${line}\r`, 'line_not_canonical'));

  it('is rejected when pretty-printed or spaced', () => rejects((line) => line.replace(/,"/g, ', "'), 'line_not_canonical'));

  it('is rejected when its members are reordered', () =>
    rejects((line) => {
      const { payloadType, payload, signatures } = JSON.parse(line);
      return JSON.stringify({ payload, payloadType, signatures });
    }, 'line_not_canonical'));

  it('is rejected when a key appears twice', () => rejects((line) => line.replace('{"payloadType"', '{"payload":"e30=","payloadType"'), 'not_json'));

  it('is rejected when a string is written with escapes', () => rejects((line) => line.replace('"payloadType"', '"payload\\u0054ype"'), 'line_not_canonical'));

  it('is rejected when its signature is base64 with non-zero padding bits', () =>
    rejects((line) => {
      const envelope = JSON.parse(line);
      envelope.signatures[0].sig = nonCanonical(envelope.signatures[0].sig);
      return JSON.stringify(envelope);
    }, 'envelope_invalid'));
});
