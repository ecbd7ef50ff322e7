// Finds the rules that can apply to one request without looking at the others: per method, exact
// names in maps and globs in short per-server lists, for tool-like names and for resource URIs
// alike. Candidate lists are memoised per (method, server, name), since the gateway mostly asks
// about what its upstreams actually offer.
import picomatch from 'picomatch';
import { NAMED_METHODS, URI_METHODS, type GovernedMethod } from '../core/call.js';

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
  methods: readonly GovernedMethod[];
  servers: NameMatcher;
  /** Tool (or prompt) names; "*" when the rule names none. */
  tools: NameMatcher;
  /** The rule names tools: it never applies to a request about a resource. */
  namesTools: boolean;
  /** Resource URI patterns; undefined when the rule names none (it then applies to every URI). */
  uris: NameMatcher | undefined;
  /** Registry classes (match.class): the rule applies only to tools of one of them. */
  classes: ReadonlySet<string> | undefined;
  /** Lower runs first: deny before approval before constraints before allow. */
  tier: number;
}

/** The registry class of a tool, undefined when it has none. */
export type ClassOf = (server: string, tool: string) => string | undefined;

/** Whether a rule's classes (if it names any) take a tool of class `cls`. */
export function classMatches(rule: Indexable, cls: string | undefined): boolean {
  return !rule.classes || (cls !== undefined && rule.classes.has(cls));
}

/** Whether a rule's tool or URI patterns take a request about `tool`, or about the resource `uri`. */
export function subjectMatches(rule: Indexable, tool: string, uri: string | undefined): boolean {
  if (uri === undefined) return !rule.uris && rule.tools.test(tool);
  return !rule.namesTools && (!rule.uris || rule.uris.test(uri));
}

/** Rules by one kind of name: literal patterns in a map, the others (globs, or no pattern) in a list. */
class NameTable<R extends Indexable> {
  private readonly exact = new Map<string, R[]>();
  private readonly other: R[] = [];

  add(rule: R, patterns: NameMatcher | undefined): void {
    for (const name of patterns?.literals ?? []) {
      const list = this.exact.get(name);
      if (list) list.push(rule);
      else this.exact.set(name, [rule]);
    }
    if (!patterns || patterns.globs.length) this.other.push(rule);
  }

  lookup(name: string, test: (rule: R) => boolean, into: Set<R>): void {
    for (const r of this.exact.get(name) ?? []) into.add(r);
    for (const r of this.other) if (test(r)) into.add(r);
  }
}

interface ServerTables<R extends Indexable> {
  tools: NameTable<R>;
  uris: NameTable<R>;
}

/** The rules of one method. */
class MethodIndex<R extends Indexable> {
  private readonly byServer = new Map<string, ServerTables<R>>();
  private readonly globServer: R[] = [];

  constructor(private readonly method: GovernedMethod) {}

  add(rule: R): void {
    const byTool = NAMED_METHODS.includes(this.method) && !rule.uris;
    const byUri = URI_METHODS.includes(this.method) && !rule.namesTools;
    if (!byTool && !byUri) return;
    for (const server of rule.servers.literals) {
      const tables = this.tables(server);
      if (byTool) tables.tools.add(rule, rule.tools);
      if (byUri) tables.uris.add(rule, rule.uris);
    }
    if (rule.servers.globs.length) this.globServer.push(rule);
  }

  find(server: string, tool: string, uri: string | undefined): Set<R> {
    const found = new Set<R>();
    const tables = this.byServer.get(server);
    if (tables && uri === undefined) tables.tools.lookup(tool, (r) => r.tools.test(tool), found);
    if (tables && uri !== undefined) tables.uris.lookup(uri, (r) => !r.uris || r.uris.test(uri), found);
    for (const r of this.globServer) if (r.servers.test(server) && subjectMatches(r, tool, uri)) found.add(r);
    return found;
  }

  private tables(server: string): ServerTables<R> {
    let t = this.byServer.get(server);
    if (!t) this.byServer.set(server, (t = { tools: new NameTable(), uris: new NameTable() }));
    return t;
  }
}

const MAX_MEMO = 10_000;

export class RuleIndex<R extends Indexable> {
  private readonly byMethod = new Map<GovernedMethod, MethodIndex<R>>();
  private readonly memo = new Map<string, readonly R[]>();

  /** `classOf` is asked once per (server, tool) that a lookup is not memoised for, never per call. */
  constructor(
    rules: readonly R[] = [],
    private readonly classOf: ClassOf = () => undefined,
  ) {
    for (const rule of rules) this.add(rule);
  }

  /** Adds one rule; only while the index is being built (before its first `candidates`). */
  add(rule: R): void {
    for (const method of rule.methods) {
      let index = this.byMethod.get(method);
      if (!index) this.byMethod.set(method, (index = new MethodIndex(method)));
      index.add(rule);
    }
  }

  /** The rules whose method, server and tool (or URI, for a request about a resource) patterns match, deny tier first. */
  candidates(method: GovernedMethod, server: string, tool: string, uri?: string): readonly R[] {
    const key = uri === undefined ? `${method}\u0000${server}\u0000t\u0000${tool}` : `${method}\u0000${server}\u0000u\u0000${uri}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    const found = this.byMethod.get(method)?.find(server, tool, uri);
    let list = found ? [...found].sort((a, b) => a.tier - b.tier) : [];
    if (list.some((r) => r.classes)) {
      const cls = this.classOf(server, tool);
      list = list.filter((r) => classMatches(r, cls));
    }
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, list);
    return list;
  }
}
