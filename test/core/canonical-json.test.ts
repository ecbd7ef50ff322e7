// toolgate's RFC 8785 canonical JSON against the `canonicalize` package (the reference it replaced on
// the hot path): the same text for edge cases and for thousands of random JSON values, and the same
// refusals for values that are not JSON; and the check that a text is canonical without writing it
// (isCanonicalJsonOf) against comparing with the written text.
import canonicalizeModule from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson, isCanonicalJsonOf } from '../../src/core/index.js';

const reference = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** A small deterministic PRNG, so that a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that exercise escaping and key order: quotes, backslash, controls, DEL, non-BMP
// (surrogate pairs sort by code unit, not code point), lone surrogates, U+2028, accents.
const ALPHABET = ['a', 'b', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', '\u001f', '\u007f', 'é', '€', '\u2028', '😀', '\ud800', '\udfff', '\ufb33'];
const NUMBERS = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, Number.MAX_SAFE_INTEGER, -1.5e300, 333333333.3333333];

function randomValue(next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const text = () => Array.from({ length: Math.floor(next() * 6) }, () => pick(ALPHABET)).join('');
  const kind = Math.floor(next() * (depth > 3 ? 4 : 6));
  switch (kind) {
    case 0:
      return text();
    case 1:
      return next() < 0.5 ? pick(NUMBERS) : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
    case 2:
      return pick([true, false, null]);
    case 3:
      return Math.floor(next() * 1e6);
    case 4:
      return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [text(), randomValue(next, depth + 1)]));
  }
}

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units and serializes numbers as ECMAScript does', () => {
    expect(canonicalJson({ b: 1, a: [1e21, -0, 0.1, 'x'], '😀': true, '\ufb33': null, é: { z: '"\n', y: 1e-7 } })).toBe(
      '{"a":[1e+21,0,0.1,"x"],"b":1,"é":{"y":1e-7,"z":"\\"\\n"},"😀":true,"דּ":null}',
    );
  });

  it('writes the same text as the canonicalize package for 5,000 random JSON values', () => {
    for (let seed = 1; seed <= 5000; seed++) {
      const value = randomValue(random(seed), 0);
      expect(canonicalJson(value), `seed ${seed}`).toBe(reference(value));
    }
  });

  it('leaves out object members without a JSON text and writes null for such array elements', () => {
    expect(canonicalJson({ a: undefined, b: () => 1, c: 2 })).toBe('{"c":2}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson(undefined)).toBeUndefined();
    expect(canonicalJson({ toJSON: () => ({ b: 1, a: 2 }) })).toBe('{"a":2,"b":1}');
  });

  it('splices in the known text of an object serialised before, at any depth', () => {
    const issuer = Object.freeze({ key_id: 'k', id: 'gate', cert: Object.freeze({ sig: 's', by: 'b' }) });
    const known = new WeakMap<object, string>([[issuer, canonicalJson(issuer)!]]);
    const value = { z: [issuer, { issuer }], issuer, a: 1 };
    expect(canonicalJson(value, known)).toBe(reference(value));
    // Used as it is, not serialised again: a known text stands for its object.
    expect(canonicalJson({ issuer }, new WeakMap([[issuer, '"as known"']]))).toBe('{"issuer":"as known"}');
  });

  it('refuses what is not JSON', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/not a JSON number/);
    expect(() => canonicalJson({ a: Infinity })).toThrow(/not a JSON number/);
    expect(() => canonicalJson(10n)).toThrow(/BigInt/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => canonicalJson(cycle)).toThrow(RangeError);
  });
});

/** Texts near the canonical text of `value` that JSON.parse reads into JSON values (no number too large): other spellings, orders, spaces, repeated or dropped members, changed characters. */
function nearTexts(value: unknown, next: () => number): string[] {
  const canonical = canonicalJson(value)!;
  const texts = [canonical, JSON.stringify(value), JSON.stringify(value, null, 1), ` ${canonical}`, `${canonical} `];
  const at = () => Math.floor(next() * canonical.length);
  for (let i = 0; i < 12; i++) {
    const a = at();
    const b = at();
    texts.push(canonical.slice(0, a) + canonical.slice(a + 1)); // a character dropped
    texts.push(canonical.slice(0, a) + canonical[a] + canonical.slice(a)); // one doubled
    texts.push(canonical.slice(0, a) + canonical.slice(b, b + 3) + canonical.slice(a)); // a few repeated elsewhere
    texts.push(canonical.slice(0, a) + (next() < 0.5 ? ' ' : '\\u0061') + canonical.slice(a));
  }
  texts.push('"\\u0061"', '"a"', '1.0', '1e2', '100', '-0', '0', '{"a":1,"a":1}', '{"a":1}', '{"b":1,"a":2}', '[1,]', '{"10":1,"2":2}', '{"2":2,"10":1}');
  return texts.filter((text) => {
    try {
      canonicalJson(JSON.parse(text));
      return true;
    } catch {
      return false;
    }
  });
}

describe('isCanonicalJsonOf (a text checked without writing the canonical one)', () => {
  it('agrees with comparing canonicalJson of the parsed value, on random values and texts near theirs', () => {
    const seen = { canonical: 0, other: 0 };
    for (let seed = 1; seed <= 3000; seed++) {
      const next = random(seed);
      for (const text of nearTexts(JSON.parse(JSON.stringify(randomValue(next, 0)) ?? 'null'), next)) {
        const value: unknown = JSON.parse(text);
        const expected = canonicalJson(value) === text;
        expect(isCanonicalJsonOf(value, text), `seed ${seed}: ${text}`).toBe(expected);
        seen[expected ? 'canonical' : 'other']++;
      }
    }
    // Both answers were put to the test, many times.
    expect(seen.canonical).toBeGreaterThan(3000);
    expect(seen.other).toBeGreaterThan(30_000);
  });

  it('refuses a text that has the canonical text as a prefix or is cut short of it', () => {
    expect(isCanonicalJsonOf({ a: [1, 'x'] }, '{"a":[1,"x"]}')).toBe(true);
    expect(isCanonicalJsonOf({ a: [1, 'x'] }, '{"a":[1,"x"]}}')).toBe(false);
    expect(isCanonicalJsonOf({ a: [1, 'x'] }, '{"a":[1,"x"]')).toBe(false);
    expect(isCanonicalJsonOf({ a: [1, 'x'] }, '{"a":[1,"x"] }')).toBe(false);
  });

  it('refuses what is not JSON as canonicalJson does', () => {
    expect(() => isCanonicalJsonOf({ a: JSON.parse('1e999') }, '{"a":1e999}')).toThrow(/not a JSON number/);
  });
});
