// What a condition is turned into before it runs, and what it may cost, read from its parsed form:
// `x.matches(re)` becomes a bounded match of a pattern checked at load, every comprehension range
// passes through a function that charges one step per item (before the walk starts), and the
// worst number of comprehension steps is estimated so that load can refuse what would pass the bound.
import { regexProblem } from './regex.js';

/** `x.matches(re)` is compiled to this, so that patterns are checked and input is bounded. */
export const BOUNDED_MATCHES = 'tgBoundedMatches';
/** Comprehension ranges are wrapped in this, which charges the evaluation meter. */
export const CHARGED_RANGE = 'tgChargedRange';

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

interface AstNode {
  op: string;
  args: unknown;
  start: number;
  end: number;
}

const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && 'op' in v && 'args' in v;

function walk(node: unknown, visit: (n: AstNode) => void): void {
  if (Array.isArray(node)) for (const child of node) walk(child, visit);
  else if (isNode(node)) {
    visit(node);
    walk(node.args, visit);
  }
}

/** A method or function call: its name, receiver (for methods) and parameters. */
function callOf(n: AstNode): { name: string; receiver: AstNode | undefined; params: AstNode[] } | undefined {
  if (n.op === 'rcall' && Array.isArray(n.args)) {
    const [name, receiver, params] = n.args as [string, AstNode, AstNode[]];
    return { name, receiver, params };
  }
  if (n.op === 'call' && Array.isArray(n.args)) {
    const [name, params] = n.args as [string, AstNode[]];
    return { name, receiver: undefined, params };
  }
  return undefined;
}

/** A text edit: `cut` characters at `at` replaced by `text`. */
interface Edit {
  at: number;
  cut: number;
  text: string;
}

/** Checks a `matches` call and returns the edit that makes it bounded. */
function boundedMatchEdit(source: string, n: AstNode, receiver: AstNode | undefined, params: AstNode[]): Edit {
  if (!receiver) throw new Error('write matches as a method: value.matches("pattern")');
  const pattern = params[0];
  if (pattern?.op !== 'value' || typeof pattern.args !== 'string') {
    throw new Error('matches() takes a string literal pattern, so that it can be checked at load');
  }
  const problem = regexProblem(pattern.args);
  if (problem) throw new Error(`matches(${JSON.stringify(pattern.args)}): ${problem}`);
  const at = source.indexOf('matches', receiver.end);
  if (at < 0 || at > pattern.start || at > n.end) throw new Error('cannot locate matches() in the expression');
  return { at, cut: 'matches'.length, text: BOUNDED_MATCHES };
}

/** The source as it runs: matches() bounded and comprehension ranges charged. Throws on a refused pattern. */
export function rewriteForRun(source: string, ast: unknown): string {
  const edits: Edit[] = [];
  walk(ast, (n) => {
    const call = callOf(n);
    if (!call) return;
    if (call.name === BOUNDED_MATCHES || call.name === CHARGED_RANGE) throw new Error(`${call.name} is internal`);
    if (call.name === 'matches') edits.push(boundedMatchEdit(source, n, call.receiver, call.params));
    else if (COMPREHENSIONS.has(call.name) && call.receiver && call.params.length >= 2) {
      edits.push({ at: call.receiver.start, cut: 0, text: `${CHARGED_RANGE}(` }, { at: call.receiver.end, cut: 0, text: ')' });
    }
  });
  let out = source;
  for (const e of edits.sort((a, b) => b.at - a.at)) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.cut);
  return out;
}

/**
 * The most comprehension steps a run can take, as a function of how many items an argument list may
 * hold: a literal list ranges over its own items, anything else over up to `listItems`; nested
 * comprehensions multiply.
 */
export function worstSteps(ast: unknown): (listItems: number) => number {
  return (listItems) => {
    const steps = (node: unknown): number => {
      if (Array.isArray(node)) return node.reduce((sum: number, child) => sum + steps(child), 0);
      if (!isNode(node)) return 0;
      const call = callOf(node);
      if (call?.receiver && COMPREHENSIONS.has(call.name) && call.params.length >= 2) {
        const receiver = call.receiver;
        const range = receiver.op === 'list' && Array.isArray(receiver.args) ? receiver.args.length : listItems;
        return steps(receiver) + range * (1 + steps(call.params.slice(1)));
      }
      return steps(node.args);
    };
    return steps(ast);
  };
}
