// Deciding one call has a bounded cost: arguments past a size bound are denied before any condition
// runs, conditions whose comprehension steps would pass the bound are refused at load, and a run that
// passes it anyway is stopped and denied, naming the bound, even where a comprehension swallows errors.
import { describe, expect, it } from 'vitest';
import { compileBundle } from '../../src/policy/index.js';
import { bundleOf, decide, thrown } from './helpers.js';

const nested = `  - id: no-near-duplicates
    effect: deny
    match: { server: fs }
    when: 'has(args.items) && args.items.exists(a, args.items.exists(b, a == b + "!"))'
`;
const file = (text: string, name = 'p.yaml') => ({ file: name, text: `version: toolgate.policy/v1\n${text}` });
const items = (n: number, last = 'x') => [...Array.from({ length: n - 1 }, (_v, i) => `item${i}`), last];

describe('at load', () => {
  it('a nested comprehension over arguments is refused when its steps can pass bounds.eval_cost', () => {
    expect(thrown(() => bundleOf(nested))).toMatch(
      /test\.yaml:\d+: rule "no-near-duplicates": the condition can take 1001000 steps when argument lists hold 1000 items \(bounds\.list_items\), more than bounds\.eval_cost \(20000\)/,
    );
  });

  it('the same condition loads once bounds.list_items keeps it under the bound', () => {
    const bundle = compileBundle([file(`bounds: { list_items: 100 }\nrules:\n${nested}`)]);
    expect(bundle.bounds).toEqual({ arg_bytes: 1_048_576, arg_depth: 32, list_items: 100, eval_cost: 20_000 });
  });

  it('comprehensions over literal lists count their own items', () => {
    expect(() =>
      bundleOf(`  - id: r\n    effect: deny\n    match: { server: fs }\n    when: '["a", "b"].exists(k, k in args && args.items.exists(p, p == k))'\n`),
    ).not.toThrow();
  });

  it('files that state different bounds are refused', () => {
    expect(thrown(() => compileBundle([file('bounds: { list_items: 10 }\n', 'a.yaml'), file('bounds: { list_items: 20 }\n', 'b.yaml')]))).toMatch(
      /b\.yaml: bounds differ from those in a\.yaml/,
    );
  });

  it('the internal range function cannot be written in a policy', () => {
    expect(thrown(() => bundleOf(`  - id: r\n    effect: deny\n    match: { server: fs }\n    when: 'tgChargedRange(args.items) == []'\n`))).toMatch(
      /tgChargedRange is internal/,
    );
  });
});

describe('arguments past a size bound', () => {
  const bundle = compileBundle([
    file(`bounds: { list_items: 100, arg_depth: 4, arg_bytes: 20000 }\nrules:\n  - id: allow-fs\n    effect: allow\n    match: { server: fs }\n${nested}`),
  ]);

  it('a list longer than bounds.list_items is denied before any condition runs', () => {
    const started = performance.now();
    const d = decide(bundle, { args: { items: items(6_000) } });
    expect(performance.now() - started).toBeLessThan(250);
    expect(d).toMatchObject({
      outcome: 'deny',
      rules: [],
      reason: expect.stringMatching(/bounds\.list_items: a list in the arguments has 6000 items, more than 100/),
    });
  });

  it('nesting deeper than bounds.arg_depth is denied', () => {
    expect(decide(bundle, { args: { a: { b: { c: { d: { e: 1 } } } } } }).reason).toMatch(/bounds\.arg_depth: the arguments nest deeper than 4 levels/);
  });

  it('arguments larger than bounds.arg_bytes are denied', () => {
    expect(decide(bundle, { args: { text: 'x'.repeat(25_000) } }).reason).toMatch(/bounds\.arg_bytes: the arguments are larger than 20000 characters/);
  });

  it('arguments within the bounds are decided by the rules', () => {
    expect(decide(bundle, { args: { items: items(100) } }).outcome).toBe('permit');
    expect(decide(bundle, { args: { items: ['a', 'a!'] } })).toMatchObject({ outcome: 'deny', rules: ['no-near-duplicates'] });
  });
});

describe('at run time', () => {
  const scan = (effect: string) =>
    bundleOf(`  - id: r\n    effect: ${effect}\n    match: { server: fs }\n    when: 'args.items.exists(a, a == "last" || args.blob.matches("z$"))'\n`);
  const heavy = { items: items(1_000, 'last'), blob: 'y'.repeat(60_000) };

  it('a condition that reads too much text is stopped and denied, naming bounds.eval_cost', () => {
    const started = performance.now();
    const d = decide(scan('deny'), { args: heavy });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(d).toMatchObject({ outcome: 'deny', rules: [], reason: expect.stringMatching(/bounds\.eval_cost \(20000 steps\)/) });
  });

  it('stays denied when the comprehension swallows the error and finds a match after it', () => {
    expect(decide(scan('allow'), { args: heavy })).toMatchObject({ outcome: 'deny', reason: expect.stringMatching(/bounds\.eval_cost/) });
  });

  it('the same condition over small arguments decides as written', () => {
    expect(decide(scan('allow'), { args: { items: ['a', 'last'], blob: 'y' } }).outcome).toBe('permit');
  });
});
