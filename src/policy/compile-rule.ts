// Turns one validated rule from a policy file into its compiled form: name matchers, principal
// sets, CEL programs, approval and limit templates. Reports problems instead of throwing, so that
// `policy check` can list every one of them.
import { canonicalId } from '../config/index.js';
import { NAMED_METHODS, URI_METHODS, type ApprovalEntry, type ApprovalSpec, type GovernedMethod, type TimeoutConstraint } from '../core/call.js';
import type { Bounds } from './bounds.js';
import { parseDuration } from '../core/duration.js';
import { compileExpression, type CompiledExpression } from './cel.js';
import { NameMatcher, type Indexable } from './rule-index.js';
import type { ApprovalConfig, Effect, LimitConfig, RuleConfig } from './schema.js';

export interface LimitTemplate {
  per: LimitConfig['per'];
  kind: 'rate' | 'budget';
  max: number;
  windowMs: number;
  /** For a budget: the argument whose value is charged. */
  arg?: string;
}

export interface CompiledRule extends Indexable {
  id: string;
  file: string;
  line: number | undefined;
  effect: Effect;
  reason: string | undefined;
  principalIds: Set<string> | undefined;
  principalGroups: Set<string> | undefined;
  when: CompiledExpression | undefined;
  whenSource: string | undefined;
  require: CompiledExpression | undefined;
  requireSource: string | undefined;
  set: Array<[string, CompiledExpression]>;
  /** `constraints.timeout`, enforced by the gate. */
  timeout: TimeoutConstraint | undefined;
  approval: ApprovalSpec | undefined;
  limits: LimitTemplate[];
  /** A deny rule that a break-glass window may override (`break_glass: allow`). */
  yieldsToBreakGlass: boolean;
}

export const TIER: Record<Effect, number> = { deny: 0, require_approval: 1, allow_with_constraints: 2, allow: 3 };

const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** A rule's approval block as a spec: `require` entries as they are, `approvers` + `quorum` as one entry meaning "any of these". */
export function approvalSpec(ruleId: string, a: ApprovalConfig): ApprovalSpec {
  const requirement: ApprovalEntry[] = a.require
    ? a.require.map((e) => ({ rule: ruleId, group: e.group, quorum: e.quorum }))
    : [{ rule: ruleId, approvers: a.approvers ?? [], quorum: a.quorum ?? 1 }];
  return {
    ruleId,
    requirement,
    evidence: { note: a.evidence?.note === 'required', fields: a.evidence?.fields ?? [] },
    timeoutMs: parseDuration(a.timeout),
    waitMs: parseDuration(a.wait),
    webhooks: a.notify ? [a.notify.webhook] : [],
  };
}

function limitTemplate(l: LimitConfig): LimitTemplate {
  if (l.rate) {
    const [count, window] = l.rate.split('/') as [string, string];
    return { per: l.per, kind: 'rate', max: Number(count), windowMs: parseDuration(window) };
  }
  const b = l.budget!;
  return { per: l.per, kind: 'budget', max: b.max, windowMs: parseDuration(b.window), arg: b.arg };
}

/** A problem at a key path inside the rule; the caller adds file, line and rule id. */
export interface RuleProblem {
  path: PropertyKey[];
  message: string;
}

function effectProblems(rule: RuleConfig): RuleProblem[] {
  const out: RuleProblem[] = [];
  const add = (path: PropertyKey[], message: string) => out.push({ path, message });
  if (rule.effect === 'require_approval' && !rule.approval) add(['effect'], 'require_approval needs an "approval" block');
  if (rule.effect !== 'require_approval' && rule.approval) add(['approval'], `"approval" only applies to require_approval (effect is ${rule.effect})`);
  const c = rule.constraints;
  if (rule.effect === 'allow_with_constraints' && !c?.require && !c?.set && !c?.timeout) {
    add(['effect'], 'allow_with_constraints needs "constraints" with "require", "set" and/or "timeout"');
  }
  if (rule.effect !== 'allow_with_constraints' && c) add(['constraints'], `"constraints" only apply to allow_with_constraints (effect is ${rule.effect})`);
  if (rule.effect === 'deny' && rule.limits?.length) add(['limits'], 'a deny rule has nothing to limit');
  if (rule.effect !== 'deny' && rule.break_glass) add(['break_glass'], `"break_glass" only applies to deny rules (effect is ${rule.effect})`);
  return out;
}

/** `tool` and `uri` each apply to some methods only: a rule naming one for no such method could never match. */
function subjectProblems(rule: RuleConfig, methods: readonly GovernedMethod[]): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (rule.match.tool !== undefined && !methods.some((m) => NAMED_METHODS.includes(m))) {
    out.push({ path: ['match', 'tool'], message: `match.tool does not apply to ${methods.join(', ')}: match resources with match.uri` });
  }
  if (rule.match.uri !== undefined && !methods.some((m) => URI_METHODS.includes(m))) {
    out.push({ path: ['match', 'uri'], message: `match.uri applies to ${URI_METHODS.join(', ')} only (the rule is for ${methods.join(', ')})` });
  }
  if (rule.match.tool !== undefined && rule.match.uri !== undefined) {
    out.push({ path: ['match'], message: 'a rule names either tools (match.tool) or resources (match.uri), not both' });
  }
  return out;
}

function upstreamProblems(servers: NameMatcher, known: readonly string[] | undefined): RuleProblem[] {
  if (!known) return [];
  const out: RuleProblem[] = [];
  for (const name of servers.literals) {
    if (!known.includes(name)) out.push({ path: ['match', 'server'], message: `unknown upstream "${name}" (configured: ${known.join(', ') || 'none'})` });
  }
  for (const g of servers.globs) {
    if (!known.some((k) => g.test(k))) out.push({ path: ['match', 'server'], message: `"${g.pattern}" matches no configured upstream` });
  }
  return out;
}

/** A class comes from the registry and speaks for tools only. `known` is undefined without a registry. */
function classProblems(rule: RuleConfig, methods: readonly GovernedMethod[], known: readonly string[] | undefined): RuleProblem[] {
  const named = list(rule.match.class);
  if (!named) return [];
  const at = ['match', 'class'];
  if (!known) return [{ path: at, message: 'match.class needs a surface registry (registry: in toolgate.yaml, docs/registry.md)' }];
  const out: RuleProblem[] = named
    .filter((c) => !known.includes(c))
    .map((c) => ({ path: at, message: `unknown class "${c}" (the registry defines ${[...known].sort().join(', ') || 'none'})` }));
  if (methods.some((m) => m !== 'tools/call'))
    out.push({ path: at, message: `match.class applies to tools/call only (the rule is for ${methods.join(', ')})` });
  if (rule.match.uri !== undefined) out.push({ path: at, message: 'a rule names either classes of tools (match.class) or resources (match.uri), not both' });
  return out;
}

function expression(source: string | undefined, kind: 'boolean' | 'value', path: PropertyKey[], problems: RuleProblem[], bounds: Bounds) {
  if (source === undefined) return undefined;
  try {
    const program = compileExpression(source, kind);
    const steps = program.worstSteps(bounds.list_items);
    if (steps > bounds.eval_cost) {
      problems.push({
        path,
        message: `the condition can take ${steps} steps when argument lists hold ${bounds.list_items} items (bounds.list_items), more than bounds.eval_cost (${bounds.eval_cost}): avoid nesting comprehensions over arguments, or lower bounds.list_items`,
      });
    }
    return program;
  } catch (err) {
    problems.push({ path, message: (err as Error).message });
    return undefined;
  }
}

/** What a rule's names are checked against: configured upstreams, and the registry's classes (undefined: not checked, or no registry). */
export interface KnownNames {
  upstreams: readonly string[] | undefined;
  classes: readonly string[] | undefined;
}

export function compileRule(
  rule: RuleConfig,
  where: { file: string; line: number | undefined },
  known: KnownNames,
  bounds: Bounds,
): { rule: CompiledRule; problems: RuleProblem[] } {
  const servers = new NameMatcher(list(rule.match.server) ?? ['*']);
  const classes = list(rule.match.class);
  const tools = new NameMatcher(list(rule.match.tool) ?? ['*']);
  const uris = rule.match.uri === undefined ? undefined : new NameMatcher(list(rule.match.uri)!);
  const methods = [...new Set(list(rule.match.method) as GovernedMethod[])];
  const problems = [
    ...effectProblems(rule),
    ...subjectProblems(rule, methods),
    ...(rule.match.server === undefined ? [] : upstreamProblems(servers, known.upstreams)),
    ...classProblems(rule, methods, known.classes),
  ];
  const ids = list(rule.principal?.id);
  const groups = list(rule.principal?.groups);
  const set: Array<[string, CompiledExpression]> = [];
  for (const [key, source] of Object.entries(rule.constraints?.set ?? {})) {
    const program = expression(source, 'value', ['constraints', 'set', key], problems, bounds);
    if (program) set.push([key, program]);
  }
  return {
    problems,
    rule: {
      id: rule.id,
      file: where.file,
      line: where.line,
      effect: rule.effect,
      tier: TIER[rule.effect],
      reason: rule.reason,
      methods,
      servers,
      tools,
      // A class is a set of tools: a rule naming one never applies to a request about a resource.
      namesTools: rule.match.tool !== undefined || classes !== undefined,
      classes: classes && new Set(classes),
      uris,
      // Canonical like the config's principal ids, so that "Alice" in a rule names user:alice.
      principalIds: ids && new Set(ids.map(canonicalId)),
      principalGroups: groups && new Set(groups),
      when: expression(rule.when, 'boolean', ['when'], problems, bounds),
      whenSource: rule.when,
      require: expression(rule.constraints?.require, 'boolean', ['constraints', 'require'], problems, bounds),
      requireSource: rule.constraints?.require,
      set,
      timeout:
        rule.constraints?.timeout === undefined
          ? undefined
          : { ruleId: rule.id, ms: parseDuration(rule.constraints.timeout), written: rule.constraints.timeout },
      approval: rule.approval && approvalSpec(rule.id, rule.approval),
      limits: (rule.limits ?? []).map(limitTemplate),
      yieldsToBreakGlass: rule.effect === 'deny' && rule.break_glass === 'allow',
    },
  };
}
