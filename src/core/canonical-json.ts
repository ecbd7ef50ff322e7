// RFC 8785 (JCS) canonical JSON: object keys sorted by UTF-16 code units, no whitespace, strings and
// numbers serialized as ECMAScript's JSON.stringify does (which is what RFC 8785 specifies). Written
// here rather than taken from the `canonicalize` package because it sits on the path of every call
// (argument and result hashes, every receipt body) and runs in about half the time; the tests check
// it against that package on random and edge-case values.

/** Strings that JSON.stringify would change: quotes, backslashes, control characters, lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8785 escapes exactly the control characters.
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPING.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The canonical JSON text of a JSON value, or undefined for a value JSON has no text for (undefined,
 * a function, a symbol). Throws for NaN, Infinity and BigInt (not JSON) and for cycles (RangeError).
 * As in JSON.stringify, object members without a text are left out and array elements become null.
 * `known`: the texts of objects serialised before (frozen: they cannot have changed since), used as
 * they are, such as the issuer member of every receipt one key signs.
 */
export function canonicalJson(value: unknown, known?: WeakMap<object, string>): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('a BigInt is not a JSON number');
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  const text = known?.get(value);
  if (text !== undefined) return text;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON(), known);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) text += ',';
      text += canonicalJson(value[i], known) ?? 'null';
    }
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let members = '{';
  for (const key of sortedKeys(record)) {
    const member = canonicalJson(record[key], known);
    if (member === undefined) continue;
    if (members.length > 1) members += ',';
    members += quote(key);
    members += ':';
    members += member;
  }
  return `${members}}`;
}

/**
 * The keys of an object sorted by UTF-16 code units. Most come in order already (parsed canonical
 * text, objects built in order), and sorting allocates a work copy: about half of all a receipt
 * body's canonicalisation allocates.
 */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort();
  return keys;
}

/**
 * Whether `text` is exactly `canonicalJson(value)`, for a value as JSON.parse returns it (strings,
 * numbers, booleans, null, arrays, plain objects): the same pieces in the same order, compared with
 * the text where they would be written instead of being written. Checking that a text is canonical
 * this way (parse it, then compare) allocates next to nothing, where writing the canonical text of a
 * receipt body to compare it allocated some ten times its size.
 */
export function isCanonicalJsonOf(value: unknown, text: string): boolean {
  return canonicalEnd(value, text, 0) === text.length;
}

/** Where the canonical text of `value` ends when it begins at `at` in `text`, or -1 if it does not. */
function canonicalEnd(value: unknown, text: string, at: number): number {
  if (typeof value === 'string' && !NEEDS_ESCAPING.test(value)) {
    const end = at + value.length + 1;
    return text.charCodeAt(at) === QUOTE && text.startsWith(value, at + 1) && text.charCodeAt(end) === QUOTE ? end + 1 : -1;
  }
  if (typeof value !== 'object' || value === null) return pieceEnd(canonicalJson(value) ?? '', text, at);
  if (Array.isArray(value)) {
    if (text.charCodeAt(at++) !== OPEN_ARRAY) return -1;
    for (let i = 0; i < value.length && at >= 0; i++) {
      if (i && text.charCodeAt(at++) !== COMMA) return -1;
      at = canonicalEnd(value[i], text, at);
    }
    return at >= 0 && text.charCodeAt(at) === CLOSE_ARRAY ? at + 1 : -1;
  }
  const record = value as Record<string, unknown>;
  if (text.charCodeAt(at++) !== OPEN_OBJECT) return -1;
  const keys = sortedKeys(record);
  for (let i = 0; i < keys.length && at >= 0; i++) {
    if (i && text.charCodeAt(at++) !== COMMA) return -1;
    at = canonicalEnd(keys[i], text, at);
    if (at < 0 || text.charCodeAt(at++) !== COLON) return -1;
    at = canonicalEnd(record[keys[i]!], text, at);
  }
  return at >= 0 && text.charCodeAt(at) === CLOSE_OBJECT ? at + 1 : -1;
}

function pieceEnd(piece: string, text: string, at: number): number {
  return piece && text.startsWith(piece, at) ? at + piece.length : -1;
}

const QUOTE = '"'.charCodeAt(0);
const COMMA = ','.charCodeAt(0);
const COLON = ':'.charCodeAt(0);
const OPEN_ARRAY = '['.charCodeAt(0);
const CLOSE_ARRAY = ']'.charCodeAt(0);
const OPEN_OBJECT = '{'.charCodeAt(0);
const CLOSE_OBJECT = '}'.charCodeAt(0);
