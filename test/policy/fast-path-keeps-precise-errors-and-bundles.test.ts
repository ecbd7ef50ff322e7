// Large valid files take the fast path, and that changes nothing a user sees: problems found
// after it (CEL, duplicates, set conflicts, upstream names) still name file, line and rule id, and
// the bundle and its decisions are those of the line-aware path.
import { describe, expect, it } from 'vitest';
import { readYamlFast } from '../../src/core/yaml-source.js';
import { assembleBundle, type PolicyBundle, type PolicySource } from '../../src/policy/bundle.js';
import { callRequest, compileBundle, evaluate, PolicyError } from '../../src/policy/index.js';
import { parsePolicySource, parsePolicySourceLineAware } from '../../src/policy/parse.js';

/** `n` rules of 4 lines each after a 2-line head: rule i starts at line 3 + 4i. */
function rules(n: number, rule: (i: number) => string = (i) => `    when: 'args.n > ${i % 50}'`): string {
  const out = ['version: toolgate.policy/v1', 'rules:'];
  for (let i = 0; i < n; i++) {
    const effect = ['allow', 'deny', 'allow'][i % 3];
    out.push(`  - id: r${i}`, `    effect: ${effect}`, `    match: { server: s${i % 7}, tool: "t${i % 11}*" }`, rule(i));
  }
  return `${out.join('\n')}\n`;
}

function problems(sources: PolicySource[], knownUpstreams?: string[]): string[] {
  try {
    compileBundle(sources, knownUpstreams ? { knownUpstreams } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError);
    return (err as PolicyError).problems;
  }
  throw new Error('the policy compiled, but it should not have');
}

function lineAwareBundle(sources: PolicySource[]): PolicyBundle {
  const steps = assembleBundle(sources, sources.map(parsePolicySourceLineAware), {});
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

describe('the fast path', () => {
  it('reports a CEL error deep in a large file at its line, with the rule id', () => {
    const text = rules(3000, (i) => (i === 2500 ? "    when: 'args.n >'" : `    when: 'args.n > ${i % 50}'`));
    expect(readYamlFast('big.yaml', text), 'the file takes the fast path').toBeDefined();
    expect(problems([{ file: 'big.yaml', text }])).toEqual([expect.stringMatching(/^big\.yaml:10006: rule "r2500": CEL syntax: /)]);
  });

  it('reports unknown upstreams, duplicate ids and set conflicts at their lines', () => {
    const special = [
      '  - id: up',
      '    effect: allow',
      '    match: { server: nope }',
      "    when: 'true'",
      '  - id: r7',
      '    effect: allow',
      '    match: { server: s0, tool: x }',
      "    when: 'true'",
      '  - id: set-a',
      '    effect: allow_with_constraints',
      '    match: { server: s1, tool: q }',
      "    constraints: { set: { limit: '1' } }",
      '  - id: set-b',
      '    effect: allow_with_constraints',
      '    match: { server: s1, tool: "q*" }',
      "    constraints: { set: { limit: '2' } }",
    ];
    const text = `${rules(2000)}${special.join('\n')}\n`;
    const first = 3 + 4 * 2000;
    expect(readYamlFast('big.yaml', text)).toBeDefined();
    expect(problems([{ file: 'big.yaml', text }], ['s0', 's1', 's2', 's3', 's4', 's5', 's6'])).toEqual([
      `big.yaml:${first + 2}: rule "up": unknown upstream "nope" (configured: s0, s1, s2, s3, s4, s5, s6)`,
      `big.yaml:${first + 4}: rule "r7": duplicate rule id (first defined at big.yaml:31)`,
      expect.stringMatching(
        new RegExp(`^big\\.yaml:${first + 12}: rule "set-b": conflicting set constraints: "limit" also set by rule "set-a" \\(big\\.yaml:${first + 8}\\)`),
      ),
    ]);
  });

  it('builds the same bundle as the line-aware path: sha256, rules, lines and decisions', () => {
    const sources = [
      { file: 'a.yaml', text: rules(400) },
      {
        file: 'b.yaml',
        text: `version: toolgate.policy/v1\ndefaults: { effect: allow }\nrules:\n  - {id: b1, effect: deny, match: {server: s1, tool: "t1*"}, when: 'args.n == 3'}\n`,
      },
    ];
    for (const s of sources) expect(readYamlFast(s.file, s.text)).toBeDefined();
    const fast = compileBundle(sources);
    const slow = lineAwareBundle(sources);
    expect(fast.sha256).toBe(slow.sha256);
    expect(fast.defaults).toEqual(slow.defaults);
    const shape = (b: PolicyBundle) => b.rules.map((r) => [r.id, r.file, r.line, r.effect, r.whenSource]);
    expect(shape(fast)).toEqual(shape(slow));
    expect(sources.map(parsePolicySource)).toEqual(sources.map(parsePolicySourceLineAware));
    for (let server = 0; server < 8; server++) {
      for (let tool = 0; tool < 12; tool++) {
        for (const n of [3, 20, 60]) {
          const call = callRequest({ server: `s${server}`, tool: `t${tool}x`, principal: 'p', args: { n } });
          expect(evaluate(fast, call)).toEqual(evaluate(slow, call));
        }
      }
    }
  });
});
