// JSON text from outside (a receipt file, a client's message) parsed with one rule JSON.parse lacks:
// no object may name a key twice. JSON.parse keeps the last value of a repeated key, so two texts
// that differ would otherwise read as one receipt, and readers in other languages may keep the first.
import { ReceiptError } from './errors.js';

/** Untrusted input: JSON text with no repeated key in any object, or a typed error. */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ReceiptError('not_json', `not JSON: ${(err as Error).message}`, { cause: err });
  }
  const repeated = repeatedKey(text);
  if (repeated !== undefined) throw new ReceiptError('not_json', `duplicate key ${JSON.stringify(repeated)} in a JSON object`);
  return value;
}

/** The first key repeated within one object of `text`, which must be valid JSON. */
function repeatedKey(text: string): string | undefined {
  const open: Array<Set<string> | null> = []; // the keys seen per open object; null for an array
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      while (text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (keyNext) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        const keys = open.at(-1)!;
        if (keys.has(key)) return key;
        keys.add(key);
        keyNext = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      open.push(new Set());
      keyNext = true;
    } else if (c === OPEN_ARRAY) open.push(null);
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      keyNext = false;
    } else if (c === COMMA) keyNext = open.at(-1) instanceof Set;
  }
  return undefined;
}

const [QUOTE, BACKSLASH, OPEN_OBJECT, CLOSE_OBJECT, OPEN_ARRAY, CLOSE_ARRAY, COMMA] = [...'"\\{}[],'].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
