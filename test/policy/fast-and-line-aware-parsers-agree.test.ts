// The fast reader (js-yaml events) and the line-aware parser (yaml) read every file the fast path
// accepts to the same value and lines, and the fast path refuses whatever they could read apart.
import { describe, expect, it } from 'vitest';
import { parseYamlSource, readYamlFast } from '../../src/core/yaml-source.js';
import { parsePolicySource, parsePolicySourceLineAware } from '../../src/policy/parse.js';

/** The value the line-aware parser reads, or "error". */
function reference(text: string): unknown {
  try {
    return parseYamlSource('f.yaml', text).value;
  } catch {
    return 'error';
  }
}

const POLICIES: Record<string, string> = {
  block: `version: toolgate.policy/v1
defaults: { effect: deny, on_error: deny }
rules:
  - id: a
    effect: allow
    match: { server: fs, tool: ["read_*", list] }
    when: 'args.path.startsWith("/srv")'
  -
    id: b   # the item starts on the line after its dash
    effect: deny
    match:
      server: fs
      tool: write_file
  - # a comment where the rule starts
    id: "c"
    'effect': require_approval
    match: { server: db }
    approval: { approvers: ["group:dba"], quorum: 2, timeout: 15m }
  - {id: d, effect: allow, match: {server: fs, tool: stat}, principal: {groups: [eng]}}
`,
  scalars: `---
version: "toolgate.policy/v1"
defaults:
  effect: deny
rules:

  - id: multi-line
    effect: allow_with_constraints
    match: { server: pay, tool: transfer }
    constraints:
      require: >-
        args.amount <= 1000
        && args.currency == "EUR"
      set: { limit: '10', "quoted-key": "\\"x\\" + \\"\\\\u00e9\\"" }
    limits: [ { per: principal, rate: 60/1m }, { per: tool, budget: { arg: amount, max: 5000.5, window: 1d } } ]
  - id: literal
    effect: deny
    match: { server: pay, tool: refund }
    when: |
      args.amount > 10 ||
      args.note == 'a # not a comment'
    reason: plain text, with a colon:inside and a #hash
...
`,
  flow: `{version: toolgate.policy/v1, rules: [{id: f1, effect: allow, match: {server: s, tool: t}}, {id: f2, effect: deny,
  match: {server: s, tool: u}}]}`,
  crlf: 'version: toolgate.policy/v1\r\nrules:\r\n  - id: w1\r\n    effect: allow\r\n    match: { server: fs }\r\n  - id: w2\r\n    effect: deny\r\n    match: { server: fs }\r\n',
};

describe('the fast and the line-aware parser', () => {
  it.each(Object.keys(POLICIES))('agree on value, rule lines and defaults line: %s', (name) => {
    const s = { file: `${name}.yaml`, text: POLICIES[name]! };
    expect(readYamlFast(s.file, s.text), 'the fast path takes this file').toBeDefined();
    const fast = parsePolicySource(s);
    expect(fast.ok).toBe(true);
    expect(fast).toEqual(parsePolicySourceLineAware(s));
  });

  const SCALARS = [
    'yes',
    'no',
    'on',
    'off',
    'y',
    'n',
    '~',
    'null',
    'Null',
    'NULL',
    'true',
    'True',
    'FALSE',
    '017',
    '0o17',
    '0x1F',
    '0b101',
    '1_000',
    '1e3',
    '1.5e-3',
    '+1',
    '-0',
    '0.',
    '.5',
    '.inf',
    '-.Inf',
    '.nan',
    '.NaN',
    '12:30:00',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '9007199254740993',
    '"\\x41\\u00e9\\t"',
    "'it''s'",
    '=',
    '<<',
    'a #b',
    '[1, "2", three]',
  ];
  it.each(SCALARS)('read the plain value %s alike, or the fast path leaves it to the other', (scalar) => {
    const text = `v: ${scalar}\nw: [${scalar}]\n`;
    const fast = readYamlFast('f.yaml', text);
    if (fast) expect(fast.value).toEqual(reference(text));
  });

  const REFUSED: Record<string, string> = {
    'duplicate keys': 'a: 1\na: 2\n',
    'duplicate keys, one quoted': 'a: 1\n"a": 2\n',
    'merge keys': 'base: &b { x: 1 }\nm: { <<: *b, y: 2 }\n',
    'anchors and aliases': 'a: &x 1\nb: *x\n',
    tags: 'a: !!str 1\n',
    'custom tags': 'a: !thing 1\n',
    'a YAML 1.1 directive': '%YAML 1.1\n---\na: yes\n',
    'two documents': 'a: 1\n---\nb: 2\n',
    'no document': '# nothing\n',
    'a number as key': '1: x\n',
    'null as key': 'null: x\n',
    'a boolean as key': 'on: x\n',
    'a complex key': '? [a, b]\n: x\n',
    ['__proto__']: '__proto__: { polluted: true }\n',
    'a lone carriage return': 'a: 1\rb: 2\n',
  };
  it.each(Object.keys(REFUSED))('the fast path refuses %s', (name) => {
    const text = REFUSED[name]!;
    expect(readYamlFast('f.yaml', text)).toBeUndefined();
    const s = { file: 'f.yaml', text: `version: toolgate.policy/v1\nrules: []\nx: ${JSON.stringify(name)}\n${text}` };
    expect(parsePolicySource(s)).toEqual(parsePolicySourceLineAware(s));
  });

  const BROKEN = [
    'a: [1, 2\n',
    'a: "open\n',
    "a: 'open\n",
    'a:\n\t- tab\n',
    'a: b: c\n',
    'a:\n  - x\n - y\n',
    'a: {b: 1,, c: 2}\n',
    '- a\nb: 1\n',
    'a: |\n x\n  y\n z: 1\n',
    'a: @x\n',
    'a: `x\n',
    'a: *missing\n',
  ];
  it.each(BROKEN)('what the line-aware parser rejects, the fast path never accepts: %j', (text) => {
    const fast = readYamlFast('f.yaml', text);
    if (reference(text) === 'error') expect(fast).toBeUndefined();
    else if (fast) expect(fast.value).toEqual(reference(text));
  });
});
