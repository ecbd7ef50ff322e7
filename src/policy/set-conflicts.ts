// Two `set` constraints that rewrite the same argument of the same call would make the forwarded
// value depend on rule order, which never matters otherwise. Such pairs are refused at load,
// judged conservatively: two patterns may overlap unless both are distinct literals.
import type { CompiledRule } from './compile-rule.js';
import type { NameMatcher } from './rule-index.js';

function mayOverlap(a: NameMatcher, b: NameMatcher): boolean {
  if (a.globs.length && b.globs.length) return true;
  for (const name of a.literals) if (b.test(name)) return true;
  for (const name of b.literals) if (a.test(name)) return true;
  return false;
}

export function setConflicts(rules: readonly CompiledRule[]): string[] {
  const setters = rules.filter((r) => r.set.length > 0);
  const problems: string[] = [];
  for (let i = 0; i < setters.length; i++) {
    for (let j = i + 1; j < setters.length; j++) {
      const a = setters[i]!;
      const b = setters[j]!;
      if (!a.methods.some((m) => b.methods.includes(m)) || !mayOverlap(a.servers, b.servers) || !mayOverlap(a.tools, b.tools)) continue;
      const keys = a.set.map(([k]) => k).filter((k) => b.set.some(([kb]) => kb === k));
      if (keys.length) {
        problems.push(
          `${b.file}:${b.line ?? '?'}: rule "${b.id}": conflicting set constraints: "${keys.join('", "')}" also set by rule "${a.id}" (${a.file}:${a.line ?? '?'}) for overlapping calls`,
        );
      }
    }
  }
  return problems;
}
