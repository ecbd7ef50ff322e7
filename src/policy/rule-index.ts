// Finds the rules that can apply to one (server, tool) without looking at the others: exact names
// in maps, globs in short per-server lists. Candidate lists are memoised per surface, since the
// gateway only ever asks about the tools its upstreams actually offer.
import picomatch from 'picomatch';

/** A name pattern from `match`: literal names and globs. */
export class NameMatcher {
  readonly literals = new Set<string>();
  readonly globs: Array<{ pattern: string; test: (name: string) => boolean }> = [];

  constructor(readonly patterns: readonly string[]) {
    for (const p of patterns) {
      if (isGlob(p)) this.globs.push({ pattern: p, test: picomatch(p, { dot: true }) });
      else this.literals.add(p);
    }
  }

  test(name: string): boolean {
    return this.literals.has(name) || this.globs.some((g) => g.test(name));
  }

  get matchesEverything(): boolean {
    return this.globs.some((g) => g.pattern === '*' || g.pattern === '**');
  }
}

export function isGlob(pattern: string): boolean {
  return picomatch.scan(pattern).isGlob;
}

export interface Indexable {
  servers: NameMatcher;
  tools: NameMatcher;
  /** Lower runs first: deny before approval before constraints before allow. */
  tier: number;
}

interface ToolTable<R> {
  exact: Map<string, R[]>;
  globbed: R[];
}

const MAX_MEMO = 10_000;

export class RuleIndex<R extends Indexable> {
  private readonly byServer = new Map<string, ToolTable<R>>();
  private readonly globServer: R[] = [];
  private readonly memo = new Map<string, readonly R[]>();

  constructor(rules: readonly R[] = []) {
    for (const rule of rules) this.add(rule);
  }

  /** Adds one rule; only while the index is being built (before its first `candidates`). */
  add(rule: R): void {
    for (const server of rule.servers.literals) this.addTools(this.table(server), rule);
    if (rule.servers.globs.length) this.globServer.push(rule);
  }

  /** The rules whose server and tool patterns match, deny tier first. */
  candidates(server: string, tool: string): readonly R[] {
    const key = `${server}\u0000${tool}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const found = new Set<R>();
    const table = this.byServer.get(server);
    if (table) {
      for (const r of table.exact.get(tool) ?? []) found.add(r);
      for (const r of table.globbed) if (r.tools.test(tool)) found.add(r);
    }
    for (const r of this.globServer) if (r.servers.test(server) && r.tools.test(tool)) found.add(r);
    const list = [...found].sort((a, b) => a.tier - b.tier);
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, list);
    return list;
  }

  private table(server: string): ToolTable<R> {
    let t = this.byServer.get(server);
    if (!t) this.byServer.set(server, (t = { exact: new Map(), globbed: [] }));
    return t;
  }

  private addTools(table: ToolTable<R>, rule: R): void {
    for (const tool of rule.tools.literals) {
      const list = table.exact.get(tool);
      if (list) list.push(rule);
      else table.exact.set(tool, [rule]);
    }
    if (rule.tools.globs.length) table.globbed.push(rule);
  }
}
