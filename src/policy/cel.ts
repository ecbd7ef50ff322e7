// The CEL dialect of policies: the variables a condition sees, the helper functions that resist
// bypass (path.*, url.*, text.*, min/max), and compilation that checks types and regexes at load.
// Each expression is parsed and type-checked once; evaluation reuses the checked AST.
import { Environment } from '@marcbachmann/cel-js';
import { chargeRange, chargeText, type CostMeter, metered } from './cost.js';
import { fold, hostWithin, normalizePath, pathWithin, urlHost, urlScheme } from './helpers.js';
import { boundedMatch } from './regex.js';
import { BOUNDED_MATCHES, CHARGED_RANGE, rewriteForRun, worstSteps } from './rewrite.js';

/** Carries the configured root against which relative paths are resolved. */
export class PathFunctions {
  constructor(readonly root: string) {}
}
class UrlFunctions {}
class TextFunctions {}

const URL_FUNCTIONS = new UrlFunctions();
const TEXT_FUNCTIONS = new TextFunctions();

function numeric(name: string, a: unknown, b: unknown): void {
  const ok = (v: unknown) => typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v));
  if (!ok(a) || !ok(b)) throw new Error(`${name}() takes two numbers`);
}

const env = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('args', 'map')
  .registerVariable('principal', 'map')
  .registerVariable('method', 'string')
  .registerVariable('server', 'string')
  .registerVariable('tool', 'string')
  .registerVariable('uri', 'string')
  .registerVariable('annotations', 'map')
  .registerVariable('now', 'google.protobuf.Timestamp')
  .registerType('toolgate.Path', { ctor: PathFunctions, fields: {} })
  .registerType('toolgate.Url', { ctor: UrlFunctions, fields: {} })
  .registerType('toolgate.Text', { ctor: TextFunctions, fields: {} })
  .registerVariable('path', 'toolgate.Path')
  .registerConstant('url', 'toolgate.Url', URL_FUNCTIONS)
  .registerConstant('text', 'toolgate.Text', TEXT_FUNCTIONS)
  .registerFunction('toolgate.Path.within(string, string): bool', (p: PathFunctions, s: string, root: string) => (chargeText(s), pathWithin(s, root, p.root)))
  .registerFunction(
    'toolgate.Path.withinIgnoreCase(string, string): bool',
    (p: PathFunctions, s: string, root: string) => (chargeText(s), pathWithin(s, root, p.root, true)),
  )
  .registerFunction('toolgate.Path.normalize(string): string', (p: PathFunctions, s: string) => (chargeText(s), normalizePath(s, p.root)))
  .registerFunction('toolgate.Url.host(string): string', (_u: UrlFunctions, s: string) => (chargeText(s), urlHost(s)))
  .registerFunction('toolgate.Url.scheme(string): string', (_u: UrlFunctions, s: string) => (chargeText(s), urlScheme(s)))
  .registerFunction('toolgate.Url.hostWithin(string, string): bool', (_u: UrlFunctions, s: string, d: string) => (chargeText(s), hostWithin(s, d)))
  .registerFunction('toolgate.Text.fold(string): string', (_t: TextFunctions, s: string) => (chargeText(s), fold(s)))
  .registerFunction(
    'toolgate.Text.equalsFold(string, string): bool',
    (_t: TextFunctions, a: string, b: string) => (chargeText(a), chargeText(b), fold(a) === fold(b)),
  )
  .registerFunction('toolgate.Text.lower(string): string', (_t: TextFunctions, s: string) => (chargeText(s), s.toLowerCase()))
  .registerFunction('min(dyn, dyn): dyn', (a: unknown, b: unknown) => (numeric('min', a, b), (a as number) <= (b as number) ? a : b))
  .registerFunction('max(dyn, dyn): dyn', (a: unknown, b: unknown) => (numeric('max', a, b), (a as number) >= (b as number) ? a : b))
  .registerFunction(`string.${BOUNDED_MATCHES}(string): bool`, (s: string, re: string) => (chargeText(s), boundedMatch(s, re)))
  .registerFunction(`${CHARGED_RANGE}(dyn): dyn`, chargeRange);

/** What a condition sees. `args` and `annotations` are untrusted input from the client/upstream. */
export interface CelContext {
  args: Record<string, unknown>;
  principal: { id: string; groups: string[] };
  /** The MCP method (tools/call, resources/read, ...). */
  method: string;
  server: string;
  tool: string;
  /** Untrusted: the resource URI of a request about one; "" otherwise. */
  uri: string;
  annotations: Record<string, unknown>;
  now: Date;
  path: PathFunctions;
  /** Counts this decision's evaluation steps (not a CEL variable). */
  meter?: CostMeter;
}

export interface CompiledExpression {
  (context: CelContext): unknown;
  /** The most comprehension steps one run can take when every argument list holds `listItems` items. */
  worstSteps(listItems: number): number;
}

/** The library's first message line, with the column its caret drawing points at. */
function messageOf(err: unknown): string {
  const lines = (err instanceof Error ? err.message : String(err)).split('\n');
  const code = lines.find((l) => /^>\s+\d+ \| /.test(l));
  const caret = code ? lines[lines.indexOf(code) + 1] : undefined;
  const column = code && caret?.includes('^') ? caret.indexOf('^') - code.indexOf('|') - 1 : undefined;
  return `${lines[0]}${column ? ` (column ${column})` : ''}`;
}

/**
 * Programs by kind and source text. A program is pure (everything it reads is in the context), so
 * identical conditions share one, across rules and across reloads, where most of a bundle is
 * unchanged. Bounded in two generations: when the recent one is full, the older one is dropped and
 * programs used since then survive (constant time, unlike evicting from the front of one Map).
 */
let recentPrograms = new Map<string, CompiledExpression>();
let olderPrograms = new Map<string, CompiledExpression>();
const PROGRAMS_PER_GENERATION = 10_000;

/**
 * Parses, checks and compiles one expression. `boolean` expressions (when, require) must have type
 * bool (or dyn, checked again at run time). Throws an Error whose message names the problem.
 */
export function compileExpression(source: string, kind: 'boolean' | 'value'): CompiledExpression {
  const key = `${kind}:${source}`;
  const recent = recentPrograms.get(key);
  if (recent) return recent;
  const program = olderPrograms.get(key) ?? compileUncached(source, kind);
  if (recentPrograms.size >= PROGRAMS_PER_GENERATION) {
    olderPrograms = recentPrograms;
    recentPrograms = new Map();
  }
  recentPrograms.set(key, program);
  return program;
}

function compileUncached(source: string, kind: 'boolean' | 'value'): CompiledExpression {
  let parsed;
  try {
    parsed = env.parse(source);
  } catch (err) {
    throw new Error(`CEL syntax: ${messageOf(err)}`);
  }
  const checked = parsed.check();
  if (!checked.valid) throw new Error(`CEL type: ${messageOf(checked.error)}`);
  if (kind === 'boolean' && checked.type !== 'bool' && checked.type !== 'dyn') {
    throw new Error(`CEL: the condition has type ${checked.type}, expected bool`);
  }
  const runnable = rewriteForRun(source, parsed.ast);
  const program = runnable === source ? parsed : env.parse(runnable);
  if (program !== parsed && !program.check().valid) throw new Error('CEL: internal rewrite of the condition failed');
  const steps = worstSteps(parsed.ast);
  const run = (context: CelContext) => metered(context.meter, () => program(context as unknown as Record<string, unknown>));
  return Object.assign(run, { worstSteps: steps });
}

/** A CEL result turned back into JSON for forwarding (`set` constraints). */
export function toJsonValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('result is not a finite number');
    return value;
  }
  if (typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new Error('integer result out of the safe JSON range');
    return n;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toJsonValue(v)]));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, toJsonValue(v)]));
  }
  throw new Error('result cannot be represented as JSON');
}
