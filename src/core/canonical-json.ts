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
    for (let i = 0; i < value.length; i++) text += `${i ? ',' : ''}${canonicalJson(value[i], known) ?? 'null'}`;
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  let members = '{';
  for (const key of Object.keys(record).sort()) {
    const member = canonicalJson(record[key], known);
    if (member !== undefined) members += `${members.length > 1 ? ',' : ''}${quote(key)}:${member}`;
  }
  return `${members}}`;
}
