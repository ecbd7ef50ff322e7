// Rules that name a tool their upstream does not have: most often a typo (`read_fiel`), which
// would leave the intended tool to the other rules or to SILENCE without a word. Judged against
// the tool lists the caller took from the upstreams; a rule is not refused for it, since an
// upstream may add the tool later.
import type { PolicyBundle } from './bundle.js';

/** Edit distance counting a swap of two neighbouring letters as one edit (the commonest typo), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_r, i) => Array.from({ length: b.length + 1 }, (_c, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `name`, when it is close enough to be a likely typo. */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(name, c);
    if (!best || d < best.d) best = { name: c, d };
  }
  return best && best.d <= Math.max(1, Math.floor(name.length / 3)) ? best.name : undefined;
}

/**
 * One line per literal `match.tool` of a tools/call rule that no listed upstream the rule matches
 * offers. `catalogs` holds the tool names of the upstreams that could be listed; the others are not judged.
 */
export function unknownToolNames(bundle: PolicyBundle, catalogs: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const rule of bundle.rules) {
    if (!rule.methods.includes('tools/call') || rule.tools.literals.size === 0) continue;
    const servers = [...catalogs.keys()].filter((s) => rule.servers.test(s));
    if (servers.length === 0) continue;
    const offered = new Set(servers.flatMap((s) => catalogs.get(s)!));
    for (const tool of rule.tools.literals) {
      if (offered.has(tool)) continue;
      const near = closestName(tool, offered);
      out.push(
        `rule "${rule.id}" (${rule.file}:${rule.line ?? '?'}): match.tool "${tool}" names no tool of ${servers.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`,
      );
    }
  }
  return out;
}
