// The registry's side of a surface review: what `toolgate surfaces --check` reports about each
// exposed surface, given the rules that cover it. Pure: the caller lists the tools and the rules.
import type { Registry } from './registry.js';

export interface CoveredSurface {
  upstream: string;
  tool: string;
  /** The rules whose match (server, tool, class) takes this surface. */
  rules: ReadonlyArray<{ id: string; effect: string }>;
}

/** One line per problem of one surface: unregistered, uncovered, covered by none of what its class expects, review overdue. */
export function surfaceProblems(registry: Registry, surface: CoveredSurface, today: string): string[] {
  const name = `${surface.upstream}/${surface.tool}`;
  const entry = registry.entryFor(surface.upstream, surface.tool);
  if (!entry) return [`${name}: exposed but not in the registry`];
  const label = `${name} (class ${entry.class}, owner ${entry.owner})`;
  const expects = registry.classes.get(entry.class)?.expects ?? [];
  const wanted = `the class expects ${expects.join(' or ')}`;
  const out: string[] = [];
  if (surface.rules.length === 0) out.push(`${label}: no rule covers it; ${wanted}`);
  else if (!surface.rules.some((r) => (expects as readonly string[]).includes(r.effect)))
    out.push(`${label}: covered only by ${surface.rules.map((r) => `${r.id} (${r.effect})`).join(', ')}; ${wanted}`);
  if (entry.review_by < today) out.push(`${label}: review_by ${entry.review_by} has passed`);
  return out;
}
