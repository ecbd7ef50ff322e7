// Keys that name an object's prototype in JavaScript: `__proto__`, `constructor`, `prototype`. To the
// policy, arguments are plain data: `{"__proto__":{"danger":1}}` has one key, `__proto__`, and a
// rule on `has(args.danger)` does not fire. An upstream that merges the arguments with Object.assign
// or a deep merge may take that key for the prototype and act on `danger`. The policy would then
// have judged other arguments than the upstream acts on, so such arguments are refused.
const PROTOTYPE_WORDS = ['__proto__', 'constructor', 'prototype'];
const PROTOTYPE_KEYS = new Set(PROTOTYPE_WORDS);

export interface PrototypeKey {
  key: string;
  /** Where it is, e.g. `args.a[0].__proto__`. */
  path: string;
}

interface Node {
  value: unknown;
  step: string | number;
  parent?: Node;
}

/**
 * The first prototype key in `args` (untrusted, any depth, objects and lists), or undefined.
 * `canonical` is their canonical JSON, where every key appears spelled out: most calls are cleared
 * by a scan of that text, and only arguments that mention such a word are walked.
 */
export function findPrototypeKey(args: Record<string, unknown>, canonical: string): PrototypeKey | undefined {
  if (!PROTOTYPE_WORDS.some((word) => canonical.includes(word))) return undefined;
  // Iterative, parents linked rather than paths built: deep arguments cost neither stack nor copies.
  const stack: Node[] = [{ value: args, step: 'args' }];
  for (let node = stack.pop(); node; node = stack.pop()) {
    const { value } = node;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], step: i, parent: node });
      continue;
    }
    const keys = Object.keys(value);
    const found = keys.find((key) => PROTOTYPE_KEYS.has(key));
    if (found !== undefined) return { key: found, path: pathOf({ value: undefined, step: found, parent: node }) };
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]!], step: keys[i]!, parent: node });
  }
  return undefined;
}

function pathOf(node: Node): string {
  const steps: string[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) {
    const { step } = n;
    steps.push(!n.parent ? String(step) : typeof step === 'number' ? `[${step}]` : /^[A-Za-z_$][\w$]*$/.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`);
  }
  return steps.reverse().join('');
}
