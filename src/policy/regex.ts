// Regular expressions in policies run against attacker-chosen arguments on the hot path, with a
// backtracking engine. So patterns are checked at load (no nested or overlapping quantifiers, no
// backreferences) and matched only against bounded input.

export const MAX_MATCH_INPUT = 64 * 1024;
const MAX_PATTERN = 1000;

type Atom = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'assert' } | { kind: 'group'; alts: Item[][] };
interface Item {
  atom: Atom;
  min: number;
  unbounded: boolean;
}

const ANY = Symbol('any');
type FirstSet = Set<string> | typeof ANY;

/** Why a pattern is refused, or undefined when it is acceptable. */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN) return `pattern longer than ${MAX_PATTERN} characters`;
  try {
    new RegExp(pattern);
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
  try {
    checkAlts(new PatternReader(pattern).alternatives());
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

class PatternReader {
  private pos = 0;
  constructor(private readonly src: string) {}

  alternatives(): Item[][] {
    const alts: Item[][] = [[]];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ')') break;
      this.pos++;
      if (c === '|') alts.push([]);
      else alts[alts.length - 1]!.push(this.quantified(this.atom(c)));
    }
    return alts;
  }

  private atom(c: string): Atom {
    if (c === '^' || c === '$') return { kind: 'assert' };
    if (c === '.') return { kind: 'any' };
    if (c === '[') {
      while (this.pos < this.src.length && this.src[this.pos] !== ']') this.pos += this.src[this.pos] === '\\' ? 2 : 1;
      this.pos++;
      return { kind: 'any' };
    }
    if (c === '\\') return this.escape();
    if (c === '(') return this.group();
    return { kind: 'char', char: c };
  }

  private escape(): Atom {
    const e = this.src[this.pos++] ?? '';
    if (/[1-9]/.test(e) || (e === 'k' && this.src[this.pos] === '<')) throw new Error('backreferences are not allowed');
    if (e === 'b' || e === 'B') return { kind: 'assert' };
    if (/[dDwWsSpPuxc0]/.test(e)) return { kind: 'any' };
    return { kind: 'char', char: e };
  }

  private group(): Atom {
    let lookaround = false;
    if (this.src[this.pos] === '?') {
      const head = this.src.slice(this.pos, this.pos + 3);
      lookaround = /^\?(=|!|<=|<!)/.test(head);
      if (head.startsWith('?<') && !lookaround) this.pos = this.src.indexOf('>', this.pos) + 1;
      else this.pos += head.startsWith('?<') ? 3 : 2;
    }
    const alts = this.alternatives();
    this.pos++; // ")"
    if (lookaround) {
      checkAlts(alts);
      return { kind: 'assert' };
    }
    return { kind: 'group', alts };
  }

  private quantified(atom: Atom): Item {
    const rest = this.src.slice(this.pos);
    const m = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(rest);
    if (!m) return { atom, min: 1, unbounded: false };
    this.pos += m[0].length;
    if (m[1]) return { atom, min: m[1] === '+' ? 1 : 0, unbounded: m[1] !== '?' };
    const min = Number(m[2]);
    const max = m[3] === undefined ? min : m[4] === '' ? Infinity : Number(m[4]);
    // A large finite repeat backtracks like an unbounded one.
    return { atom, min, unbounded: max > 16 };
  }
}

function hasUnbounded(alts: Item[][]): boolean {
  return alts.some((seq) => seq.some((i) => i.unbounded || (i.atom.kind === 'group' && hasUnbounded(i.atom.alts))));
}

function firstSet(seq: Item[]): FirstSet {
  for (const item of seq) {
    if (item.atom.kind === 'assert') continue;
    if (item.min === 0 || item.atom.kind === 'any') return ANY;
    if (item.atom.kind === 'char') return new Set([item.atom.char]);
    const union = new Set<string>();
    for (const alt of item.atom.alts) {
      const f = firstSet(alt);
      if (f === ANY) return ANY;
      for (const c of f) union.add(c);
    }
    return union;
  }
  return ANY; // an alternative that can match the empty string overlaps with everything
}

function alternativesOverlap(alts: Item[][]): boolean {
  const seen = new Set<string>();
  for (const alt of alts) {
    const f = firstSet(alt);
    if (f === ANY) return true;
    for (const c of f) {
      if (seen.has(c)) return true;
      seen.add(c);
    }
  }
  return false;
}

function checkAlts(alts: Item[][]): void {
  for (const seq of alts) {
    for (const item of seq) {
      if (item.atom.kind !== 'group') continue;
      if (item.unbounded && hasUnbounded(item.atom.alts)) {
        throw new Error('nested quantifiers (like "(a+)+") can take exponential time; rewrite without repeating a repeat');
      }
      if (item.unbounded && item.atom.alts.length > 1 && alternativesOverlap(item.atom.alts)) {
        throw new Error('overlapping alternatives under a quantifier (like "(a|a)*") can take exponential time');
      }
      checkAlts(item.atom.alts);
    }
  }
}

const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 4096;

/** `matches` as policies see it: a checked pattern, against input of bounded size. */
export function boundedMatch(input: string, pattern: string): boolean {
  if (input.length > MAX_MATCH_INPUT) throw new Error(`matches: input longer than ${MAX_MATCH_INPUT} characters is refused`);
  let re = compiled.get(pattern);
  if (!re) {
    const problem = regexProblem(pattern);
    if (problem) throw new Error(`matches: ${problem}`);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    re = new RegExp(pattern);
    compiled.set(pattern, re);
  }
  return re.test(input);
}
