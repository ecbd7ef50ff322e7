// Single-receipt vectors for generate.mjs: every receipt of the golden ledger (one per event, all
// valid), then receipts signed by a trusted key that each break one rule of docs/receipts.md. Each
// entry is the exact JSON text a verifier reads, what toolgate reports, and the rule broken.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RECEIPT_MEDIA_TYPE, canonicalJson, canonicalSha256, envelopeOf, pae, signerFromSeed } from '../../dist/receipts/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The golden ledger's receipts, one entry per line, named by seq and event. */
function golden() {
  const dir = join(here, 'ledger');
  return readdirSync(dir)
    .filter((n) => n.startsWith('receipts-'))
    .sort()
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean))
    .map((text, seq) => ({ name: `golden seq ${seq} ${JSON.parse(Buffer.from(JSON.parse(text).payload, 'base64')).event}`, text, valid: true }));
}

/** Flip spare padding bits: the same bytes, in base64 no canonical encoder writes. */
function nonCanonicalBase64(b64) {
  const at = b64.length - (b64.endsWith('==') ? 3 : 2);
  return b64.slice(0, at) + ALPHABET[ALPHABET.indexOf(b64[at]) | 1] + b64.slice(at + 1);
}

/** S + L in place of S: the same point equation, a second encoding of one signature. */
function malleate(sig) {
  const s = sig.subarray(32).reduce((n, b, i) => n + (BigInt(b) << BigInt(8 * i)), 0n) + L;
  return Buffer.concat([sig.subarray(0, 32), Buffer.from(Array.from({ length: 32 }, (_, i) => Number((s >> BigInt(8 * i)) & 255n)))]);
}

/** `golden`: the golden single receipt's body, re-signed here by key B in valid and broken forms. */
export function singleReceipts({ keyB, golden: goldenBody }) {
  const keyA = signerFromSeed(createHash('sha256').update('toolgate test key A').digest());
  const { call, policy } = goldenBody;
  const base = { ...goldenBody, id: 'rcpt_01KAQ5XG7N3M9ZP2R4T6V8W0YE', issuer: { ...goldenBody.issuer, key_id: keyB.keyId }, chain: { ...goldenBody.chain, seq: 3 } };
  /** Sign exactly these payload bytes (canonical or not). */
  const signBytes = (payload, signer = keyB) => envelopeOf(payload, signer.keyId, signer.sign(pae(RECEIPT_MEDIA_TYPE, payload)));
  const seal = (body, signer = keyB) => signBytes(Buffer.from(canonicalJson(body)), signer);
  const text = (envelope) => JSON.stringify(envelope);
  const body = (changes) => ({ ...base, ...changes });
  const hex = (c) => c.repeat(32);
  const window = { id: 'bg_1', opened_by: 'user:olga', reason: 'outage', expires_at: '2026-01-02T05:00:00.000Z' };
  const windowCall = { id: 'bg_1', session: 'admin', rpc_id: null, server: 'fs', tool: '*', tool_sha256: null, args_sha256: canonicalSha256({}) };
  const windowBody = (event, bg) => body({ event, call: windowCall, principal: { id: 'user:olga' }, policy: { ...policy, rules: [], effect: 'break_glass' }, break_glass: bg });
  const approval = { id: 'apr_1', approvers: ['user:alice'], expires_at: '2026-01-02T04:00:00.000Z' };
  const good = seal(base);
  const sig = Buffer.from(good.signatures[0].sig, 'base64');
  const withSig = (fields) => text({ ...good, signatures: [{ ...good.signatures[0], ...fields }] });
  const padded = (() => {
    for (let n = 0; ; n++) {
      const e = seal(body({ policy: { ...policy, reason: policy.reason + '.'.repeat(n) } }));
      if (e.payload.endsWith('=')) return e;
    }
  })();
  const bad = (name, error, rule, envelopeText) => ({ name, text: envelopeText, valid: false, error, rule });
  const unknownKey = { keyId: 'ed25519:0123456789abcdef', sign: keyB.sign };
  return [
    ...golden(),
    { name: 'forged base: a valid permit signed by key B', text: text(good), valid: true },
    bad('complete without result', 'body_invalid', '§1.2 complete: result required', text(seal(body({ event: 'complete', ref: hex('cd') })))),
    bad('complete without ref', 'body_invalid', '§1.2 complete: ref required', text(seal(body({ event: 'complete', result: { sha256: hex('ef'), is_error: false } })))),
    bad('fail whose result names no error code', 'body_invalid', '§1.2 fail: a result is a JSON-RPC error with its code', text(seal(body({ event: 'fail', ref: hex('cd'), result: { sha256: hex('ef'), is_error: true } })))),
    bad('complete whose result names an error code', 'body_invalid', '§1.2 complete: no error_code', text(seal(body({ event: 'complete', ref: hex('cd'), result: { sha256: hex('ef'), is_error: true, error_code: -32000 } })))),
    bad('permit with a result', 'body_invalid', '§1.2 permit: result forbidden', text(seal(body({ result: { sha256: hex('ef'), is_error: false } })))),
    bad('approve without approval', 'body_invalid', '§1.2 approve: approval required', text(seal(body({ event: 'approve', ref: hex('cd'), policy: { ...policy, effect: 'hold' } })))),
    bad('hold with a ref', 'body_invalid', '§1.2 hold: ref forbidden', text(seal(body({ event: 'hold', approval, ref: hex('cd'), policy: { ...policy, effect: 'hold' } })))),
    bad('deny with effect allow', 'body_invalid', '§1.2 deny: effect deny', text(seal(body({ event: 'deny', policy: { ...policy, effect: 'allow' } })))),
    bad('permit with effect deny and no window', 'body_invalid', '§1.2 permit: effect permit without break_glass', text(seal(body({ policy: { ...policy, effect: 'deny' } })))),
    bad(
      'permit with an approval and a window',
      'body_invalid',
      '§1.2 permit: approval and break_glass exclude each other',
      text(seal(body({ approval, break_glass: { id: 'bg_1', opened_by: 'user:olga', reason: 'outage' }, policy: { ...policy, effect: 'hold' } }))),
    ),
    bad('complete with a shadow', 'body_invalid', '§1.2 complete: shadow forbidden', text(seal(body({ event: 'complete', ref: hex('cd'), result: { sha256: hex('ef'), is_error: false }, shadow: { bundle_sha256: hex('ab'), effect: 'deny', rules: [] } })))),
    bad('shadow whose effect is a rule effect', 'body_invalid', '§1.8 shadow.effect is a gate outcome', text(seal(body({ shadow: { bundle_sha256: hex('ab'), effect: 'allow', rules: ['r'] } })))),
    bad('hold naming an upstream', 'body_invalid', '§1.2 hold: call.upstream_sha256 forbidden (nothing ran)', text(seal(body({ event: 'hold', approval, call: { ...call, upstream_sha256: hex('ab') }, policy: { ...policy, effect: 'hold' } })))),
    bad('upstream_sha256 that is not a sha256', 'body_invalid', '§1.1 call.upstream_sha256 is hex64', text(seal(body({ call: { ...call, upstream_sha256: 'fs' } })))),
    bad('effective_args_sha256 equal to args_sha256', 'body_invalid', '§1.1 effective_args_sha256 only when the arguments changed', text(seal(body({ call: { ...call, effective_args_sha256: call.args_sha256 } })))),
    bad('break_glass_open without expires_at', 'body_invalid', '§1.2 break_glass_*: expires_at required', text(seal(windowBody('break_glass_open', { ...window, expires_at: undefined })))),
    bad('break_glass_open with a note', 'body_invalid', '§1.2 break_glass_*: note only on a review', text(seal(windowBody('break_glass_open', { ...window, note: 'hi' })))),
    bad('break_glass_close of another window', 'body_invalid', '§1.2 break_glass_*: call.id is the window id', text(seal(windowBody('break_glass_close', { ...window, id: 'bg_2' })))),
    bad(
      'pin_approve naming no pin',
      'body_invalid',
      '§1.2 pin_approve: tool_sha256 is the pin',
      text(seal(body({ event: 'pin_approve', call: { ...windowCall, id: 'pin:fs/read_file', tool: 'read_file' }, principal: { id: 'user:olga' }, policy: { ...policy, rules: [], effect: 'pin_approve' } }))),
    ),
    bad('an unknown member', 'body_invalid', '§1 no unknown keys', text(seal(body({ extra: true })))),
    bad('a time not in UTC', 'body_invalid', '§1 ts ends in Z', text(seal(body({ ts: '2026-01-02T03:04:05.678+00:00' })))),
    bad('payload members out of order', 'not_canonical', '§2 P is JCS', text(signBytes(Buffer.from(JSON.stringify(base))))),
    bad('payload with a repeated key', 'not_canonical', '§2 P is JCS (no repeated keys)', text(signBytes(Buffer.from(canonicalJson(base).replace('{"call"', '{"v":1,"call"'))))),
    bad('payload pretty-printed', 'not_canonical', '§2 P is JCS', text(signBytes(Buffer.from(JSON.stringify(JSON.parse(canonicalJson(base)), null, 2))))),
    bad('envelope text with a repeated key', 'not_json', 'conventions: no repeated keys in JSON text', text(good).replace('{"payloadType"', `{"payload":"${good.payload}","payloadType"`)),
    bad('signature in non-canonical base64', 'envelope_invalid', '§3 canonical base64', withSig({ sig: nonCanonicalBase64(good.signatures[0].sig) })),
    bad('payload in non-canonical base64', 'envelope_invalid', '§3 canonical base64', text({ ...padded, payload: nonCanonicalBase64(padded.payload) })),
    bad('two signatures', 'envelope_invalid', '§3 exactly one signature', text({ ...good, signatures: [good.signatures[0], good.signatures[0]] })),
    bad('another media type', 'envelope_invalid', '§3 payloadType', text({ ...good, payloadType: 'application/json' })),
    bad('keyid other than issuer.key_id', 'key_mismatch', '§3 keyid equals issuer.key_id', withSig({ keyid: keyA.keyId })),
    bad('signed by key A after its window closed', 'key_not_valid_at_ts', '§6 key valid at ts', text(seal(body({ ts: '2099-01-01T00:00:00.000Z', issuer: { ...base.issuer, key_id: keyA.keyId } }), keyA))),
    bad('a bit flipped in the signature', 'signature_invalid', '§3 the equation', withSig({ sig: Buffer.from(sig.map((b, i) => (i === 40 ? b ^ 1 : b))).toString('base64') })),
    bad('S + L (malleated)', 'signature_invalid', '§3 S < L', withSig({ sig: malleate(sig).toString('base64') })),
    bad('signed by a key not in the keyring', 'key_unknown', '§6 keyring', text(seal(body({ issuer: { ...base.issuer, key_id: unknownKey.keyId } }), unknownKey))),
  ];
}
