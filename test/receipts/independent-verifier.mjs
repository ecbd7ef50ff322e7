#!/usr/bin/env node
// An independent verifier of toolgate receipts and ledgers, written from docs/receipts.md alone: one
// plain file, node:crypto and BigInt arithmetic, no toolgate code. It exists so that the spec, not
// toolgate's code, is what the golden vectors are checked against (verifiers-agree.test.ts runs both).
//
//   node independent-verifier.mjs receipts FILE KEYRING   FILE: a JSON list of receipt texts
//   node independent-verifier.mjs held FILE KEYRING       FILE: a JSON list of texts a client holds (§10)
//   node independent-verifier.mjs ledger DIR KEYRING
// prints one JSON verdict (a list for `receipts`) on stdout.
import { createHash, createPublicKey, verify as edVerify } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

class Reject extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}
const reject = (code, message) => {
  throw new Reject(code, message);
};
const must = (ok, code, message) => ok || reject(code, message);

// ---- hashing, base64, JSON ----------------------------------------------------------------

const sha256 = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Canonical base64 only (spec: conventions): decode, and the bytes must encode back to the same text. */
function fromBase64(text) {
  if (typeof text !== 'string' || !B64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

/** JSON text with no key repeated in any object (spec: conventions), parsed by hand. */
function parseJson(text) {
  let at = 0;
  const fail = () => reject('not_json', `not JSON at offset ${at}`);
  const space = () => {
    while (' \t\n\r'.includes(text[at]) && at < text.length) at++;
  };
  const value = () => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const out = {};
      const seen = new Set();
      space();
      if (text[at] === '}') return (at++, out);
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        const key = string();
        if (seen.has(key)) reject('not_json', `duplicate key ${JSON.stringify(key)}`);
        seen.add(key);
        space();
        if (text[at++] !== ':') fail();
        Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        space();
        if (text[at] === ',') at++;
        else if (text[at] === '}') return (at++, out);
        else fail();
      }
    }
    if (c === '[') {
      at++;
      const out = [];
      space();
      if (text[at] === ']') return (at++, out);
      for (;;) {
        out.push(value());
        space();
        if (text[at] === ',') at++;
        else if (text[at] === ']') return (at++, out);
        else fail();
      }
    }
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at, at + 400));
    if (!m) fail();
    at += m[0].length;
    return JSON.parse(m[0]);
  };
  const string = () => {
    const m = /^"(?:[^"\\]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(at));
    if (!m || [...m[0]].some((c) => c.charCodeAt(0) < 0x20)) fail(); // control characters must be escaped
    at += m[0].length;
    return JSON.parse(m[0]);
  };
  const out = value();
  space();
  if (at !== text.length) fail();
  return out;
}

/** RFC 8785: members sorted by UTF-16 code units, no whitespace, ECMAScript strings and numbers. */
function jcs(v) {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : reject('not_canonical', 'non-finite number');
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
}

// ---- ed25519: the key and R checks (§3 steps 1 and 3); node:crypto checks S < L and the equation ----

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const mod = (a, m = P) => ((a % m) + m) % m;
const pow = (b, e) => {
  let r = 1n;
  for (b = mod(b); e > 0n; e >>= 1n, b = mod(b * b)) if (e & 1n) r = mod(r * b);
  return r;
};
const D = mod(-121665n * pow(121666n, P - 2n));
const SQRT_M1 = pow(2n, (P - 1n) / 4n);
const ZERO = [0n, 1n, 1n, 0n]; // extended coordinates X, Y, Z, T

function add([x1, y1, z1, t1], [x2, y2, z2, t2]) {
  const a = mod((y1 - x1) * (y2 - x2));
  const b = mod((y1 + x1) * (y2 + x2));
  const c = mod(2n * D * t1 * t2);
  const d = mod(2n * z1 * z2);
  const [e, f, g, h] = [b - a, d - c, d + c, b + a];
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}
const times = (n, point) => {
  let r = ZERO;
  for (let q = point; n > 0n; n >>= 1n, q = add(q, q)) if (n & 1n) r = add(r, q);
  return r;
};
const isZero = ([x, y, z]) => mod(x) === 0n && mod(y - z) === 0n;

/** RFC 8032 §5.1.3 decoding; null for a non-canonical or off-curve encoding. */
function decodePoint(bytes) {
  const n = BigInt(`0x${Buffer.from(bytes).reverse().toString('hex')}`);
  const y = n & ((1n << 255n) - 1n);
  const sign = n >> 255n;
  if (y >= P) return null;
  const u = mod(y * y - 1n);
  const v = mod(D * y * y + 1n);
  let x = mod(u * pow(v, 3n) * pow(u * pow(v, 7n), (P - 5n) / 8n));
  if (mod(v * x * x) !== u) x = mod(x * SQRT_M1);
  if (mod(v * x * x) !== u) return null;
  if (x === 0n && sign === 1n) return null;
  if ((x & 1n) !== sign) x = P - x;
  return [x, y, 1n, mod(x * y)];
}

/** §3 step 1: canonical, in the prime-order subgroup, not the neutral point. */
function goodPublicKey(raw) {
  const A = raw.length === 32 && decodePoint(raw);
  return Boolean(A) && !isZero(A) && isZero(times(L, A));
}

/** §3: cofactorless; R not of small order; node:crypto (OpenSSL) checks S < L and encode([S]B - [k]A) == R. */
function signatureHolds(sig, message, raw) {
  const R = decodePoint(sig.subarray(0, 32));
  if (R && isZero(times(8n, R))) return false;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  return edVerify(null, message, key, sig);
}

// ---- the keyring (§6) and key ids (§5) ---------------------------------------------------

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const isTime = (t) => typeof t === 'string' && TIME.test(t) && !Number.isNaN(Date.parse(t));
const keyIdOf = (raw) => `ed25519:${sha256(raw).toString('hex').slice(0, 16)}`;
const exactKeys = (o, keys) => o !== null && typeof o === 'object' && !Array.isArray(o) && Object.keys(o).sort().join() === [...keys].sort().join();

function loadKeyring(text) {
  const file = parseJson(text);
  const fields = 'witnesses' in file ? ['version', 'keys', 'witnesses'] : ['version', 'keys']; // witnesses cosign checkpoints only
  if (!exactKeys(file, fields) || file.version !== 'toolgate.keyring/v1' || !Array.isArray(file.keys)) throw new Error('keyring: bad file');
  const keys = new Map();
  for (const k of file.keys) {
    const members = ['key_id', 'algorithm', 'public_key', 'not_before', 'not_after', ...(k.lost === true ? ['lost'] : [])];
    const raw = exactKeys(k, members) && fromBase64(k.public_key);
    if (!raw || k.algorithm !== 'ed25519' || keyIdOf(raw) !== k.key_id || keys.has(k.key_id) || !goodPublicKey(raw))
      throw new Error(`keyring: bad key ${k.key_id}`);
    if (!isTime(k.not_before) || (k.not_after !== null && (!isTime(k.not_after) || Date.parse(k.not_after) < Date.parse(k.not_before))))
      throw new Error('keyring: bad window');
    keys.set(k.key_id, {
      raw,
      text: k.public_key,
      lost: k.lost === true,
      from: Date.parse(k.not_before),
      until: k.not_after === null ? Infinity : Date.parse(k.not_after),
    });
  }
  return keys;
}

function keyAt(keyring, keyId, time) {
  const key = keyring.get(keyId) ?? reject('key_unknown', `${keyId} is not in the keyring`);
  const t = Date.parse(time);
  return key.from <= t && t <= key.until ? key : reject('key_not_valid_at_ts', `${keyId} not valid at ${time}`);
}

// ---- the body (§1) -------------------------------------------------------------------------

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^ed25519:[0-9a-f]{16}$/;
const units = (s) => s.length; // lengths count UTF-16 code units (spec: conventions)
const str = (min, max) => (v) => typeof v === 'string' && units(v) >= min && units(v) <= max;
const hex64 = (v) => typeof v === 'string' && HEX64.test(v);
const names = (v) => Array.isArray(v) && v.length <= 256 && v.every(str(1, 256));
const optional = (check) => Object.assign((v) => check(v), { optional: true });

/** A shape: member -> check (a function or a nested shape); members marked optional may be absent. */
function fits(value, shape, path, problems) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return problems.push(`${path} is not an object`);
  for (const k of Object.keys(value)) if (!(k in shape)) problems.push(`${path}.${k} is not allowed`);
  for (const [k, check] of Object.entries(shape)) {
    if (!(k in value)) {
      if (!check.optional) problems.push(`${path}.${k} is missing`);
    } else if (typeof check === 'function') {
      if (!check(value[k])) problems.push(`${path}.${k} is invalid`);
    } else fits(value[k], check, `${path}.${k}`, problems);
  }
}
const nested = (shape) =>
  optional((v) => {
    const problems = [];
    fits(v, shape, '', problems);
    return problems.length === 0;
  });

const COMMON = {
  v: (v) => v === 1,
  id: (v) => typeof v === 'string' && /^rcpt_[0-9A-HJKMNP-TV-Z]{26}$/.test(v),
  event: (v) => typeof v === 'string',
  ts: isTime,
  issuer: { id: str(1, 256), key_id: (v) => typeof v === 'string' && KEY_ID.test(v) },
  chain: { id: str(1, 256), seq: (v) => Number.isSafeInteger(v) && v >= 0, prev: (v) => v === null || hex64(v) },
};
const CALL_SHAPE = {
  ...COMMON,
  call: {
    id: str(1, 256),
    session: str(0, 256),
    rpc_id: (v) => v === null || Number.isInteger(v) || str(0, 256)(v),
    method: optional((v) => ['resources/read', 'resources/subscribe', 'prompts/get', 'completion/complete'].includes(v)),
    server: str(1, 256),
    tool: str(1, 256),
    uri: optional(str(1, 4096)),
    tool_sha256: (v) => v === null || hex64(v),
    args_sha256: hex64,
    effective_args_sha256: optional(hex64),
    upstream_sha256: optional(hex64),
    // §1.1: the MCP revision a stateless-era client's request named, on decision events only.
    protocol_version: optional((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)),
  },
  principal: { id: str(1, 256), groups: optional(names) },
  policy: { bundle_sha256: hex64, rules: names, effect: str(1, 256), reason: str(0, 4096) },
  approval: nested({
    id: str(1, 256),
    approvers: names,
    decided_by: optional(names),
    note: optional(str(0, 4096)),
    expires_at: optional(isTime),
    requirement: optional((v) => Array.isArray(v) && v.length <= 256),
    requirement_sha256: optional(hex64),
    vote: optional((v) => v !== null && typeof v === 'object'),
    votes: optional((v) => Array.isArray(v) && v.length <= 256),
  }),
  constraints: optional((v) => v !== null && typeof v === 'object' && !Array.isArray(v)),
  result: nested({ sha256: hex64, is_error: (v) => typeof v === 'boolean', error_code: optional(Number.isInteger) }),
  ref: optional(hex64),
  break_glass: nested({ id: str(1, 256), opened_by: str(1, 256), reason: str(0, 4096), expires_at: optional(isTime), note: optional(str(0, 4096)) }),
  // §1.8: what the shadow candidate decided, on decision events only (the table below).
  shadow: nested({ bundle_sha256: hex64, effect: (v) => ['permit', 'deny', 'silence', 'hold'].includes(v), rules: names }),
};
const ROTATE_SHAPE = {
  ...COMMON,
  rotation: {
    from_key_id: (v) => typeof v === 'string' && KEY_ID.test(v),
    to_key_id: (v) => typeof v === 'string' && KEY_ID.test(v),
    to_public_key: (v) => fromBase64(v)?.length === 32,
    not_before: isTime,
  },
};

// §1.7, a policy bundle taking effect.
const POLICY_CHANGE_SHAPE = {
  ...COMMON,
  policy_change: {
    previous_bundle_sha256: (v) => v === null || hex64(v),
    bundle_sha256: hex64,
    files: (v) => Array.isArray(v) && v.length <= 10_000 && v.every((f) => f && typeof f.name === 'string' && hex64(f.sha256) && Object.keys(f).length === 2),
    signed_by: (v) =>
      Array.isArray(v) &&
      v.length <= 256 &&
      v.every((s) => s && KEY_ID.test(s.key_id) && typeof s.name === 'string' && s.name.length >= 1 && s.name.length <= 256 && Object.keys(s).length === 2),
  },
};

// §1.2, the event table: required (R) and optional (o) members; anything else is forbidden.
const RAN = 'approval break_glass effective upstream constraints';
const TABLE = {
  permit: { R: '', o: `${RAN} shadow era`, effect: 'ran' },
  deny: { R: '', o: 'approval shadow era', effect: 'deny' },
  silence: { R: '', o: 'shadow era', effect: 'silence' },
  hold: { R: 'approval', o: 'shadow era', effect: 'hold' },
  complete: { R: 'result ref', o: RAN, effect: 'ran' },
  fail: { R: 'ref', o: `${RAN} result`, effect: 'ran' },
  unknown: { R: 'ref', o: RAN, effect: 'ran' },
  pin_approve: { R: '', o: '', effect: 'pin_approve', reviewer: true },
};
for (const e of ['approve', 'reject', 'expire', 'cancel', 'void', 'vote']) TABLE[e] = { R: 'approval ref', o: '', effect: 'hold' };
for (const e of ['open', 'confirm', 'review', 'close']) TABLE[`break_glass_${e}`] = { R: 'break_glass', o: '', effect: 'break_glass', reviewer: true };
const EMPTY_ARGS = sha256('{}').toString('hex');

function eventProblem(b) {
  const row = TABLE[b.event];
  const has = {
    approval: 'approval' in b,
    result: 'result' in b,
    ref: 'ref' in b,
    break_glass: 'break_glass' in b,
    effective: 'effective_args_sha256' in b.call,
    upstream: 'upstream_sha256' in b.call,
    constraints: 'constraints' in b,
    shadow: 'shadow' in b,
    era: 'protocol_version' in b.call,
    request: 'method' in b.call || 'uri' in b.call || 'groups' in b.principal,
  };
  for (const [member, present] of Object.entries(has)) {
    const required = row.R.split(' ').includes(member);
    if (required && !present) return `${member} required`;
    if (present && !required && !row.o.split(' ').includes(member) && !(member === 'request' && !row.reviewer)) return `${member} forbidden`;
  }
  if (has.effective && b.call.effective_args_sha256 === b.call.args_sha256) return 'effective_args_sha256 equals args_sha256';
  // A fail's result is the upstream's JSON-RPC error, with its code; a complete's never has one.
  if (has.result && (b.event === 'fail') !== 'error_code' in b.result) return 'error_code on a complete, or missing on a fail';
  if (has.result && b.event === 'fail' && b.result.is_error !== true) return 'a fail result is an error';
  const effects = row.effect !== 'ran' ? [row.effect] : has.break_glass ? ['deny', 'hold', 'silence'] : ['permit'];
  if (!effects.includes(b.policy.effect)) return `effect ${b.policy.effect}`;
  if (has.approval && has.break_glass) return 'approval with break_glass';
  const window = b.break_glass;
  if (row.R === 'break_glass') {
    if (!('expires_at' in window)) return 'window without expires_at';
    if ('note' in window && b.event !== 'break_glass_review') return 'note off a review';
    if (b.call.id !== window.id || b.call.tool_sha256 !== null || b.call.args_sha256 !== EMPTY_ARGS) return 'window call fields';
  } else if (has.break_glass && ('expires_at' in window || 'note' in window)) return 'window fields on a call';
  if (b.event === 'pin_approve' && (b.call.id !== `pin:${b.call.server}/${b.call.tool}` || b.call.tool_sha256 === null)) return 'pin call fields';
  if (row.reviewer && (b.call.session !== 'admin' || b.call.rpc_id !== null || b.policy.rules.length)) return 'reviewer act fields';
  return null;
}

function checkBody(body) {
  const problems = [];
  if (body?.event === 'rotate') fits(body, ROTATE_SHAPE, 'body', problems);
  else if (body?.event === 'policy_change') fits(body, POLICY_CHANGE_SHAPE, 'body', problems);
  else if (Object.hasOwn(TABLE, body?.event ?? '')) {
    fits(body, CALL_SHAPE, 'body', problems);
    if (!problems.length) problems.push(eventProblem(body) ?? []);
  } else problems.push(`unknown event ${body?.event}`);
  const first = problems.flat()[0];
  if (first) reject('body_invalid', first);
}

// ---- one receipt (§10 steps 1-5) ----------------------------------------------------------

const MEDIA_TYPE = 'application/vnd.toolgate.receipt.v1+json';
const pae = (p) => Buffer.concat([Buffer.from(`DSSEv1 ${MEDIA_TYPE.length} ${MEDIA_TYPE} ${p.length} `), p]);

function verifyReceipt(text, keyring) {
  const env = parseJson(text);
  const sigs = env?.signatures;
  must(exactKeys(env, ['payloadType', 'payload', 'signatures']) && env.payloadType === MEDIA_TYPE, 'envelope_invalid', 'envelope members');
  must(Array.isArray(sigs) && sigs.length === 1 && exactKeys(sigs[0], ['keyid', 'sig']) && KEY_ID.test(sigs[0].keyid), 'envelope_invalid', 'signatures');
  const payload = typeof env.payload === 'string' && env.payload.length <= 1_000_000 && fromBase64(env.payload);
  const sig = fromBase64(sigs[0].sig);
  must(payload && sig?.length === 64, 'envelope_invalid', 'payload or sig is not canonical base64');
  let body;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    reject('payload_invalid', 'payload is not JSON');
  }
  must(Buffer.from(jcs(body)).equals(payload), 'not_canonical', 'payload is not JCS');
  checkBody(body);
  must(sigs[0].keyid === body.issuer.key_id, 'key_mismatch', 'keyid is not issuer.key_id');
  const key = keyAt(keyring, sigs[0].keyid, body.ts);
  must(signatureHolds(sig, pae(payload), key.raw), 'signature_invalid', 'signature');
  if (body.event === 'rotate') checkRotation(body.rotation, sigs[0].keyid);
  return { env, body, leaf: sha256(Buffer.of(0), payload) };
}

/** §6: what a rotate receipt names, on its own. */
function checkRotation({ from_key_id: from, to_key_id: to, to_public_key: pub }, signedBy) {
  const raw = fromBase64(pub);
  must(goodPublicKey(raw) && keyIdOf(raw) === to && to !== from, 'rotation_invalid', 'the new key');
  must(signedBy === from || signedBy === to, 'rotation_invalid', 'signed by neither key');
}

/** §6, the key timeline: who may sign next, walked in seq order. */
function keyTimeline(keyring) {
  let current = null;
  const retired = new Set();
  return {
    receipt(keyId, rotation) {
      if (retired.has(keyId)) return ['key_retired', keyId];
      if (!rotation) {
        current ??= keyId;
        return keyId === current ? null : ['key_not_handed_over', keyId];
      }
      const { from_key_id: from, to_key_id: to, to_public_key: pub } = rotation;
      current ??= from;
      if (from !== current) return ['key_not_handed_over', from];
      if (retired.has(to)) return ['key_retired', to];
      if (keyId !== from && !keyring.get(from)?.lost) return ['key_not_handed_over', 'signed by the new key'];
      if (keyring.has(to) && keyring.get(to).text !== pub) return ['rotation_invalid', 'public key differs from the keyring'];
      retired.add(from);
      current = to;
      return null;
    },
    checkpoint(keyId) {
      if (retired.has(keyId)) return ['key_retired', keyId];
      return current === null || keyId === current ? null : ['key_not_handed_over', keyId];
    },
  };
}

// ---- what a client holds (§10, §1.3) -------------------------------------------------------

const RECEIPT_KEY = 'dev.toolgate/receipt';
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** §1.3: the member holder[RECEIPT_KEY] taken out, and the holder too when nothing else is in it. */
function hashInput(value, holder) {
  if (!isPlainObject(value[holder])) return value;
  const out = Object.fromEntries(Object.entries(value).filter(([k]) => k !== holder));
  const kept = Object.entries(value[holder]).filter(([k]) => k !== RECEIPT_KEY);
  if (kept.length) out[holder] = Object.fromEntries(kept);
  return out;
}

function verifyHeld(text, keyring) {
  let item = parseJson(text);
  if (isPlainObject(item) && 'jsonrpc' in item && ('result' in item || 'error' in item)) item = 'result' in item ? item.result : item.error;
  must(isPlainObject(item), 'no_receipt', 'not an object');
  if ('payloadType' in item) return { ...verifyReceipt(JSON.stringify(item), keyring), bound: false };
  const asResult = isPlainObject(item._meta) && RECEIPT_KEY in item._meta;
  const asError = !asResult && typeof item.code === 'number' && typeof item.message === 'string' && isPlainObject(item.data) && RECEIPT_KEY in item.data;
  must(asResult || asError, 'no_receipt', "no receipt in _meta or in an error's data");
  const verified = verifyReceipt(JSON.stringify(asResult ? item._meta[RECEIPT_KEY] : item.data[RECEIPT_KEY]), keyring);
  const claimed = verified.body.result;
  if (!claimed) return { ...verified, bound: false };
  const digest = sha256(jcs(hashInput(item, asResult ? '_meta' : 'data'))).toString('hex');
  must(digest === claimed.sha256, 'result_mismatch', 'result.sha256');
  if (asResult) must(verified.body.event === 'complete' && (item.isError === true) === claimed.is_error, 'result_mismatch', 'a result with a complete');
  else must(verified.body.event === 'fail' && item.code === claimed.error_code, 'result_mismatch', 'an error with a fail');
  return { ...verified, bound: true };
}

// ---- checkpoints (§8) and ledgers (§7, §10) -----------------------------------------------

function verifyNote(note, keyring) {
  const [text, sigs] = [note.slice(0, note.indexOf('\n\n') + 1), note.slice(note.indexOf('\n\n') + 2)];
  const m = /^toolgate\/(\S+)\n(0|[1-9]\d*)\n([A-Za-z0-9+/]{43}=)\ntime (\S+)\n$/.exec(text);
  if (!m || !isTime(m[4])) throw new Error('note text');
  let verified = null;
  for (const line of sigs.split('\n').filter(Boolean)) {
    const s = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    const key = s && keyring.get(s[1]);
    const blob = s && fromBase64(s[2]);
    if (!key || blob?.length !== 68) continue;
    const hash = sha256(Buffer.from(`${s[1]}\n`), Buffer.of(1), key.raw).subarray(0, 4);
    const t = Date.parse(m[4]);
    if (hash.equals(blob.subarray(0, 4)) && key.from <= t && t <= key.until && signatureHolds(blob.subarray(4), Buffer.from(text), key.raw)) verified ||= s[1];
  }
  if (!verified) throw new Error('no valid signature by a keyring key');
  return { origin: `toolgate/${m[1]}`, size: Number(m[2]), root: fromBase64(m[3]), keyId: verified };
}

/** The Merkle root (RFC 6962) of the leaves so far, from the perfect subtrees' roots. */
function rootOf(stack) {
  if (!stack.length) return sha256(Buffer.alloc(0));
  let r = stack.at(-1).hash;
  for (let i = stack.length - 2; i >= 0; i--) r = sha256(Buffer.of(1), stack[i].hash, r);
  return r;
}
function push(stack, leaf) {
  let node = { hash: leaf, size: 1 };
  while (stack.length && stack.at(-1).size === node.size) {
    const left = stack.pop();
    node = { hash: sha256(Buffer.of(1), left.hash, node.hash), size: node.size * 2 };
  }
  stack.push(node);
}

function verifyLedger(dir, keyring) {
  const cpFile = join(dir, 'checkpoints.jsonl');
  const checkpoints = [];
  const problem = (file, line, seq, code, message) => ({ ok: false, problem: { file, line, ...(seq === undefined ? {} : { seq }), code, message } });
  if (existsSync(cpFile)) {
    const lines = readFileSync(cpFile, 'utf8').split('\n');
    if (lines.pop() !== '') return problem(cpFile, lines.length + 1, undefined, 'torn_line', 'unterminated');
    for (const [i, line] of lines.entries()) {
      try {
        const cp = verifyNote(parseJson(line).note, keyring);
        const last = checkpoints.at(-1);
        if (last && (cp.size < last.size || cp.origin !== last.origin)) throw new Error('shrinks or changes origin');
        checkpoints.push({ ...cp, line: i + 1 });
      } catch (err) {
        return problem(cpFile, i + 1, undefined, 'checkpoint_invalid', err.message);
      }
    }
  }
  const segments = readdirSync(dir)
    .filter((n) => /^receipts-\d{12}\.jsonl$/.test(n))
    .sort();
  const stack = [];
  const unexecuted = new Map(); // call id -> leaf hash of its permit not yet executed
  const timeline = keyTimeline(keyring);
  let [count, prev, chainId, next] = [0, null, null, 0];
  const matchCheckpoints = () => {
    for (; next < checkpoints.length && checkpoints[next].size === count; next++) {
      const cp = checkpoints[next];
      if (chainId !== null && cp.origin !== `toolgate/${chainId}`) return problem(cpFile, cp.line, undefined, 'checkpoint_origin', cp.origin);
      if (!cp.root.equals(rootOf(stack))) return problem(cpFile, cp.line, undefined, 'checkpoint_root', 'root differs');
      const wrongKey = timeline.checkpoint(cp.keyId);
      if (wrongKey) return problem(cpFile, cp.line, undefined, ...wrongKey);
    }
    return null;
  };
  let bad = matchCheckpoints();
  for (const name of segments) {
    if (bad) break;
    const file = join(dir, name);
    if (Number(name.slice(9, 21)) !== count) return problem(file, undefined, undefined, 'segment_gap', 'segment start');
    const bytes = readFileSync(file);
    const lines = bytes.toString('utf8').split('\n');
    const torn = lines.pop() !== '';
    for (const [i, text] of lines.entries()) {
      const at = (code, message) => problem(file, i + 1, count, code, message);
      let r;
      try {
        r = verifyReceipt(text, keyring);
      } catch (err) {
        if (err instanceof Reject) return at(err.code, err.message);
        throw err;
      }
      const { env, body, leaf } = r;
      const oneForm = `{"payloadType":"${env.payloadType}","payload":"${env.payload}","signatures":[{"keyid":"${env.signatures[0].keyid}","sig":"${env.signatures[0].sig}"}]}`;
      if (text !== oneForm) return at('line_not_canonical', 'not the one byte form');
      if (body.chain.seq !== count) return at('seq', `seq ${body.chain.seq}`);
      if (body.chain.prev !== prev) return at('prev', 'prev');
      const wrongKey = timeline.receipt(env.signatures[0].keyid, body.rotation);
      if (wrongKey) return at(...wrongKey);
      chainId ??= body.chain.id;
      if (body.chain.id !== chainId) return at('chain_id', 'chain id');
      // What a permit allowed, which its execution repeats: keyed by the permit's leaf hash.
      const allowed = (b) =>
        jcs([b.policy, b.approval, b.break_glass, b.constraints, b.call.effective_args_sha256, b.call.upstream_sha256].map((v) => v ?? null));
      if (body.event === 'permit') unexecuted.set(body.call.id, `${leaf.toString('hex')} ${allowed(body)}`);
      if (['complete', 'fail', 'unknown'].includes(body.event)) {
        if (unexecuted.get(body.call.id) !== `${body.ref} ${allowed(body)}`) return at('no_permit', 'execution without its permit, or not as permitted');
        unexecuted.delete(body.call.id);
      }
      push(stack, leaf);
      prev = leaf.toString('hex');
      count++;
      bad = matchCheckpoints();
      if (bad) break;
    }
    if (!bad && torn) return problem(file, lines.length + 1, count, 'torn_line', 'unterminated');
  }
  if (bad) return bad;
  if (next < checkpoints.length) return problem(cpFile, checkpoints[next].line, undefined, 'checkpoint_size', 'receipts removed from the end');
  return { ok: true, receipts: count, checkpoints: checkpoints.length };
}

// ---- command line -------------------------------------------------------------------------

const [command, target, keyringFile] = process.argv.slice(2);
const keyring = loadKeyring(readFileSync(keyringFile, 'utf8'));
if (command === 'ledger') process.stdout.write(`${JSON.stringify(verifyLedger(target, keyring))}\n`);
else if (command === 'receipts' || command === 'held') {
  const verdicts = JSON.parse(readFileSync(target, 'utf8')).map((text) => {
    try {
      if (command === 'held') return { ok: true, bound: verifyHeld(text, keyring).bound };
      return { ok: true, event: verifyReceipt(text, keyring).body.event };
    } catch (err) {
      if (err instanceof Reject) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  });
  process.stdout.write(`${JSON.stringify(verdicts)}\n`);
} else {
  process.stderr.write('usage: independent-verifier.mjs receipts|held FILE KEYRING | ledger DIR KEYRING\n');
  process.exitCode = 2;
}
